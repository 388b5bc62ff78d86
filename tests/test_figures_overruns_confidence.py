"""Cost and time overruns against the baseline, as recorded on the as-of date (from
history), delay buckets, new delays since last month; delivery-confidence ratings."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ballast.figures.selectors import (
    confidence_as_of,
    confidence_by_month,
    new_delays,
    overrun_summary,
    with_overruns,
)
from ballast.projects import services as ps
from ballast.projects.models import ConfidenceAssessment, Project


def dated_history(project, *days):
    """Give the project's history rows (oldest first) the given days, at noon."""
    rows = Project.history.model.objects.filter(id=project.pk).order_by("history_id")
    assert rows.count() == len(days)
    for row, day in zip(rows, days, strict=True):
        row.history_date = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
        row.save()


@pytest.fixture
def late_projects(make_project, people, d):
    """P1: 10,000 to complete 2024-06; on 05-20 12,500 and 2025-03 (9 months); on 06-10
    2026-08 (26 months). P2: 20,000 for 2023-12, moved on 02-01 to 2029-01 (61 months).
    P3: cheaper than its baseline."""
    admin = people["city_admin"]
    p1 = make_project(total_investment=Decimal(10000), planned_completion=d(2024, 6, 30))
    ps.project_update(
        user=admin,
        project=p1,
        data={"total_investment": Decimal(12500), "planned_completion": d(2025, 3, 31)},
    )
    ps.project_update(user=admin, project=p1, data={"planned_completion": d(2026, 8, 31)})
    dated_history(p1, d(2023, 1, 10), d(2023, 5, 20), d(2023, 6, 10))
    p2 = make_project(total_investment=Decimal(20000), planned_completion=d(2023, 12, 31))
    ps.project_update(user=admin, project=p2, data={"planned_completion": d(2029, 1, 31)})
    dated_history(p2, d(2023, 1, 5), d(2023, 2, 1))
    p3 = make_project(total_investment=Decimal(20000), planned_completion=d(2024, 1, 31))
    ps.project_update(user=admin, project=p3, data={"total_investment": Decimal(18000)})
    dated_history(p3, d(2023, 1, 5), d(2023, 3, 1))
    return p1, p2, p3


def test_overruns_as_recorded_on_the_as_of_date(late_projects, d):
    p1, p2, p3 = late_projects
    qs = Project.objects.filter(pk__in=[p1.pk, p2.pk, p3.pk])
    may = {p.pk: p for p in with_overruns(qs, as_of=d(2023, 5, 31))}
    assert may[p1.pk].cost_overrun_wan == Decimal("2500.00")
    assert may[p1.pk].cost_overrun_rate == Decimal("0.25")
    assert may[p1.pk].time_overrun_months == 9
    assert may[p1.pk].delay_bucket == "1-12"
    assert may[p2.pk].time_overrun_months == 61 and may[p2.pk].delay_bucket == "60+"
    assert may[p3.pk].cost_overrun_wan == Decimal("-2000.00")
    assert may[p3.pk].delay_bucket is None
    june = {p.pk: p for p in with_overruns(qs, as_of=d(2023, 6, 30))}
    assert june[p1.pk].time_overrun_months == 26 and june[p1.pk].delay_bucket == "25-60"
    # Before the first change P1 was on time and on budget.
    april = with_overruns(qs.filter(pk=p1.pk), as_of=d(2023, 4, 30)).get()
    assert april.cost_overrun_wan == 0 and april.time_overrun_months == 0


def test_new_delays_since_last_month(late_projects, d):
    p1, p2, _ = late_projects
    qs = Project.objects.all()
    assert list(new_delays(qs, as_of=d(2023, 5, 31)).values_list("pk", flat=True)) == [p1.pk]
    june = new_delays(qs, as_of=d(2023, 6, 30)).get()
    assert june.pk == p1.pk
    assert (june.previous_overrun_months, june.time_overrun_months) == (9, 26)
    assert not new_delays(qs, as_of=d(2023, 7, 31)).exists()
    assert list(new_delays(qs, as_of=d(2023, 2, 28)).values_list("pk", flat=True)) == [p2.pk]


def test_overrun_summary_buckets(late_projects, d):
    summary = overrun_summary(Project.objects.all(), as_of=d(2023, 6, 30))
    assert summary == {
        "cost_overrun": {
            "count": 1,
            "overrun_wan": Decimal("2500.00"),
            "baseline_wan": Decimal("10000.00"),
            "rate": Decimal("0.2500"),
        },
        "time_overrun": {
            "count": 2,
            "buckets": {"1-12": 0, "13-24": 0, "25-60": 1, "60+": 1},
            "new_since_last_month": 1,
        },
    }


def test_confidence_ratings_by_month_and_latest(make_project, d):
    p1, p2, _unrated = make_project(), make_project(), make_project()
    for project, month, rating in (
        (p1, d(2023, 1, 1), "green"),
        (p2, d(2023, 1, 1), "amber"),
        (p1, d(2023, 2, 1), "red"),
        (p2, d(2023, 3, 1), "green"),
    ):
        ConfidenceAssessment.objects.create(project=project, month=month, rating=rating)
    qs = Project.objects.all()
    assert confidence_by_month(qs, start=d(2023, 1, 1), end=d(2023, 2, 28)) == [
        {"month": d(2023, 1, 1), "green": 1, "amber": 1, "red": 0, "total": 2},
        {"month": d(2023, 2, 1), "green": 0, "amber": 0, "red": 1, "total": 1},
    ]
    assert confidence_as_of(qs, as_of=d(2023, 2, 15)) == {
        "green": 0,
        "amber": 1,  # p2's January rating
        "red": 1,  # p1's February rating
        "unrated": 1,  # p3
    }


def test_confidence_by_period_takes_each_projects_latest_rating_in_it(make_project, d):
    from ballast.core.periods import Period
    from ballast.figures.selectors import confidence_by_period

    p1, p2, _unrated = make_project(), make_project(), make_project()
    for project, month, rating in (
        (p1, d(2023, 1, 1), "green"),
        (p1, d(2023, 3, 1), "red"),
        (p1, d(2023, 4, 1), "green"),  # next quarter
        (p2, d(2022, 12, 1), "amber"),  # previous quarter
    ):
        ConfidenceAssessment.objects.create(project=project, month=month, rating=rating)
    qs = Project.objects.all()
    assert confidence_by_period(qs, period=Period.parse("2023Q1"), as_of=d(2023, 12, 31)) == {
        "period": "2023Q1",
        "green": 0,
        "amber": 0,
        "red": 1,
        "unrated": 2,
    }
    # As of February only January's rating is known.
    early = confidence_by_period(qs, period=Period.parse("2023Q1"), as_of=d(2023, 2, 10))
    assert (early["green"], early["red"]) == (1, 0)
