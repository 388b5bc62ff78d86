"""The bulletin's content: the written summary and the tables carry the figures of
``figures.selectors`` for a small hand-built city (2023 Q1)."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.bulletins.selectors import bulletin_content, parse_period
from ballast.figures.selectors import unit_figures
from ballast.projects import services as ps
from ballast.reports import services as rs


@pytest.fixture
def q1_city(city, unit_a, unit_b, people, make_project, d):
    """Yangzhou's 2023 Q1 in miniature (万元):

    unit A 仪征: PA1 200,000 signed 01-10, landed 02-01, started 03-08, plan 50,000,
    accepted 5,000 + 5,000 + 10,000; PA2 50,000 signed 02-15; PA3 300,000 started
    2022-06-01, plan 120,000 to complete in May, accepted 6,000 (Jan); PA0 100,000
    signed 2022-03-01 (last year's comparison).
    unit B 高邮: PB1 120,000 signed 03-20, plan 30,000 to start in April; PB2 80,000
    started 2021-05-01, completed 2023-03-31.
    Target of unit A for 2023Q1: 2 signed projects and 200,000 万元 signed.
    """
    admin = people["city_admin"]
    projects = {
        "PA1": make_project(
            name="阿特斯光储全产业链",
            total_investment=Decimal(200000),
            stages={"signed": d(2023, 1, 10), "landed": d(2023, 2, 1), "started": d(2023, 3, 8)},
        ),
        "PA2": make_project(
            name='=HYPERLINK("x")科霸生物医药',
            total_investment=Decimal(50000),
            stages={"signed": d(2023, 2, 15)},
        ),
        "PA3": make_project(
            name="中国移动长三角(扬州)数据中心",
            total_investment=Decimal(300000),
            stages={"started": d(2022, 6, 1)},
        ),
        "PA0": make_project(
            name="去年签约项目", total_investment=Decimal(100000), stages={"signed": d(2022, 3, 1)}
        ),
        "PB1": make_project(
            unit_b,
            name="亚新科双环汽车零部件",
            total_investment=Decimal(120000),
            stages={"signed": d(2023, 3, 20)},
        ),
        "PB2": make_project(
            unit_b,
            name="长春路消费带文旅提升改造",
            total_investment=Decimal(80000),
            stages={"started": d(2021, 5, 1), "completed": d(2023, 3, 31)},
        ),
    }
    ps.plan_save(user=admin, project=projects["PA1"], year=2023, planned_investment=Decimal(50000))
    ps.plan_save(
        user=admin,
        project=projects["PA3"],
        year=2023,
        planned_investment=Decimal(120000),
        completion_month=5,
    )
    ps.plan_save(
        user=admin,
        project=projects["PB1"],
        year=2023,
        planned_investment=Decimal(30000),
        start_month=4,
    )
    for key, month, amount in (
        ("PA1", 1, 5000),
        ("PA1", 2, 5000),
        ("PA1", 3, 10000),
        ("PA3", 1, 6000),
    ):
        rs.report_record_accepted(
            user=admin,
            project=projects[key],
            month=date(2023, month, 1),
            data={"investment": Decimal(amount)},
            reason="测试",
        )
    ps.target_set(user=admin, unit=unit_a, period="2023Q1", indicator="signed_count", value=2)
    ps.target_set(
        user=admin, unit=unit_a, period="2023Q1", indicator="signed_investment", value=200000
    )
    return projects


def paragraphs(content):
    return [
        block["text"]
        for section in content["sections"]
        for block in section["blocks"]
        if block["type"] == "paragraph"
    ]


def test_summary_sentence_gives_counts_and_yi_of_the_figures(q1_city, city):
    content = bulletin_content(city=city, period="2023Q1")
    figures = unit_figures(unit=city, year=2023, as_of=date(2023, 3, 31))
    signed = figures["new"]["signed"]
    assert (signed["count"], signed["investment_wan"]) == (3, Decimal("370000.00"))
    text = paragraphs(content)[1]
    assert text.startswith("一季度，全市新签约项目3个、同比增加2个，总投资37亿元、同比增长270.0%；")
    assert "新开工项目1个，总投资20亿元；" in text
    assert "新竣工项目1个，总投资8亿元。" in text


def test_investment_against_time_progress_is_worded(q1_city, city):
    text = paragraphs(bulletin_content(city=city, period="2023Q1"))[2]
    # plans 50,000 + 120,000 + 30,000 = 20 亿; accepted 20,000 + 6,000 = 2.6 亿 → 13.0%
    assert text == (
        "全市重大项目年度计划投资20亿元，一季度累计完成投资2.6亿元，完成年度计划的13.0%，"
        "慢于序时进度12.0个百分点（序时进度25.0%）。"
    )


def test_signed_cohort_rates_in_text_and_table(q1_city, city):
    content = bulletin_content(city=city, period="2023Q1")
    assert (
        paragraphs(content)[3]
        == "当年新签约项目3个，截至目前落地率33.3%、开工率33.3%、列统率0.0%。"
    )
    table = content["tables"]["cohort"]
    by_unit = {row[0]: row for row in table["rows"]}
    assert by_unit["仪征"] == ["仪征", 2, 1, "50.0", 1, "50.0", 0, "0.0"]
    assert by_unit["广陵"] == ["广陵", 0, 0, None, 0, None, 0, None]
    assert table["total"] == ["合计", 3, 1, "33.3", 1, "33.3", 0, "0.0"]


def test_new_signed_table_by_unit_against_targets(q1_city, city):
    table = bulletin_content(city=city, period="2023Q1")["tables"]["new_signed"]
    by_unit = {row[0]: row for row in table["rows"]}
    assert by_unit["仪征"] == ["仪征", 2, 2, "100.0", "20.00", "25.00", "125.0"]
    assert by_unit["高邮"] == ["高邮", None, 1, None, None, "12.00", None]
    assert table["total"] == ["合计", 2, 3, "150.0", "20.00", "37.00", "185.0"]


def test_lists_of_projects_red_and_black(q1_city, city):
    content = bulletin_content(city=city, period="2023Q1")
    largest = content["tables"]["largest_started"]["rows"]
    assert largest == [[1, "阿特斯光储全产业链", "仪征", "20.00"]]
    lagging = content["tables"]["most_lagging"]["rows"]
    # PA3 (5.0%) and PB1 (0.0%) are behind 25.0%; PA1 (40.0%) is ahead. Shortfalls:
    # PA3 120,000 × 3/12 − 6,000 = 24,000; PB1 30,000 × 3/12 − 0 = 7,500.
    assert [row[1] for row in lagging] == ["中国移动长三角(扬州)数据中心", "亚新科双环汽车零部件"]
    assert lagging[0][3:] == ["12.00", "0.60", "5.0", "20.0", "2.40"]
    assert lagging[1][3:] == ["3.00", "0.00", "0.0", "25.0", "0.75"]


def test_next_quarter_tasks_from_plan_months(q1_city, city):
    content = bulletin_content(city=city, period="2023Q1")
    assert content["next_period_label"] == "2023年二季度"
    tasks = content["tables"]["tasks"]["rows"]
    assert [(r[1], r[2], r[4], r[5]) for r in tasks] == [
        ("仪征", "中国移动长三角(扬州)数据中心", "计划竣工", 5),
        ("高邮", "亚新科双环汽车零部件", "计划开工", 4),
    ]
    assert content["tables"]["tasks_by_unit"]["total"] == ["合计", 1, "12.00", 1, "30.00"]


def test_half_year_and_annual_variants_change_wording(q1_city, city):
    half = bulletin_content(city=city, period="2023H1")
    assert half["kind"] == "half" and half["as_of"] == "2023-06-30"
    assert half["title"] == "关于2023年上半年全市重大项目建设情况的通报"
    assert paragraphs(half)[1].startswith("上半年，全市新签约项目3个")
    assert half["next_period"] == "2023Q3"
    year = bulletin_content(city=city, period="2023")
    assert year["kind"] == "year" and paragraphs(year)[1].startswith("全年，全市")
    assert year["next_period"] == "2024Q1"


def test_unit_bulletin_covers_only_that_unit(q1_city, city, unit_b):
    content = bulletin_content(city=city, period="2023Q1", unit=unit_b)
    assert paragraphs(content)[1].startswith("一季度，高邮市新签约项目1个，总投资12亿元；")
    assert [row[0] for row in content["tables"]["new_signed"]["rows"]] == ["高邮"]


def test_months_are_not_a_bulletin_period():
    with pytest.raises(ValueError, match="通报期间"):
        parse_period("2023-03")
