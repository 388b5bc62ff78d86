"""开工逾期: planned start passed, not started — yellow once passed, red after 3 months."""

from datetime import date

import pytest

from ballast.alerts.models import WarningRule
from ballast.alerts.services import ensure_default_rules, rule_update
from tests.test_warning_support import fired

AS_OF = date(2023, 4, 15)


@pytest.fixture
def projects(make_project):
    make_project(name="今天计划开工", planned_start=date(2023, 4, 15))
    make_project(name="昨天计划开工", planned_start=date(2023, 4, 14))
    make_project(name="恰好三个月", planned_start=date(2023, 1, 15))
    make_project(name="三个月零一天", planned_start=date(2023, 1, 14))
    make_project(
        name="已开工",
        planned_start=date(2023, 1, 1),
        stages={"started": date(2023, 4, 10)},
    )
    make_project(
        name="统计日后才开工",
        planned_start=date(2023, 1, 1),
        stages={"started": date(2023, 4, 20)},
    )
    make_project(name="无计划开工日期")


def test_start_overdue_levels_and_since(projects):
    assert fired(AS_OF, "start_overdue") == {
        "昨天计划开工": ("yellow", date(2023, 4, 15)),
        "恰好三个月": ("yellow", date(2023, 1, 16)),
        "三个月零一天": ("red", date(2023, 1, 15)),
        "统计日后才开工": ("red", date(2023, 1, 2)),
    }


def test_start_overdue_red_threshold_is_data(projects, city, people):
    ensure_default_rules(city)
    rule = WarningRule.objects.get(city=city, key="start_overdue")
    rule_update(user=people["city_admin"], rule=rule, data={"red_threshold": 1})
    # Red now once more than one month late: 2023-03-15 is the cut.
    assert fired(AS_OF, "start_overdue") == {
        "昨天计划开工": ("yellow", date(2023, 4, 15)),
        "恰好三个月": ("red", date(2023, 1, 16)),
        "三个月零一天": ("red", date(2023, 1, 15)),
        "统计日后才开工": ("red", date(2023, 1, 2)),
    }
    rule_update(user=people["city_admin"], rule=rule, data={"enabled": False})
    assert fired(AS_OF, "start_overdue") == {}


def test_start_overdue_grace_month_moves_since(projects, city, people):
    rule = next(r for r in ensure_default_rules(city) if r.key == "start_overdue")
    rule_update(user=people["city_admin"], rule=rule, data={"yellow_threshold": 1})
    # Yellow only more than a month late; since = the first day it fired.
    assert fired(AS_OF, "start_overdue") == {
        "恰好三个月": ("yellow", date(2023, 2, 16)),
        "三个月零一天": ("red", date(2023, 2, 15)),
        "统计日后才开工": ("red", date(2023, 2, 2)),
    }
