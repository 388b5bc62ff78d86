"""序时进度 counts the months whose reports are due by the date: month k counts on D when
D is on or after k's reporting deadline (the city's day of month k + 1, default the 5th)
or when D is k's last day. One function (``figures.selectors.elapsed_months``) decides
it for the figures, the project page, the bulletins and the ``lagging`` warning."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.alerts.selectors import warnings_as_of
from ballast.core.periods import add_months
from ballast.figures.selectors import elapsed_months, unit_figures
from ballast.projects.models import AnnualPlan, Project
from ballast.reports.models import ReportingRule
from tests.test_warning_support import accept


@pytest.mark.parametrize(
    ("day", "months"),
    [
        (date(2023, 1, 1), 0),  # nothing of January is due
        (date(2023, 1, 31), 1),  # January's last day: the month's end reads January whole
        (date(2023, 2, 4), 0),  # January's reports are due on 5 February
        (date(2023, 2, 5), 1),
        (date(2023, 6, 20), 5),  # May due on 5 June; June not yet
        (date(2023, 6, 30), 6),
        (date(2023, 12, 2), 10),  # the reported defect: November is due on 5 December
        (date(2023, 12, 5), 11),
        (date(2023, 12, 30), 11),
        (date(2023, 12, 31), 12),
        (date(2024, 1, 4), 11),  # December 2023 is due on 5 January 2024
        (date(2024, 1, 5), 12),
        (date(2022, 12, 31), 0),
    ],
)
def test_months_elapsed_with_the_default_deadline(day, months):
    assert elapsed_months(2023, day, deadline_day=5) == months


def test_the_citys_deadline_decides(city, unit_a, make_project, people):
    project = make_project(stages={"started": date(2023, 1, 10)})
    AnnualPlan.objects.create(project=project, year=2023, planned_investment=Decimal(1200))

    def progress(day):
        return unit_figures(unit=unit_a, year=2023, as_of=day)["investment"]["time_progress"]

    assert progress(date(2023, 12, 6)) == Decimal("0.9167")  # default 5th: 11/12
    ReportingRule.objects.create(city=city, deadline_day=10)
    assert progress(date(2023, 12, 6)) == Decimal("0.8333")  # due on the 10th: 10/12
    assert progress(date(2023, 12, 10)) == Decimal("0.9167")


def test_every_month_end_counts_its_month_whatever_the_deadline():
    # The month-end walk of the lagging warning relies on it.
    for deadline in range(1, 29):
        for k in range(1, 13):
            last_day = add_months(date(2023, k, 1), 1).toordinal() - 1
            assert elapsed_months(2023, date.fromordinal(last_day), deadline_day=deadline) == k


def test_no_lagging_on_2_december_for_a_project_on_pace(city, make_project, people):
    """Plan 1,200; 100 accepted for each of January to October (1,000 = 83.3%). On 2
    December November's report is not due: 序时进度 10/12 = 83.3%, no warning (the old rule
    read 12/12 = 100% and warned 16.7 points). On 6 December November is due: 11/12 =
    91.7%, 8.3 points behind — still under the 10-point yellow bar. An idle project with
    nothing reported lags by 83.3 points (red) either way."""
    on_pace = make_project(name="按进度", stages={"started": date(2023, 1, 10)})
    idle = make_project(name="未完成投资", stages={"started": date(2023, 1, 10)})
    for project in (on_pace, idle):
        AnnualPlan.objects.create(project=project, year=2023, planned_investment=Decimal(1200))
    for month in range(1, 11):
        accept(people, on_pace, date(2023, month, 1), "100")
    for day in (date(2023, 12, 2), date(2023, 12, 6)):
        found = warnings_as_of(projects=Project.objects.all(), as_of=day, rules=["lagging"])
        assert {(w.project_name, w.level) for w in found} == {("未完成投资", "red")}
    (warning,) = warnings_as_of(
        projects=Project.objects.all(), as_of=date(2023, 12, 2), rules=["lagging"]
    )
    assert "低于序时进度 83.3% 83.3 个百分点" in warning.detail


def test_lagging_detail_mid_month_uses_the_months_due(make_project, people):
    """20 June: 60 a month accepted January to June (360 = 30%); 序时进度 5/12 = 41.7%
    (June's reports are not due): 11.7 points, yellow."""
    project = make_project(name="六月中旬", stages={"started": date(2023, 1, 10)})
    AnnualPlan.objects.create(project=project, year=2023, planned_investment=Decimal(1200))
    for month in range(1, 7):
        accept(people, project, date(2023, month, 1), "60")
    (warning,) = warnings_as_of(
        projects=Project.objects.all(), as_of=date(2023, 6, 20), rules=["lagging"]
    )
    assert warning.level == "yellow"
    assert warning.detail == (
        "年度计划投资 1200.00 万元，已完成 360.00 万元，完成率 30.0%，"
        "低于序时进度 41.7% 11.7 个百分点。"
    )
