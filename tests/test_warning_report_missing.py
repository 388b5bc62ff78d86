"""月报逾期未报: after the deadline (the reporting rule's day of the next month, default
the 5th), a project that had to report for the month has not submitted its report.
Yellow once late, red more than 10 days late."""

from datetime import date

from ballast.reports.models import ReportingRule
from ballast.reports.services import report_save, report_submit
from tests.test_warning_support import accept, fired

STARTED = {"started": date(2023, 1, 10)}
MAY = date(2023, 5, 1)


def test_report_missing_after_the_deadline(make_project, people):
    make_project(name="五月未报", stages=STARTED)
    accept(people, make_project(name="五月已验收", stages=STARTED), MAY, 10)
    submitted = make_project(name="五月已报送", stages=STARTED)
    report_submit(
        user=people["clerk_a"],
        report=report_save(
            user=people["clerk_a"], project=submitted, month=MAY, data={"investment": 5}
        ),
    )
    draft = make_project(name="五月仅草稿", stages=STARTED)
    report_save(user=people["clerk_a"], project=draft, month=MAY, data={"investment": 5})
    make_project(name="六月开工", stages={"started": date(2023, 6, 1)})
    make_project(name="五月底开工", stages={"started": date(2023, 5, 31)})
    make_project(name="四月竣工", stages={**STARTED, "completed": date(2023, 4, 30)})
    make_project(name="五月竣工", stages={**STARTED, "completed": date(2023, 5, 10)})
    make_project(name="未开工")

    # On the deadline day (5 June) May is not late yet; April is checked, and is 31 days
    # late for those that had to report April.
    assert fired(date(2023, 6, 5), "report_missing") == {
        name: ("red", date(2023, 5, 6))
        for name in ("五月未报", "五月已验收", "五月已报送", "五月仅草稿", "四月竣工", "五月竣工")
    }
    may_missing = {"五月未报", "五月仅草稿", "五月底开工", "五月竣工"}
    assert fired(date(2023, 6, 6), "report_missing") == {
        name: ("yellow", date(2023, 6, 6)) for name in may_missing
    }
    # Exactly 10 days late is still yellow; the 11th day is red.
    assert fired(date(2023, 6, 15), "report_missing") == {
        name: ("yellow", date(2023, 6, 6)) for name in may_missing
    }
    assert fired(date(2023, 6, 16), "report_missing") == {
        name: ("red", date(2023, 6, 6)) for name in may_missing
    }


def test_report_missing_follows_the_city_deadline_day(make_project, people, city):
    project = make_project(name="五月已报", stages=STARTED)
    accept(people, project, MAY, 10)
    ReportingRule.objects.create(city=city, deadline_day=10)
    # Deadline for May is now 10 June: on 6 June April (due 10 May) is the month checked.
    assert fired(date(2023, 6, 6), "report_missing") == {"五月已报": ("red", date(2023, 5, 11))}
    assert fired(date(2023, 6, 11), "report_missing") == {}
