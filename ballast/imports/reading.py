"""Reading a workbook (xlsx) or CSV file into a table of raw cells with its header.

Bounded: files over :data:`MAX_FILE_BYTES`, workbooks that decompress to more than
:data:`MAX_UNPACKED_BYTES` (a zip bomb) and tables of more than :data:`MAX_ROWS` rows are
refused with a message in Chinese. Formulas are never evaluated: openpyxl gives the value
Excel cached when the file was last saved (``data_only=True``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field

from ballast.imports.cells import MONEY_UNITS, arabic_months, clean_text, compact, nfkc
from ballast.imports.columns import IGNORED_HEADERS, Column, alias_map, header_key, split_unit

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SCAN_ROWS = 15


class FileRejected(Exception):
    """The file as a whole cannot be read; ``str(exc)`` says why, in Chinese."""


@dataclass(slots=True)
class RawCell:
    value: object
    percent: bool = False  # formatted as a percentage in Excel


EMPTY = RawCell(None)


@dataclass(slots=True)
class RawRow:
    number: int  # the row number as Excel shows it (1-based)
    cells: list[RawCell]

    def value(self, index: int):
        return self.cells[index].value if index < len(self.cells) else None

    def cell(self, index: int) -> RawCell:
        return self.cells[index] if index < len(self.cells) else EMPTY


@dataclass
class HeaderColumn:
    index: int
    text: str  # the header that was recognised, as written (for messages)
    written: str = ""  # both rows of a two-row header joined
    column: Column | None = None
    unit: str = ""  # a unit declared in the header
    month: tuple[int | None, int] | None = None  # (year, month) of a wide report column
    combined: bool = False  # matched by joining both rows of a two-row header


@dataclass
class Table:
    """A sheet's data rows and its recognised header."""

    sheet: str
    rows: list[RawRow]  # data rows only, in order
    header: list[HeaderColumn]
    header_rows: tuple[int, ...]
    declared_unit: str = ""  # from a "单位：万元" line above the table
    title_year: int | None = None
    ignored: list[str] = field(default_factory=list)

    def columns(self) -> dict[str, HeaderColumn]:
        found = {}
        for head in self.header:
            if head.column is not None and head.column.key not in found:
                found[head.column.key] = head
        return found


def _size_of(file) -> int:
    if isinstance(file, (str, os.PathLike)):
        return os.path.getsize(file)
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _open_bytes(file) -> bytes:
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as handle:
            return handle.read()
    file.seek(0)
    data = file.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _grids(file, filename: str):
    name = (filename or str(getattr(file, "name", "") or file)).lower()
    size = _size_of(file)
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            f"文件大小 {size / 1024 / 1024:.1f} MB 超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后导入。"
        )
    if name.endswith(".xls"):
        raise FileRejected("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后导入。")
    data = _open_bytes(file)
    if name.endswith(".csv") or not data.startswith(b"PK"):
        if name.endswith((".xlsx", ".xlsm")):
            raise FileRejected("文件不是有效的 .xlsx 工作簿（可能已损坏或并非 Excel 文件）。")
        return [("CSV", _csv_grid(data))]
    return _xlsx_grids(data)


def _csv_grid(data: bytes) -> list[list[RawCell]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise FileRejected("无法识别 CSV 文件的编码，请保存为 UTF-8 编码。")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    grid = []
    for row in csv.reader(io.StringIO(text), dialect):
        grid.append([RawCell(v if v != "" else None) for v in row])
        if len(grid) > MAX_ROWS + HEADER_SCAN_ROWS:
            raise FileRejected(f"数据超过 {MAX_ROWS} 行的上限，请拆分后导入。")
    return grid


def _xlsx_grids(data: bytes):
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileRejected("文件不是有效的 .xlsx 工作簿（可能已损坏或并非 Excel 文件）。") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRejected(
            f"工作簿解压后达 {unpacked / 1024 / 1024:.0f} MB，超过上限 {MAX_UNPACKED_BYTES // 1024 // 1024} MB，拒绝导入。"
        )
    try:
        # Read-only: the rows stream from the sheet's XML, one ReadOnlyCell at a time,
        # instead of a Cell object with its styles kept for every cell of the sheet.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRejected(f"无法读取工作簿：{exc}") from exc
    grids = []
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            grids.append((sheet.title, _sheet_grid(sheet, _merged_ranges(workbook, sheet))))
    finally:
        workbook.close()
    return grids


MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _merged_ranges(workbook, sheet) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of the sheet's merged cells, read from the
    ``<mergeCells>`` after the rows in the sheet's XML (a read-only workbook does not
    load them), a megabyte at a time."""
    ranges, tail = [], b""

    def found(text, end):
        return [
            (int(m[2]), _column_number(m[1]), int(m[4]), _column_number(m[3]))
            for m in MERGE_CELL.finditer(text, 0, end)
        ]

    with workbook._archive.open(sheet._worksheet_path) as source:
        while chunk := source.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b"<")  # the last tag may be cut in two: read it again next
            cut = len(text) if cut < 0 else cut
            ranges += found(text, cut)
            tail = text[cut:]
    return ranges + found(tail, len(tail))


def _sheet_grid(sheet, merged) -> list[list[RawCell]]:
    grid: list[list[RawCell]] = []
    blank_run = 0
    sheet.reset_dimensions()  # all the rows, whatever the file's <dimension> says
    for row in sheet.iter_rows():
        cells = []
        blank = True
        for c in row:
            value = c.value
            if value is None:
                cells.append(EMPTY)
                continue
            blank = False
            cells.append(RawCell(value, "%" in (c.number_format or "")))
        while cells and cells[-1] is EMPTY:
            cells.pop()
        grid.append(cells)
        blank_run = blank_run + 1 if blank else 0
        if len(grid) - blank_run > MAX_ROWS + HEADER_SCAN_ROWS:
            raise FileRejected(f"工作表“{sheet.title}”超过 {MAX_ROWS} 行的上限，请拆分后导入。")
    if blank_run:
        del grid[len(grid) - blank_run :]
    # Merged cells (two-row headers, a unit merged down a group of rows): every cell of
    # the range reads the top-left value.
    for min_row, min_col, max_row, max_col in merged:
        top = min_row - 1
        if top >= len(grid):
            continue
        first = grid[top][min_col - 1] if min_col - 1 < len(grid[top]) else None
        if first is None or first.value is None:
            continue
        for r in range(min_row - 1, min(max_row, len(grid))):
            for c in range(min_col - 1, max_col):
                while len(grid[r]) <= c:
                    grid[r].append(EMPTY)
                grid[r][c] = RawCell(first.value, first.percent)
    return grid


MONTH_HEADER = re.compile(
    r"^(?:(?P<year>(?:19|20)\d{2})(?:年|[-./]))?(?P<month>\d{1,2})(?:月份?)?(?:完成投资|投资|完成)?(?:\(万元\))?$"
)


def _month_of(text: str) -> tuple[int | None, int] | None:
    key = arabic_months(split_unit(text)[0])
    match = MONTH_HEADER.match(key)
    if not match:
        return None
    if match["year"] is None and "月" not in key:
        return None  # a bare number is not a month column
    month = int(match["month"])
    if not 1 <= month <= 12:
        return None
    return (int(match["year"]) if match["year"] else None, month)


def _resolve(text: str, aliases: dict[str, Column]) -> tuple[Column | None, str]:
    key = header_key(text)
    if not key:
        return None, ""
    if key in aliases:
        return aliases[key], ""
    base, unit = split_unit(key)
    if base in aliases:
        return aliases[base], unit
    return None, unit


def _header_for(grid, index: int, two_rows: bool, aliases, allow_months: bool):
    row = grid[index]
    above = grid[index - 1] if two_rows and index > 0 else []
    width = max(len(row), len(above))
    header = []
    for c in range(width):
        child = clean_text(row[c].value if c < len(row) else None).replace("\n", "")
        parent = clean_text(above[c].value if c < len(above) else None).replace("\n", "")
        if parent == child:
            parent = ""
        candidates = [child]
        if parent:
            parent_base = re.sub(r"(日期|时间|节点|情况)$", "", parent)
            candidates = [parent + child, parent_base + child, child, parent]
        written = "".join(p for p in (parent, child) if p)
        head = HeaderColumn(index=c, text=written, written=written)
        units = [split_unit(t)[1] for t in (child, parent) if t]
        for position, candidate in enumerate(t for t in candidates if t):
            column, unit = _resolve(candidate, aliases)
            if column is not None:
                head.column, head.unit = column, unit or next((u for u in units if u), "")
                head.text = candidate
                head.combined = bool(parent and child and position < 2)
                break
            if allow_months:
                month = _month_of(candidate)
                if month is None and parent and child:
                    child_month = _month_of(child)
                    parent_year = re.search(r"((?:19|20)\d{2})年?", compact(parent))
                    if child_month and child_month[0] is None and parent_year:
                        month = (int(parent_year[1]), child_month[1])
                if month is not None:
                    head.month = month
                    head.unit = next((u for u in units if u), "")
                    head.text = written
                    break
        header.append(head)
    return header


def _score(header) -> float:
    keys = {h.column.key for h in header if h.column is not None}
    combined = sum(1 for h in header if h.combined)
    return len(keys) + sum(1 for h in header if h.month is not None) + combined / 2


DECLARED_UNIT = re.compile(r"单位[:：]?(亿元|万元|千元|元)")
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年")


def find_table(
    file,
    *,
    filename: str,
    columns: list[Column],
    allow_months: bool,
    anchors: tuple[str, ...] = ("code", "name"),
    missing: str = "",
) -> Table:
    """The first visible sheet with a recognisable header (one of the ``anchors`` columns
    — the project's name or code — and at least one more), as a :class:`Table`;
    ``missing`` is the message when none is found."""
    aliases = alias_map(columns)
    ignored_keys = {header_key(h) for h in IGNORED_HEADERS}
    best = None
    for sheet_name, grid in _grids(file, filename):
        for index in range(min(HEADER_SCAN_ROWS, len(grid))):
            for two_rows in (False, True):
                if two_rows and index == 0:
                    continue
                header = _header_for(grid, index, two_rows, aliases, allow_months)
                keys = {h.column.key for h in header if h.column is not None}
                if not keys & set(anchors):
                    continue
                score = _score(header)
                if best is None or score > best[0]:
                    best = (score, sheet_name, grid, index, two_rows, header)
        if best is not None and best[0] >= 2:
            break
    if best is None or best[0] < 2:
        raise FileRejected(
            missing
            or "没有找到表头：请确认前 15 行中有“项目名称”或“项目代码”等列名（可下载模板对照）。"
        )
    _score_value, sheet_name, grid, index, two_rows, header = best
    above_text = " ".join(
        compact(cell.value) for row in grid[: index + 1] for cell in row if cell.value is not None
    )
    declared = DECLARED_UNIT.search(nfkc(above_text))
    year = TITLE_YEAR.search(above_text)
    rows = []
    for number, cells in enumerate(grid[index + 1 :], start=index + 2):
        texts = [compact(c.value) for c in cells if c.value is not None and compact(c.value)]
        if not texts:
            continue
        if any(
            t in ("合计", "总计", "小计", "全市合计") or t.startswith(("合计", "总计"))
            for t in texts[:3]
        ):
            continue
        if all(t.isdigit() for t in texts) and [int(t) for t in texts] == list(
            range(int(texts[0]), int(texts[0]) + len(texts))
        ):
            continue  # a row numbering the columns (1 2 3 …) under the header
        rows.append(RawRow(number=number, cells=cells))
    if len(rows) > MAX_ROWS:
        raise FileRejected(f"数据共 {len(rows)} 行，超过 {MAX_ROWS} 行的上限，请拆分后导入。")
    ignored = [
        h.text
        for h in header
        if h.column is None
        and h.month is None
        and h.text
        and header_key(h.text) not in ignored_keys
    ]
    declared_unit = declared[1] if declared and declared[1] in MONEY_UNITS else ""
    return Table(
        sheet=sheet_name,
        rows=rows,
        header=header,
        header_rows=(index, index + 1) if two_rows else (index + 1,),
        declared_unit=declared_unit,
        title_year=int(year[1]) if year else None,
        ignored=ignored,
    )
