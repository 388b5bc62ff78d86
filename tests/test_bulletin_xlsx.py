"""The Excel annex: the same tables with Chinese headers and units, frozen header row,
column widths, numbers as numbers, and formula-like text escaped."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from ballast.bulletins.selectors import bulletin_content
from ballast.bulletins.xlsx_writer import render_xlsx, safe_text
from ballast.figures.selectors import units_figures
from ballast.projects import services as ps
from tests.test_bulletin_content import q1_city  # noqa: F401 - fixture


def test_annex_has_the_tables_with_units_frozen_headers_and_escaped_text(
    q1_city,  # noqa: F811
    city,
    unit_b,
    people,
    make_project,
    d,
):
    formula_like = make_project(
        unit_b, name="@SUM(1+1)项目", total_investment=Decimal(15000), planned_start=d(2023, 5, 6)
    )
    ps.plan_save(
        user=people["city_admin"], project=formula_like, year=2023, planned_investment=Decimal(0)
    )
    workbook = load_workbook(io.BytesIO(render_xlsx(bulletin_content(city=city, period="2023Q1"))))

    assert workbook.sheetnames[:4] == ["说明", "新签约", "新开工", "新竣工"]
    signed = workbook["新签约"]
    assert [c.value for c in signed[1]] == [
        "板块",
        "目标（个）",
        "完成（个）",
        "个数完成率（%）",
        "目标投资（亿元）",
        "总投资（亿元）",
        "投资完成率（%）",
    ]
    assert signed.freeze_panes == "A2"
    assert signed.column_dimensions["A"].width >= 8
    rows = {row[0]: row for row in signed.iter_rows(min_row=2, values_only=True)}
    figures = units_figures(city=city, year=2023, as_of=date(2023, 3, 31))
    assert rows["仪征"][2] == figures["321081"]["new"]["signed"]["count"] == 2
    assert rows["仪征"][5] == 25  # 250,000 万元 = 25 亿元, a number
    assert rows["仪征"][6] == 125
    assert rows["高邮"][1] is None

    tasks = workbook["任务清单"]
    names = {
        row[2]: tasks.cell(row=index, column=3)
        for index, row in enumerate(tasks.iter_rows(min_row=2, values_only=True), start=2)
    }
    cell = names["'@SUM(1+1)项目"]
    assert cell.data_type == "s"  # text, never a formula


def test_safe_text_prefixes_an_apostrophe_to_formula_starts():
    assert [safe_text(t) for t in ("=1+1", "+86", "-3", "@A1", "\tx", "项目", "1=1")] == [
        "'=1+1",
        "'+86",
        "'-3",
        "'@A1",
        "'\tx",
        "项目",
        "1=1",
    ]
