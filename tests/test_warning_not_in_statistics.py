"""开工未列统: a project of ≥ 500 万元 started but not in statistics more than 1 month later
(yellow), more than 2 months later (red)."""

from datetime import date
from decimal import Decimal

from tests.test_warning_support import fired

AS_OF = date(2023, 3, 15)


def test_not_in_statistics_levels_and_since(make_project):
    make_project(name="恰好一个月", stages={"started": date(2023, 2, 15)})
    make_project(name="一个月零一天", stages={"started": date(2023, 2, 14)})
    make_project(name="恰好两个月", stages={"started": date(2023, 1, 15)})
    make_project(name="两个月零一天", stages={"started": date(2023, 1, 14)})
    make_project(
        name="已列统",
        stages={"started": date(2023, 1, 1), "in_statistics": date(2023, 2, 1)},
    )
    make_project(
        name="统计日后列统",
        stages={"started": date(2023, 1, 1), "in_statistics": date(2023, 3, 20)},
    )
    make_project(
        name="不足500万",
        total_investment=Decimal("499.99"),
        stages={"started": date(2023, 1, 1)},
    )
    make_project(
        name="恰好500万",
        total_investment=Decimal("500.00"),
        stages={"started": date(2023, 1, 1)},
    )
    make_project(name="未开工")

    assert fired(AS_OF, "not_in_statistics") == {
        "一个月零一天": ("yellow", date(2023, 3, 15)),
        "恰好两个月": ("yellow", date(2023, 2, 16)),
        "两个月零一天": ("red", date(2023, 2, 15)),
        "统计日后列统": ("red", date(2023, 2, 2)),
        "恰好500万": ("red", date(2023, 2, 2)),
    }
