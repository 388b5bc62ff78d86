"""The Excel annex of a bulletin (附表): every table of the content on its own sheet.

Chinese headers with their units (（个）、（亿元）、（%）), the header row frozen, column
widths from the text, numbers as numbers. Text that a spreadsheet would read as a
formula (starting with = + - @, a tab or a carriage return) is escaped the way the other
exports of Ballast do it: a leading apostrophe is added to the text and the cell is
stored as a string, so it is shown, never calculated (formula injection).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAMES = {
    "new_signed": "新签约",
    "new_started": "新开工",
    "new_completed": "新竣工",
    "cohort": "落地开工列统",
    "investment": "投资完成",
    "ranking": "考核排名",
    "largest_started": "红榜项目",
    "most_lagging": "黑榜项目",
    "warnings_by_rule": "预警统计",
    "red_warnings": "红色预警",
    "issues": "协调问题",
    "tasks_by_unit": "下阶段任务",
    "tasks": "任务清单",
}
NUMBER_FORMATS = {
    "int": "0",
    "number": "General",
    "yi": "#,##0.00",
    "percent": "0.0",
    "decimal": "0.00",
}
THIN = Side(style="thin", color="999999")


def safe_text(value: str) -> str:
    """Escape text that a spreadsheet would read as a formula: prefix an apostrophe."""
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _value(value, kind: str):
    if value is None or value == "":
        return None
    if kind in ("yi", "percent", "decimal", "number"):
        return Decimal(str(value))
    if kind == "int" and not isinstance(value, str):
        return int(value)
    return safe_text(str(value))


def _width(text) -> int:
    # CJK characters are about twice as wide as Latin ones.
    text = "" if text is None else str(text)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet_name(key: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", SHEET_NAMES.get(key, key))[:28] or "表"
    base, n = name, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def render_xlsx(content: dict) -> bytes:
    """The annex as an .xlsx file (bytes), rendered only from ``content``."""
    workbook = Workbook()
    about = workbook.active
    about.title = "说明"
    for row in (
        ("通报", safe_text(content["title"])),
        ("期间", content["period_label"]),
        ("数据截至", content["as_of"]),
        ("发文单位", safe_text(content["issuer"])),
        ("说明", "金额单位为亿元，比率单位为%；“—”或空白表示无目标或无基数。"),
    ):
        about.append(row)
        for cell in about[about.max_row]:
            cell.data_type = "s"
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 70

    used: set[str] = {"说明"}
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for key, table in content["tables"].items():
        if not table["rows"]:
            continue
        sheet = workbook.create_sheet(_sheet_name(key, used))
        columns = table["columns"]
        sheet.append([c["label"] for c in columns])
        for cell in sheet[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        rows = list(table["rows"]) + ([table["total"]] if table.get("total") else [])
        for index, row in enumerate(rows):
            sheet.append([_value(v, c["type"]) for v, c in zip(row, columns, strict=True)])
            is_total = table.get("total") is not None and index == len(rows) - 1
            for cell, column in zip(sheet[sheet.max_row], columns, strict=True):
                cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
                if column["type"] in NUMBER_FORMATS and not isinstance(cell.value, str):
                    cell.number_format = NUMBER_FORMATS[column["type"]]
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                if is_total:
                    cell.font = header_font
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            widest = max([_width(column["label"])] + [_width(r[index - 1]) for r in rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
        sheet.row_dimensions[1].height = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
