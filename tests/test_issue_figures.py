"""Issue figures as of a date — open, overdue, resolution rate, median days to close — by
department, category, unit and level, worked out by hand; and the warning rule
``issue_overdue``."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.alerts.selectors import warnings_as_of
from ballast.coordination import selectors, services
from ballast.coordination.models import Issue
from ballast.projects.models import Project
from tests.test_coordination_fixtures import *  # noqa: F403
from tests.test_coordination_fixtures import at


@pytest.fixture
def five(project_a, project_b, crowd, raise_issue, department, other_department):
    """Five issues (see each line), and a sixth raised after the as-of dates.

    1 资规局 land  A  raised 3/1 deadline 3/31  resolved 3/10 closed 3/11  (10 days)
    2 资规局 land  B  raised 3/5 deadline 3/20  never resolved             (overdue)
    3 生态局 env   A  raised 3/1 deadline 5/31  resolved 4/1 closed 4/21   (51 days, city level)
    4 资规局 plan  A  raised 4/1 deadline 4/10  resolved 4/20, not closed  (late)
    5 资规局 land  A  raised 3/1 no deadline    resolved 3/31 closed 3/31  (30 days)
    6 资规局 land  A  raised 5/5
    """
    dept, dept_other, clerk = crowd["department"], crowd["dept_other"], crowd["clerk_a"]

    def done(issue, who, resolved, closed=None):
        services.issue_acknowledge(user=who, issue=issue, now=at(2023, 3, 1, 12))
        services.issue_resolve(user=who, issue=issue, on=resolved, resolution="已办")
        if closed:
            services.issue_close(user=issue.raised_by, issue=issue, on=closed)

    i1 = raise_issue(project_a, raised_on=date(2023, 3, 1), deadline=date(2023, 3, 31))
    done(i1, dept, date(2023, 3, 10), date(2023, 3, 11))
    raise_issue(
        project_b, user=crowd["clerk_b"], raised_on=date(2023, 3, 5), deadline=date(2023, 3, 20)
    )
    i3 = raise_issue(
        project_a,
        category="environment",
        department=other_department,
        level="city",
        raised_on=date(2023, 3, 1),
        deadline=date(2023, 5, 31),
    )
    done(i3, dept_other, date(2023, 4, 1), date(2023, 4, 21))
    i4 = raise_issue(
        project_a, category="planning", raised_on=date(2023, 4, 1), deadline=date(2023, 4, 10)
    )
    done(i4, dept, date(2023, 4, 20))
    i5 = raise_issue(project_a, raised_on=date(2023, 3, 1), deadline=None)
    done(i5, dept, date(2023, 3, 31), date(2023, 3, 31))
    raise_issue(
        project_a, raised_on=date(2023, 5, 5), deadline=None, now=at(2023, 5, 5), user=clerk
    )
    return Issue.objects.all()


def _table(rows):
    return {
        r.label: (r.raised, r.open, r.overdue, r.closed, r.resolution_rate, r.median_days_to_close)
        for r in rows
    }


def test_by_department(five):
    rows = selectors.issue_figures(issues=five, as_of=date(2023, 4, 30), by="department")
    assert _table(rows) == {
        "扬州市自然资源和规划局": (4, 2, 1, 2, Decimal("50.00"), Decimal("20.0")),
        "扬州市生态环境局": (1, 0, 0, 1, Decimal("100.00"), Decimal("51.0")),
    }


def test_by_department_earlier(five):
    rows = selectors.issue_figures(issues=five, as_of=date(2023, 4, 15), by="department")
    assert _table(rows) == {
        # issue 4 is past its 4/10 deadline and not yet resolved on 4/15
        "扬州市自然资源和规划局": (4, 2, 2, 2, Decimal("50.00"), Decimal("20.0")),
        # issue 3 is closed only on 4/21
        "扬州市生态环境局": (1, 1, 0, 0, Decimal("0.00"), None),
    }


def test_by_unit_category_and_level(five):
    as_of = date(2023, 4, 30)
    assert _table(selectors.issue_figures(issues=five, as_of=as_of, by="unit")) == {
        "仪征市": (4, 1, 0, 3, Decimal("75.00"), Decimal("30.0")),
        "高邮市": (1, 1, 1, 0, Decimal("0.00"), None),
    }
    assert _table(selectors.issue_figures(issues=five, as_of=as_of, by="category")) == {
        "土地指标": (3, 1, 1, 2, Decimal("66.67"), Decimal("20.0")),
        "环评/能评": (1, 0, 0, 1, Decimal("100.00"), Decimal("51.0")),
        "规划": (1, 1, 0, 0, Decimal("0.00"), None),
    }
    assert _table(selectors.issue_figures(issues=five, as_of=as_of, by="level")) == {
        "市级协调": (1, 0, 0, 1, Decimal("100.00"), Decimal("51.0")),
        "板块协调": (4, 2, 1, 2, Decimal("50.00"), Decimal("20.0")),
    }
    total = selectors.issue_totals(issues=five, as_of=as_of)
    assert (total.raised, total.open, total.overdue, total.closed) == (5, 2, 1, 3)
    assert total.median_days_to_close == Decimal("30.0")  # median of 10, 30, 51


def test_figures_follow_the_viewer_scope(five, crowd):
    rows = selectors.issue_figures(
        issues=selectors.issues_visible(user=crowd["clerk_b"]), as_of=date(2023, 4, 30), by="unit"
    )
    assert _table(rows) == {"高邮市": (1, 1, 1, 0, Decimal("0.00"), None)}


def test_issue_overdue_warning(five, project_a, project_b):
    projects = Project.objects.all()
    late = warnings_as_of(projects=projects, as_of=date(2023, 4, 30), rules=["issue_overdue"])
    assert [(w.project_id, w.level, w.since) for w in late] == [
        # issue 2: deadline 3/20, 41 days late on 4/30 → red (default red: 15 days)
        (project_b.pk, "red", date(2023, 3, 21)),
    ]
    earlier = warnings_as_of(projects=projects, as_of=date(2023, 4, 15), rules=["issue_overdue"])
    by_project = {w.project_id: (w.level, w.since) for w in earlier}
    assert by_project == {
        project_a.pk: ("yellow", date(2023, 4, 11)),  # issue 4: 5 days late
        project_b.pk: ("red", date(2023, 3, 21)),  # issue 2: 26 days late
    }
    assert "1 个协调问题超过办结期限" in earlier[0].detail


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(project_a, crowd, raise_issue):
    dept = crowd["department"]
    for raised, closed in (
        (date(2023, 3, 1), date(2023, 3, 11)),
        (date(2023, 3, 1), date(2023, 3, 22)),
    ):
        issue = raise_issue(project_a, raised_on=raised, deadline=None)
        services.issue_acknowledge(user=dept, issue=issue, now=at(2023, 3, 1, 10))
        services.issue_resolve(user=dept, issue=issue, on=closed, resolution="已办")
        services.issue_close(user=crowd["clerk_a"], issue=issue, on=closed)
    total = selectors.issue_totals(issues=Issue.objects.all(), as_of=date(2023, 4, 1))
    assert total.median_days_to_close == Decimal("15.5")  # days 10 and 21
    (row,) = selectors.issue_figures(issues=Issue.objects.all(), as_of=date(2023, 4, 1), by="unit")
    assert row.median_days_to_close == Decimal("15.5")


def test_warnings_command_lists_issue_overdue(five, capsys):
    from django.core.management import call_command

    call_command("warnings", "--as-of", "2023-04-30", "--rule", "issue_overdue", "--json")
    out = capsys.readouterr().out
    assert '"rule": "issue_overdue"' in out
    assert "高邮光伏组件" in out
