"""竣工逾期: planned completion passed, not completed — yellow once passed, red after 6
months (the defaults of docs/warnings.md)."""

from datetime import date

from tests.test_warning_support import fired

AS_OF = date(2023, 12, 31)


def test_completion_overdue_levels_and_since(make_project):
    make_project(name="今天计划竣工", planned_completion=date(2023, 12, 31))
    make_project(name="昨天计划竣工", planned_completion=date(2023, 12, 30))
    make_project(name="恰好六个月", planned_completion=date(2023, 6, 30))
    make_project(name="六个月零一天", planned_completion=date(2023, 6, 29))
    make_project(
        name="已竣工",
        planned_completion=date(2023, 6, 1),
        stages={"started": date(2023, 1, 5), "completed": date(2023, 11, 1)},
    )
    make_project(
        name="明年才竣工",
        planned_completion=date(2023, 6, 1),
        stages={"started": date(2023, 1, 5), "completed": date(2024, 1, 10)},
    )

    assert fired(AS_OF, "completion_overdue") == {
        "昨天计划竣工": ("yellow", date(2023, 12, 31)),
        "恰好六个月": ("yellow", date(2023, 7, 1)),
        "六个月零一天": ("red", date(2023, 6, 30)),
        "明年才竣工": ("red", date(2023, 6, 2)),
    }
    # As of the planned completion itself nothing is overdue yet.
    assert fired(date(2023, 6, 1), "completion_overdue") == {}
