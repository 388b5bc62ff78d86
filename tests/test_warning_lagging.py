"""低于序时进度: a started project with an annual plan whose year-to-date completion rate is
10 points (yellow) or 20 points (red) below 序时进度 — the figures of
``ballast.figures.selectors.with_investment_progress``."""

from datetime import date
from decimal import Decimal

from ballast.alerts.models import WarningRule
from ballast.alerts.services import ensure_default_rules, rule_update
from ballast.projects.models import AnnualPlan
from tests.test_warning_support import accept, fired

AS_OF = date(2023, 6, 30)  # June's last day: 序时进度 6/12 = 50% (docs/figures.md)
STARTED = {"started": date(2023, 1, 10)}


def planned(make_project, people, name, *, plan="1200", months=None, stages=STARTED):
    project = make_project(name=name, stages=stages)
    if plan is not None:
        AnnualPlan.objects.create(project=project, year=2023, planned_investment=Decimal(plan))
    for month, amount in (months or {}).items():
        accept(people, project, date(2023, month, 1), amount)
    return project


def even(amount, last=None):
    """January to June at ``amount`` a month, June at ``last`` when given."""
    return {m: amount for m in range(1, 6)} | {6: last if last is not None else amount}


def test_lagging_levels_at_the_boundaries(make_project, people):
    planned(make_project, people, "落后10点", months=even("80"))  # 480/1200 = 40%
    planned(make_project, people, "落后9.9点", months=even("80", "81.20"))  # 40.1%
    planned(make_project, people, "落后20点", months=even("60"))  # 30%
    planned(make_project, people, "落后19.9点", months=even("60", "61.20"))  # 30.1%
    planned(make_project, people, "未开工", months=even("10"), stages=None)
    planned(make_project, people, "无年度计划", plan=None, months=even("10"))
    planned(make_project, people, "年度计划为零", plan="0", months=even("0"))

    # since: the first month from whose end on the project lagged without a break.
    # 落后10点: end of May 400/1200 = 33.3% vs 41.7% — 8.3 points, not yet: June.
    # 落后20点: end of March 180/1200 = 15% vs 25% — exactly 10 points; February 6.7: March.
    assert fired(AS_OF, "lagging") == {
        "落后10点": ("yellow", date(2023, 6, 1)),
        "落后20点": ("red", date(2023, 3, 1)),
        "落后19.9点": ("yellow", date(2023, 3, 1)),
    }


def test_lagging_thresholds_are_data(make_project, people, city):
    planned(make_project, people, "落后9.9点", months=even("80", "81.20"))
    planned(make_project, people, "落后10点", months=even("80"))
    ensure_default_rules(city)
    rule = WarningRule.objects.get(city=city, key="lagging")
    rule_update(
        user=people["city_admin"],
        rule=rule,
        data={"yellow_threshold": Decimal("9.9"), "red_threshold": Decimal(10)},
    )
    assert fired(AS_OF, "lagging") == {
        "落后9.9点": ("yellow", date(2023, 6, 1)),
        "落后10点": ("red", date(2023, 6, 1)),
    }


def test_lagging_detail_names_the_figures(make_project, people):
    from ballast.alerts.selectors import warnings_as_of
    from ballast.projects.models import Project

    planned(make_project, people, "落后20点", months=even("60"))
    (warning,) = warnings_as_of(projects=Project.objects.all(), as_of=AS_OF, rules=["lagging"])
    assert warning.detail == (
        "年度计划投资 1200.00 万元，已完成 360.00 万元，完成率 30.0%，"
        "低于序时进度 50.0% 20.0 个百分点。"
    )
