"""docs/import.md lists every column of both layouts with all its aliases."""

from pathlib import Path

from ballast.imports.columns import LEDGER_COLUMNS, REPORT_COLUMNS

DOC = Path(__file__).resolve().parent.parent / "docs" / "import.md"


def test_every_column_and_alias_is_documented():
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in DOC.read_text("utf-8").splitlines()
        if line.startswith("| ") and line.count("|") >= 5
    }
    for column in [*LEDGER_COLUMNS, *REPORT_COLUMNS]:
        assert column.header in rows, column.header
        assert rows[column.header] == "、".join(column.aliases), column.header
