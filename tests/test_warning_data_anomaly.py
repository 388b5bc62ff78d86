"""数据异常: cumulative accepted investment above the total, negative amounts, stage dates
out of order (red), and a month far above the project's usual pace — its investment
against the mean of its other accepted months: 5× yellow, 10× red."""

from datetime import date
from decimal import Decimal

from ballast.alerts.models import WarningRule
from ballast.alerts.selectors import warnings_as_of
from ballast.alerts.services import ensure_default_rules, rule_update
from ballast.projects import services as project_services
from ballast.projects.models import AnnualPlan, Project, StageEvent
from tests.test_warning_support import accept, fired

AS_OF = date(2023, 6, 20)


def reports(people, project, amounts: dict[int, str]):
    for month, amount in amounts.items():
        accept(people, project, date(2023, month, 1), amount)


def lower_total(people, project, total: str) -> None:
    """Cut the forecast below what is already reported: the one way a sum above the total
    can arise now that reports are refused past it (reports/rules.py)."""
    project_services.project_update(
        user=people["city_admin"],
        project=project,
        data={"total_investment": Decimal(total)},
        reason="调减总投资",
    )


def test_cumulative_investment_above_total(make_project, people):
    over = make_project(name="超总投资", total_investment=Decimal("1100.00"))
    reports(people, over, {1: "400", 2: "400", 3: "300"})
    lower_total(people, over, "1000.00")
    equal = make_project(name="恰好等于总投资", total_investment=Decimal("1000.00"))
    reports(people, equal, {1: "400", 2: "400", 3: "200"})

    # Red since the month whose report took the sum over the total (March: 1,100).
    assert fired(AS_OF, "data_anomaly") == {"超总投资": ("red", date(2023, 3, 1))}
    # As of February the sum was 800: nothing wrong yet.
    assert fired(date(2023, 2, 28), "data_anomaly") == {}


def test_month_far_above_usual_pace(make_project, people):
    reports(people, make_project(name="五倍"), {1: "100", 2: "100", 3: "100", 4: "500"})
    reports(people, make_project(name="四点九九倍"), {1: "100", 2: "100", 3: "100", 4: "499"})
    reports(people, make_project(name="十倍"), {1: "100", 2: "100", 3: "100", 4: "1000"})
    # Two other months say nothing about a pace.
    reports(people, make_project(name="仅两个其他月份"), {1: "100", 2: "100", 3: "1000"})
    # Other months all zero: no pace to compare with.
    reports(people, make_project(name="其他月份为零"), {1: "0", 2: "0", 3: "0", 4: "1000"})

    assert fired(AS_OF, "data_anomaly") == {
        "五倍": ("yellow", date(2023, 4, 1)),
        "十倍": ("red", date(2023, 4, 1)),
    }
    (warning,) = [
        w
        for w in warnings_as_of(projects=Project.objects.all(), as_of=AS_OF, rules=["data_anomaly"])
        if w.project_name == "五倍"
    ]
    assert warning.detail == "2023年4月完成投资 500.00 万元，为其他月份平均 100.00 万元的 5.0 倍。"


def test_pace_ratio_is_data(make_project, people, city):
    reports(people, make_project(name="四点九九倍"), {1: "100", 2: "100", 3: "100", 4: "499"})
    ensure_default_rules(city)
    rule = WarningRule.objects.get(city=city, key="data_anomaly")
    rule_update(
        user=people["city_admin"],
        rule=rule,
        data={"yellow_threshold": Decimal(4), "red_threshold": Decimal("4.99")},
    )
    assert fired(AS_OF, "data_anomaly") == {"四点九九倍": ("red", date(2023, 4, 1))}


def test_negative_amounts(make_project):
    plan = make_project(name="年度计划为负")
    AnnualPlan.objects.create(project=plan, year=2023, planned_investment=Decimal("-10"))
    later = make_project(name="明年计划为负")
    AnnualPlan.objects.create(project=later, year=2024, planned_investment=Decimal("-10"))
    total = make_project(name="总投资为负")
    Project.objects.filter(pk=total.pk).update(total_investment=Decimal("-1"))

    assert fired(AS_OF, "data_anomaly") == {
        "年度计划为负": ("red", date(2023, 1, 1)),
        "总投资为负": ("red", AS_OF),
    }


def test_stage_dates_out_of_order(make_project):
    project = make_project(name="日期颠倒", stages={"started": date(2023, 3, 1)})
    # Written around the services, as an old import might have: 列统 before 开工.
    StageEvent.objects.create(project=project, stage="in_statistics", date=date(2023, 2, 1))
    make_project(
        name="日期有序",
        stages={"started": date(2023, 3, 1), "in_statistics": date(2023, 3, 1)},
    )
    assert fired(AS_OF, "data_anomaly") == {"日期颠倒": ("red", date(2023, 3, 1))}
    # Before 1 March only the 列统 date existed: nothing out of order yet.
    assert fired(date(2023, 2, 15), "data_anomaly") == {}


def test_one_warning_per_project_with_every_finding(make_project, people):
    project = make_project(name="多处异常", total_investment=Decimal("1020.00"))
    reports(people, project, {1: "10", 2: "10", 3: "10", 4: "990"})
    lower_total(people, project, "1000.00")
    found = warnings_as_of(projects=Project.objects.all(), as_of=AS_OF, rules=["data_anomaly"])
    assert len(found) == 1
    (warning,) = found
    # Cumulative 1,020 > 1,000 from April; April is 99× the mean of the others: red.
    assert (warning.level, warning.since) == ("red", date(2023, 4, 1))
    assert warning.detail == (
        "累计完成投资 1020.00 万元超过总投资 1000.00 万元；"
        "2023年4月完成投资 990.00 万元，为其他月份平均 10.00 万元的 99.0 倍。"
    )
