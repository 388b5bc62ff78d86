"""Downloads of any list: CSV (UTF-8 with BOM, for Excel) and xlsx.

Text cells that begin with = + - @ are escaped with a leading apostrophe so that a
spreadsheet never runs them as formulas (CSV/formula injection).
"""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ballast.accounts.signals import data_exported

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Escape a text cell that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def recorded(rows, *, what: str, fmt: str):
    """Yield ``rows``; when they are all written, tell the audit trail (who exported which
    list in which format, how many rows; the filters come from the running request)."""
    count = 0
    for row in rows:
        count += 1
        yield row
    data_exported(what=what, fmt=fmt, rows=count)


# --------------------------------------------------------------------------- any list

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _width(title: str, values) -> float:
    """A column width (in characters) that fits the header and most of the cells.

    CJK characters count twice; capped so that a long text does not make a wall.
    """

    def size(value) -> int:
        text = "" if value is None else str(value)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    widest = max([size(title)] + [size(v) for v in values[:200]])
    return min(max(widest + 2, 8), 50)


def table_export(kind: str, columns, items, filename: str, sheet_title: str) -> HttpResponse:
    """Any list as CSV (UTF-8 with BOM) or xlsx, from ``(header, getter)`` pairs.

    Lists drawn by a :class:`ballast.web.tables.Table` export through the table instead
    (:func:`rows_export`), so their columns are written once.
    """
    titles = [title for title, _ in columns]
    rows = ([get(item) for _, get in columns] for item in items)
    return rows_export(kind, titles, rows, filename, sheet_title)


def rows_export(kind: str, titles, rows, filename: str, sheet_title: str) -> HttpResponse:
    """Rows of cell values under ``titles`` as CSV (UTF-8 with BOM) or xlsx.

    Headers carry their unit, e.g. "总投资（万元）". Text cells beginning with = + - @ are
    escaped; in xlsx every text cell is stored as text, never as a formula; the header row
    is frozen and bold; widths fit the cells. The export is told to the audit trail.
    """
    titles = [str(t) for t in titles]
    rows = [[safe_text(v) for v in row] for row in rows]
    data_exported(what=sheet_title, fmt="csv" if kind == "csv" else "xlsx", rows=len(rows))
    if kind == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(titles)
        for row in rows:
            writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else v for v in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    for index, title in enumerate(titles):
        sheet.column_dimensions[get_column_letter(index + 1)].width = _width(
            title, [row[index] for row in rows]
        )
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
