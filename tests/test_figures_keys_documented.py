"""Every figure key is documented in the generated reference (docs/figure-reference.md)
with its Chinese name."""

import re
from pathlib import Path

from ballast.figures.selectors import FIGURE_KEYS

DOC = Path(__file__).resolve().parent.parent / "docs" / "figure-reference.md"


def test_every_key_has_a_row_with_its_chinese_name():
    rows = {
        key: name
        for key, name in re.findall(
            r"^\| `([A-Za-z0-9_.-]+)` \| ([^|]+) \|", DOC.read_text("utf-8"), re.M
        )
    }
    for key, (name, _kind) in FIGURE_KEYS.items():
        assert key in rows, key
        assert rows[key].strip() == name, key
