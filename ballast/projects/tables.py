"""The project list's columns and its downloads (CSV with BOM, xlsx), streamed from the
filtered list; every export is told to the audit trail."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from ballast.projects.choices import STAGE_BY_ORDER, Level, SizeClass, Stage
from ballast.web.exports import recorded, safe_text

COLUMNS = (
    ("项目代码", lambda p: p.code or ""),
    ("项目名称", lambda p: p.name),
    ("建设单位/投资主体", lambda p: p.investor),
    ("所属板块", lambda p: p.unit.display_name),
    ("产业集群", lambda p: p.cluster.name if p.cluster else ""),
    ("项目层级", lambda p: Level(p.level).label),
    ("总投资（万元）", lambda p: p.total_investment),
    ("规模", lambda p: SizeClass(p.size).label),
    ("阶段", lambda p: Stage(STAGE_BY_ORDER[p.stage_seq]).label if p.stage_seq else "未入库"),
    ("计划开工日期", lambda p: p.planned_start.isoformat() if p.planned_start else ""),
    ("计划竣工日期", lambda p: p.planned_completion.isoformat() if p.planned_completion else ""),
    ("责任人", lambda p: p.responsible_officer),
)


def _rows(projects):
    for project in projects:
        yield [safe_text(get(project)) for _, get in COLUMNS]


def project_csv(projects, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([title for title, _ in COLUMNS])
    for row in recorded(_rows(projects), what="项目清单", fmt="csv"):
        writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else v for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def project_xlsx(projects, filename: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "项目清单"
    sheet.append([title for title, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in recorded(_rows(projects), what="项目清单", fmt="xlsx"):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    for letter, width in zip(
        "ABCDEFGHIJKL", (26, 36, 28, 12, 14, 10, 14, 10, 10, 14, 14, 10), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
