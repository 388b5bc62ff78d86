"""Blank import templates generated from the one column definition (columns.py)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ballast.imports.columns import (
    CATEGORY_WORDS,
    LEDGER_COLUMNS,
    LEDGER_TEMPLATE_KEYS,
    LEVEL_WORDS,
    MUJUN_COLUMNS,
    MUJUN_TEMPLATE_KEYS,
    ORIGIN_WORDS,
    REPORT_COLUMNS,
    REPORT_LONG_TEMPLATE_KEYS,
    REPORT_WIDE_TEMPLATE_KEYS,
    STATUS_WORDS,
    TARGET_COLUMNS,
    TARGET_TEMPLATE_KEYS,
)
from ballast.projects.choices import TargetIndicator

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CHOICE_LISTS = {
    "origin": ORIGIN_WORDS,
    "category": CATEGORY_WORDS,
    "level": LEVEL_WORDS,
    "status": STATUS_WORDS,
}
KIND_NOTES = {
    "date": "日期：2023-03-08、2023.3.8、2023/3/8、2023年3月8日 或 Excel 日期；只写到月份记为当月1日",
    "month": "月份：2023-03、2023年3月、2023.3 或 Excel 日期",
    "money": "金额，可在表头括号中改写单位：万元、亿元、元",
    "usd": "金额，可在表头括号中改写单位：万美元、亿美元、美元",
    "land": "面积，单位 亩（表头写“公顷”则按 1 公顷 = 15 亩换算）",
    "area": "面积，单位 ㎡（表头写“万平方米”则换算）",
    "percent": "0–100 的数字，或 45%，或设为百分比格式的 0.45",
    "year": "四位年份，如 2023",
    "integer": "整数",
    "degree": "数字，不带单位",
}


def _columns(keys, columns):
    by_key = {c.key: c for c in columns}
    return [by_key[k] for k in keys]


def _notes_sheet(workbook, columns, extra_rows=()):
    sheet = workbook.create_sheet("填写说明")
    sheet.append(["列名", "可用的别名", "单位", "填写说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in columns:
        note = column.help or KIND_NOTES.get(column.kind, "")
        choices = CHOICE_LISTS.get(column.kind)
        if choices:
            note = note or "可填：" + "、".join(names[0] for names in choices.values())
        sheet.append([column.header, "、".join(column.aliases), column.unit, note])
    for row in extra_rows:
        sheet.append(list(row))
    for letter, width in zip("ABCD", (20, 60, 10, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def build_template(kind: str, *, wide: bool = False) -> Workbook:
    """The template of ``kind`` (``ledger``, ``reports``, ``mujun`` or ``targets``), as an openpyxl
    workbook."""
    workbook = Workbook()
    sheet = workbook.active
    if kind == "ledger":
        sheet.title = "项目台账"
        title = "重大项目台账（导入模板）"
        columns = _columns(LEDGER_TEMPLATE_KEYS, LEDGER_COLUMNS)
        headers = [c.template_header for c in columns]
    elif kind == "reports":
        title = "月度填报（导入模板，" + ("宽表" if wide else "长表") + "）"
        sheet.title = "月度填报"
        keys = REPORT_WIDE_TEMPLATE_KEYS if wide else REPORT_LONG_TEMPLATE_KEYS
        columns = _columns(keys, REPORT_COLUMNS)
        headers = [c.template_header for c in columns]
        if wide:
            headers += [f"{m}月（万元）" for m in range(1, 13)]
    elif kind == "mujun":
        title = "亩均数据（导入模板）"
        sheet.title = "亩均数据"
        columns = _columns(MUJUN_TEMPLATE_KEYS, MUJUN_COLUMNS)
        headers = [c.template_header for c in columns]
    elif kind == "targets":
        title = "板块目标（导入模板）"
        sheet.title = "板块目标"
        columns = _columns(TARGET_TEMPLATE_KEYS, TARGET_COLUMNS)
        headers = [c.template_header for c in columns]
    else:
        raise ValueError(f"unknown template kind {kind!r}")
    sheet.append([title])
    sheet.append(headers)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.freeze_panes = "A3"
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(30, len(header) * 2 + 2)
        )
    for index, column in enumerate(columns, start=1):
        choices = CHOICE_LISTS.get(column.kind)
        if choices:
            listing = ",".join(names[0] for names in choices.values())
            validation = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True)
            validation.error = "请从下拉列表中选择"
            sheet.add_data_validation(validation)
            letter = get_column_letter(index)
            validation.add(f"{letter}3:{letter}20002")
    extra = []
    if kind == "targets":
        listing = ",".join(str(i.label) for i in TargetIndicator)
        if len(listing) <= 255:  # Excel's limit on a list written in the rule
            validation = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add("C3:C20002")
        extra = [("可填的指标", "", "", str(i.label)) for i in TargetIndicator]
    if kind == "reports" and wide:
        extra = [("1月（万元）…12月（万元）", "2023年1月、2023-01、1月完成投资", "万元",
                  "每月一列，填当月完成投资；没有年份的月份列取“年度”列或表格标题中的年份")]  # fmt: skip
    _notes_sheet(workbook, columns, extra)
    return workbook
