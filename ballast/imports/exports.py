"""The standard ledger (台账) and monthly reports as workbooks that import back unchanged.

The columns are the import templates' (``columns.py``): Chinese headers with the stored
unit in the header (总投资（万元）), a title row, the header row frozen, widths from the
header. Text that a spreadsheet would read as a formula (= + - @) is escaped as the other
exports escape it (:func:`ballast.web.exports.safe_text`) and stored as a string cell.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ballast.accounts.signals import data_exported
from ballast.imports.columns import (
    CATEGORY_WORDS,
    LEDGER_COLUMNS,
    LEDGER_TEMPLATE_KEYS,
    LEVEL_WORDS,
    ORIGIN_WORDS,
    REPORT_COLUMNS,
    REPORT_LONG_TEMPLATE_KEYS,
)
from ballast.projects.models import AnnualPlan, Project, StageEvent, Suspension
from ballast.web.exports import safe_text

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NUMBER_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


def _columns(keys, columns):
    by_key = {c.key: c for c in columns}
    return [by_key[k] for k in keys]


def _word(words, value) -> str:
    names = words.get(value)
    return names[0] if names else ""


def _ledger_values(project, *, year: int) -> dict:
    values = {
        "code": project.code or "",
        "name": project.name,
        "unit": project.unit.name,
        "district": project.district.code if project.district_id else "",
        "origin": _word(ORIGIN_WORDS, project.origin),
        "cluster": project.cluster.name if project.cluster_id else "",
        "category": _word(CATEGORY_WORDS, project.category),
        "level": _word(LEVEL_WORDS, project.level),
        "parent": (project.parent.code or project.parent.name) if project.parent_id else "",
    }
    for event in project.stage_events.all():
        values[f"stage:{event.stage}"] = event.date
    termination = getattr(project, "termination", None)
    suspensions = [s for s in project.suspensions.all() if s.resumed_on is None]
    if termination is not None:
        values.update(
            status="终止",
            status_date=termination.terminated_on,
            status_reason=termination.get_reason_display(),
            status_note=termination.note,
        )
    elif suspensions:
        current = suspensions[-1]
        values.update(
            status=current.get_kind_display(),
            status_date=current.started_on,
            status_reason=current.get_reason_display(),
            status_note=current.note,
        )
    plans = [p for p in project.plans.all() if p.year == year]
    if plans:
        values["plan_year"] = year
        values["planned_investment"] = plans[0].planned_investment
    return values


def _project_fields() -> set[str]:

    return {f.name for f in Project._meta.concrete_fields}


def _cell_value(column, values: dict, project=None):
    if column.key in values:
        return values[column.key]
    if project is not None and column.key in _project_fields():
        return getattr(project, column.key)
    return None


def _write_sheet(sheet, title: str, columns, rows) -> None:
    headers = [c.template_header for c in columns]
    sheet.append([title])
    sheet.append(headers)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(bold=True, size=14)
    for index in range(1, len(headers) + 1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    widths = [max(10, min(30, len(h) * 2 + 2)) for h in headers]
    for values in rows:
        out = []
        for index, value in enumerate(values):
            if isinstance(value, str):
                value = safe_text(value)
                widths[index] = max(widths[index], min(40, len(value) * 2 + 2))
            out.append(value if value != "" else None)
        sheet.append(out)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(cell.value, Decimal):
                cell.number_format = NUMBER_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(safe_text(value)) if isinstance(value, str) else str(value)


def _write(fmt: str, *, sheet_title: str, title: str, columns, rows) -> bytes:
    """The rows as an xlsx workbook (title row, frozen header) or as CSV (UTF-8 with BOM,
    the header row first, then the rows — the same columns and values)."""
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([c.template_header for c in columns])
        for values in rows:
            writer.writerow([_csv_text(v) for v in values])
        return buffer.getvalue().encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    _write_sheet(sheet, title, columns, rows)
    return _save(workbook)


def export_ledger(projects, *, year: int, fmt: str = "xlsx") -> bytes:
    """The project ledger of ``projects`` (a queryset, already restricted and filtered) in
    the standard layout, with the annual plan of ``year``; xlsx (or ``fmt="csv"``) bytes."""
    columns = _columns(LEDGER_TEMPLATE_KEYS, LEDGER_COLUMNS)
    projects = projects.select_related("unit", "district", "cluster", "parent").prefetch_related(
        Prefetch("stage_events", queryset=StageEvent.objects.order_by("date", "pk")),
        Prefetch("suspensions", queryset=Suspension.objects.order_by("started_on", "pk")),
        Prefetch("plans", queryset=AnnualPlan.objects.filter(year=year)),
        "termination",
    )
    written = 0

    def rows():
        nonlocal written
        for project in projects:
            values = _ledger_values(project, year=year)
            written += 1
            yield [_cell_value(c, values, project) for c in columns]

    data = _write(
        fmt, sheet_title="项目台账", title=f"{year}年重大项目台账", columns=columns, rows=rows()
    )
    data_exported(what=f"{year}年项目台账", fmt=fmt, rows=written)
    return data


def export_reports(reports, fmt: str = "xlsx") -> bytes:
    """Monthly reports (a queryset, already restricted) in the long layout: one row per
    project and month; xlsx (or ``fmt="csv"``) bytes."""
    columns = _columns(REPORT_LONG_TEMPLATE_KEYS, REPORT_COLUMNS)
    reports = reports.select_related("project", "project__unit").order_by(
        "project__unit__sort_order", "project_id", "month"
    )
    written = 0

    def rows():
        nonlocal written
        for report in reports:
            written += 1
            project = report.project
            values = {
                "code": project.code or "",
                "name": project.name,
                "unit": project.unit.name,
                "month": f"{report.month:%Y-%m}",
                "investment": report.investment,
                "progress": report.progress,
                "percent_complete": report.percent_complete,
                "problems": report.problems,
                "suggestions": report.suggestions,
            }
            yield [values.get(c.key) for c in columns]

    data = _write(
        fmt, sheet_title="月度填报", title="重大项目月度填报", columns=columns, rows=rows()
    )
    data_exported(what="月度填报", fmt=fmt, rows=written)
    return data
