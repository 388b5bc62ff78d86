"""只开工不施工: started, not completed, no investment in each of the latest 2 reported
months (yellow), 3 or more (red). Only reports accepted by the city, for months up to the
as-of date and from the start month on, count."""

from datetime import date

from ballast.alerts.models import WarningRule
from ballast.alerts.services import ensure_default_rules, rule_update
from ballast.reports.services import report_save
from tests.test_warning_support import accept, fired

AS_OF = date(2023, 6, 20)
STARTED = {"started": date(2023, 1, 10)}


def reports(people, project, amounts: dict[int, int]):
    for month, amount in amounts.items():
        accept(people, project, date(2023, month, 1), amount)


def test_stalled_counts_latest_reported_months(make_project, people):
    reports(people, make_project(name="两个月为零", stages=STARTED), {1: 100, 2: 50, 3: 0, 4: 0})
    reports(people, make_project(name="三个月为零", stages=STARTED), {1: 100, 2: 0, 3: 0, 4: 0})
    reports(people, make_project(name="中间有投资", stages=STARTED), {1: 0, 2: 0, 3: 10, 4: 0})
    # Months without a report are not "reported months": March and May count, in a row.
    reports(people, make_project(name="隔月报零", stages=STARTED), {1: 100, 3: 0, 5: 0})
    done = make_project(stages={**STARTED, "completed": date(2023, 3, 1)}, name="已竣工")
    reports(people, done, {1: 0, 2: 0})
    # A report for a month after the as-of date does not count yet.
    reports(people, make_project(name="七月报零", stages=STARTED), {1: 100, 2: 0, 7: 0})
    # Reports before the start month are not about works.
    reports(
        people,
        make_project(name="开工前报零", stages={"started": date(2023, 3, 5)}),
        {1: 0, 2: 0, 3: 0},
    )

    assert fired(AS_OF, "stalled") == {
        "两个月为零": ("yellow", date(2023, 3, 1)),
        "三个月为零": ("red", date(2023, 2, 1)),
        "隔月报零": ("yellow", date(2023, 3, 1)),
    }
    # As of 31 March the April report does not count yet: February and March are zero.
    assert fired(date(2023, 3, 31), "stalled") == {
        "三个月为零": ("yellow", date(2023, 2, 1)),
    }


def test_stalled_ignores_reports_not_accepted(make_project, people):
    project = make_project(name="草稿为零", stages=STARTED)
    reports(people, project, {1: 100, 2: 0})
    report_save(
        user=people["clerk_a"], project=project, month=date(2023, 3, 1), data={"investment": 0}
    )
    assert fired(AS_OF, "stalled") == {}


def test_stalled_thresholds_are_data(make_project, people, city):
    reports(people, make_project(name="两个月为零", stages=STARTED), {1: 100, 2: 50, 3: 0, 4: 0})
    reports(people, make_project(name="一个月为零", stages=STARTED), {1: 100, 2: 50, 3: 50, 4: 0})
    ensure_default_rules(city)
    rule = WarningRule.objects.get(city=city, key="stalled")
    rule_update(
        user=people["city_admin"], rule=rule, data={"yellow_threshold": 1, "red_threshold": 2}
    )
    assert fired(AS_OF, "stalled") == {
        "两个月为零": ("red", date(2023, 3, 1)),
        "一个月为零": ("yellow", date(2023, 4, 1)),
    }
