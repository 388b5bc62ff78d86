"""开工之后再无下文: started, not completed, no accepted report for each of the last 2
months before the as-of month (yellow), 3 or more (red)."""

from datetime import date

from tests.test_warning_support import accept, fired

AS_OF = date(2023, 6, 20)  # the last months: May (1), April (2), March (3)
STARTED = {"started": date(2023, 1, 10)}


def reports(people, project, months):
    for month in months:
        accept(people, project, date(2023, month, 1), 10)


def test_silent_levels_and_since(make_project, people):
    reports(people, make_project(name="四五月无报", stages=STARTED), [1, 2, 3])
    reports(people, make_project(name="三四五月无报", stages=STARTED), [1, 2])
    reports(people, make_project(name="仅五月无报", stages=STARTED), [1, 2, 3, 4])
    make_project(name="四月开工无报", stages={"started": date(2023, 4, 20)})
    make_project(name="五月开工无报", stages={"started": date(2023, 5, 2)})
    reports(people, make_project(name="六月已报", stages=STARTED), [1, 2, 3, 6])
    make_project(name="开工以来无报", stages=STARTED)
    make_project(name="未开工")
    reports(
        people,
        make_project(name="已竣工", stages={**STARTED, "completed": date(2023, 3, 30)}),
        [1],
    )

    assert fired(AS_OF, "silent") == {
        "四五月无报": ("yellow", date(2023, 4, 1)),
        "三四五月无报": ("red", date(2023, 3, 1)),
        "四月开工无报": ("yellow", date(2023, 4, 1)),
        "开工以来无报": ("red", date(2023, 1, 1)),
    }


def test_silent_spares_a_project_reporting_every_month(make_project, people):
    project = make_project(name="按月报送", stages=STARTED)
    reports(people, project, [1, 2, 3, 4, 5])
    assert fired(AS_OF, "silent") == {}
    assert fired(date(2023, 4, 1), "silent") == {}
    assert fired(date(2023, 5, 1), "silent") == {}


def test_silent_counts_only_accepted_reports_up_to_the_date(make_project, people):
    reports(people, make_project(name="三月后无报", stages=STARTED), [1, 2, 3])
    # As of 1 June the last months are May and April: exactly 2 → yellow.
    assert fired(date(2023, 6, 1), "silent") == {"三月后无报": ("yellow", date(2023, 4, 1))}
    # As of 31 May the last months are April and March: only April silent.
    assert fired(date(2023, 5, 31), "silent") == {}
    # As of 1 July: April, May, June → red.
    assert fired(date(2023, 7, 1), "silent") == {"三月后无报": ("red", date(2023, 4, 1))}
