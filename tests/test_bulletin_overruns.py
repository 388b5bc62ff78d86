"""The bulletin's section on overruns against the baseline (项目超期情况): its text and
tables carry ``figures.selectors``' late projects, delay buckets and new delays for a
small hand-built city, in the content and in the Word document (GB/T 9704 body face)."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from ballast.bulletins.docx_writer import render_docx
from ballast.bulletins.selectors import bulletin_content
from ballast.projects import services as ps
from ballast.projects.models import Project


def dated_history(project, *days):
    rows = Project.history.model.objects.filter(id=project.pk).order_by("history_id")
    assert rows.count() == len(days)
    for row, day in zip(rows, days, strict=True):
        row.history_date = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
        row.save()


@pytest.fixture
def late_city(make_project, people, unit_b, d):
    """Unit A 仪征: 东区厂房 10,000 万元 due 2024-06-30, moved on 03-10 to 2025-03-31 and
    12,500 (9 months late, new this month; 2,500 over = 25.0%). Unit B 高邮: 西区码头
    20,000 due 2023-12-31, moved on 01-20 to 2026-02-28 (26 months, already late at the end
    of February). 南区仓库 (A) on time. As of 2023-03-31: late 2 — 1–12 months 1, 25–60
    months 1; new since 02-28: 1."""
    admin = people["city_admin"]
    east = make_project(
        name="东区厂房", total_investment=Decimal(10000), planned_completion=d(2024, 6, 30)
    )
    ps.project_update(
        user=admin,
        project=east,
        data={"total_investment": Decimal(12500), "planned_completion": d(2025, 3, 31)},
    )
    dated_history(east, d(2023, 1, 5), d(2023, 3, 10))
    west = make_project(
        unit_b, name="西区码头", total_investment=Decimal(20000), planned_completion=d(2023, 12, 31)
    )
    ps.project_update(user=admin, project=west, data={"planned_completion": d(2026, 2, 28)})
    dated_history(west, d(2023, 1, 5), d(2023, 1, 20))
    south = make_project(
        name="南区仓库", total_investment=Decimal(5000), planned_completion=d(2024, 1, 31)
    )
    dated_history(south, d(2023, 1, 5))
    return east, west


def section(content, name):
    return next(s for s in content["sections"] if s["heading"].endswith(name))


def test_the_section_says_the_figures(late_city, city, unit_a, unit_b):
    content = bulletin_content(city=city, period="2023Q1")
    headings = [s["heading"] for s in content["sections"]]
    assert headings.index("五、项目超期情况") == headings.index("四、预警情况") + 1
    blocks = section(content, "项目超期情况")["blocks"]
    assert blocks[0] == {
        "type": "paragraph",
        "text": "截至2023年3月31日，共有2个项目预计竣工日期晚于基线竣工日期，其中延期"
        "1–12个月1个、25–60个月1个；上月末以来新增延期1个。总投资超出基线的项目1个，"
        "合计超出0.25亿元，为其基线总投资的25.0%。",
    }
    tables = content["tables"]
    assert tables["overrun_buckets"]["rows"] == [
        ["1–12个月", 1],
        ["13–24个月", 0],
        ["25–60个月", 1],
        ["60个月以上", 0],
    ]
    assert tables["overrun_buckets"]["total"] == ["合计", 2]
    a, b = unit_a.display_name, unit_b.display_name
    assert tables["late_projects"]["rows"] == [
        [1, "西区码头", b, "2023-12-31", "2026-02-28", 26, "25–60个月"],
        [2, "东区厂房", a, "2024-06-30", "2025-03-31", 9, "1–12个月"],
    ]
    assert tables["new_delays"]["rows"] == [[1, "东区厂房", a, 0, 9, "2025-03-31"]]


def test_a_unit_bulletin_keeps_to_its_unit(late_city, city, unit_b):
    content = bulletin_content(city=city, unit=unit_b, period="2023Q1")
    text = section(content, "项目超期情况")["blocks"][0]["text"]
    assert text == (
        "截至2023年3月31日，共有1个项目预计竣工日期晚于基线竣工日期，其中延期"
        "25–60个月1个；上月末以来新增延期0个。"
    )
    assert [r[1] for r in content["tables"]["late_projects"]["rows"]] == ["西区码头"]
    assert content["tables"]["new_delays"]["rows"] == []


def test_before_any_delay_the_section_says_so(late_city, city, d):
    content = bulletin_content(city=city, period="2023Q1", as_of=d(2023, 1, 10))
    assert section(content, "项目超期情况")["blocks"] == [
        {"type": "paragraph", "text": "截至2023年1月10日，无相对基线延期的项目。"}
    ]


def test_the_word_document_carries_the_section(late_city, city):
    document = Document(io.BytesIO(render_docx(bulletin_content(city=city, period="2023Q1"))))
    heading = next(p for p in document.paragraphs if p.text == "五、项目超期情况")
    assert heading.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    body = next(p for p in document.paragraphs if p.text.startswith("截至2023年3月31日，共有2个"))
    assert body.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    late_table = next(
        t for t in document.tables if any("西区码头" in c.text for c in t.rows[1].cells)
    )
    assert [c.text for c in late_table.rows[0].cells][:3] == ["序号", "项目名称", "板块"]
    assert [c.text for c in late_table.rows[2].cells][1:6] == [
        "东区厂房",
        document_unit(late_city[0]),
        "2024-06-30",
        "2025-03-31",
        "9",
    ]


def document_unit(project):
    return project.unit.display_name
