"""The bulletin's 数据质量情况 section (issue 12 item 3): per unit, the integrity flags
and the year's on-site checks, worked by hand on a small city — 仪征 stuffs its quarter
ends (700 + i in March, June, September, December, 100 + i in the other months, ten
projects), 高邮 reports nothing; one check in 仪征 found inflation."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from ballast.alerts.choices import SiteCheckStatus
from ballast.alerts.models import CheckDraw, SiteCheck
from ballast.bulletins.docx_writer import render_docx
from ballast.bulletins.selectors import bulletin_content
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport


@pytest.fixture
def stuffed(city, unit_a, make_project, people):
    projects = [make_project(unit_a) for _ in range(10)]
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            project=p,
            month=date(2023, m, 1),
            investment=Decimal(700 if m % 3 == 0 else 100) + i,
            status=ReportStatus.ACCEPTED,
        )
        for i, p in enumerate(projects)
        for m in range(1, 13)
    )
    report = MonthlyReport.objects.get(project=projects[0], month=date(2023, 9, 1))
    draw = CheckDraw.objects.create(
        city=city, month=date(2023, 9, 1), seed="7", size=1, as_of=date(2023, 10, 8),
        drawn_by=people["city_admin"],
    )  # fmt: skip
    SiteCheck.objects.create(
        draw=draw, rank=1, project=projects[0], report=report, weight=6,
        reported_investment=Decimal(700), status=SiteCheckStatus.INFLATED,
        found_investment=Decimal(300), checked_on=date(2023, 10, 20), amended=True,
    )  # fmt: skip
    return projects


def section(content, name):
    return next(s for s in content["sections"] if s["heading"].endswith(name))


def test_the_section_names_the_flagged_unit_and_counts_the_checks(city, stuffed):
    content = bulletin_content(city=city, period="2023Q4")
    found = section(content, "数据质量情况")
    texts = [b["text"] for b in found["blocks"] if b["type"] == "paragraph"]
    # 1 share flag + 4 quarter-end spikes (each 7,045 ÷ 1,045 = 6.74 ≥ 2.5) + Benford
    # (first digits 1 and 7 only) = 6 flags, all in 仪征.
    assert texts[0] == (
        "截至2023年12月31日，1个板块的报送数据有异常提示：仪征市（季末月占比偏高、"
        "季末月冲高、首位数字分布异常）。请相关板块逐项核实，市里将据此安排现场抽查。"
    )
    assert texts[1] == "本年已现场抽查1个项目，发现虚报1个，均已据抽查结果更正月报。"
    table = content["tables"]["integrity"]
    rows = {row[0]: row for row in table["rows"]}
    assert rows["仪征市"] == ["仪征市", 6, "季末月占比偏高、季末月冲高、首位数字分布异常", 0, 1, 1]
    assert rows["高邮市"] == ["高邮市", 0, "—", 0, 0, 0]
    assert table["total"] == ["合计", 6, "", 0, 1, 1]
    # it stands before the next period's tasks, numbered in turn
    headings = [s["heading"] for s in content["sections"]]
    assert headings.index(found["heading"]) == len(headings) - 2


def test_a_clean_city_says_so_and_shows_no_table(city, unit_a):
    content = bulletin_content(city=city, period="2023Q4")
    found = section(content, "数据质量情况")
    assert found["blocks"] == [
        {"type": "paragraph", "text": "截至2023年12月31日，各板块报送数据未见异常提示。"}
    ]


def test_a_check_recorded_after_the_as_of_date_is_not_counted(city, stuffed):
    # As of 30 September the check (recorded 20 October) had not happened.
    content = bulletin_content(city=city, period="2023Q3")
    texts = [
        b["text"] for b in section(content, "数据质量情况")["blocks"] if b["type"] == "paragraph"
    ]
    assert not any("现场抽查" in t and "本年" in t for t in texts)
    assert content["tables"]["integrity"]["total"][4:] == [0, 0]


def test_the_word_document_carries_the_section(city, stuffed):
    document = Document(io.BytesIO(render_docx(bulletin_content(city=city, period="2023Q4"))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "、数据质量情况" in text
    assert "本年已现场抽查1个项目，发现虚报1个" in text
