"""Annual investment against plan and 序时进度, per project and per unit; only accepted
reports count; a project's own monthly curve replaces m/12."""

from decimal import Decimal

import pytest

from ballast.figures.selectors import unit_figures, with_investment_progress
from ballast.projects import services as ps
from ballast.projects.models import Project
from ballast.reports import services as rs


@pytest.fixture
def accept(people):
    def record(project, month, amount):
        report, _ = rs.report_record_accepted(
            user=people["city_admin"],
            project=project,
            month=month,
            data={"investment": Decimal(amount)},
            reason="测试",
        )
        return report

    return record


@pytest.fixture
def plan(people):
    def save(project, year, amount, months=None, **stage_months):
        return ps.plan_save(
            user=people["city_admin"],
            project=project,
            year=year,
            planned_investment=Decimal(amount),
            months=months,
            **stage_months,
        )

    return save


@pytest.fixture
def two_projects(make_project, plan, accept, people, d):
    """P1: plan 1,200 for 2023, accepted 100 (Jan) + 200 (Feb) + 300 (Apr), 50 in Dec 2022.
    P2: plan 600 with its own curve (Jan 300, Feb 100, Mar 100, Dec 100), accepted 150 (Feb);
    its March report is only submitted, not accepted."""
    p1 = make_project(stages={"started": d(2022, 11, 1)})
    p2 = make_project(stages={"started": d(2023, 1, 10)})
    plan(p1, 2023, 1200)
    plan(
        p2, 2023, 600, months={1: Decimal(300), 2: Decimal(100), 3: Decimal(100), 12: Decimal(100)}
    )
    accept(p1, d(2022, 12, 1), 50)
    accept(p1, d(2023, 1, 1), 100)
    accept(p1, d(2023, 2, 1), 200)
    accept(p1, d(2023, 4, 1), 300)
    accept(p2, d(2023, 2, 1), 150)
    draft = rs.report_save(
        user=people["clerk_a"], project=p2, month=d(2023, 3, 1), data={"investment": Decimal(999)}
    )
    rs.report_submit(user=people["clerk_a"], report=draft)
    rs.report_approve(user=people["reviewer_a"], report=draft)
    return p1, p2


def test_project_progress_counts_accepted_reports_to_the_as_of_month(two_projects, city, d):
    p1, p2 = two_projects
    rows = {
        p.pk: p
        for p in with_investment_progress(
            Project.objects.filter(pk__in=[p1.pk, p2.pk]),
            year=2023,
            as_of=d(2023, 3, 31),
            city=city,
        )
    }
    one, two = rows[p1.pk], rows[p2.pk]
    assert one.annual_plan_wan == Decimal("1200.00")
    assert one.ytd_investment_wan == Decimal("300.00")  # Jan + Feb; April is after as_of
    assert one.since_start_investment_wan == Decimal("350.00")  # + Dec 2022
    assert one.time_progress == Decimal("0.25")  # 3/12: 31 March is March's last day
    assert one.completion_rate == Decimal("0.25")  # 300 / 1200
    # P2's curve: (300 + 100 + 100) / 600; the March report is not accepted.
    assert two.ytd_investment_wan == Decimal("150.00")
    assert two.time_progress.quantize(Decimal("0.0001")) == Decimal("0.8333")
    assert two.completion_rate == Decimal("0.25")  # 150 / 600


def test_project_without_plan_has_no_rate(make_project, accept, city, d):
    p = make_project(stages={"started": d(2023, 1, 10)})
    accept(p, d(2023, 1, 1), 80)
    qs = Project.objects.filter(pk=p.pk)
    row = with_investment_progress(qs, year=2023, as_of=d(2023, 2, 1), city=city).get()
    assert row.annual_plan_wan is None
    assert row.ytd_investment_wan == Decimal("80.00")
    assert row.completion_rate is None
    # On 1 February no month's reports are due yet (January's on 5 February): 0/12.
    assert row.time_progress == 0
    row = with_investment_progress(qs, year=2023, as_of=d(2023, 2, 5), city=city).get()
    assert row.time_progress.quantize(Decimal("0.0001")) == Decimal("0.0833")  # 1/12


def test_time_progress_before_and_after_the_year(two_projects, city, d):
    p1, _ = two_projects
    qs = Project.objects.filter(pk=p1.pk)

    def progress(day):
        return with_investment_progress(qs, year=2023, as_of=day, city=city).get()

    assert progress(d(2022, 12, 31)).time_progress == 0
    after = progress(d(2024, 1, 5))  # December's reports were due on 5 January: 12/12
    assert after.time_progress == 1
    assert after.ytd_investment_wan == Decimal("600.00")
    # On 4 January December's reports are not due yet: 11/12.
    assert progress(d(2024, 1, 4)).time_progress.quantize(Decimal("0.0001")) == Decimal("0.9167")


def test_unit_investment_is_plan_weighted(two_projects, unit_a, d):
    figures = unit_figures(unit=unit_a, year=2023, as_of=d(2023, 3, 31))
    inv = figures["investment"]
    assert inv["annual_plan_wan"] == Decimal("1800.00")
    assert inv["completed_wan"] == Decimal("450.00")  # 300 + 150, Dec 2022 and drafts excluded
    assert inv["completion_rate"] == Decimal("0.25")  # 450 / 1800
    # (1200 × 3/12 + 500) / 1800 = 800 / 1800
    assert inv["time_progress"] == Decimal("0.4444")
    assert inv["time_progress_gap"] == Decimal("-0.1944")


def test_unit_time_progress_without_curves_is_m_over_12(make_project, plan, unit_a, d):
    plan(make_project(), 2023, 1000)
    plan(make_project(), 2023, 3000)
    # 2 May: March's reports were due on 5 April, April's are due on 5 May — 3/12.
    figures = unit_figures(unit=unit_a, year=2023, as_of=d(2023, 5, 2))
    assert figures["investment"]["time_progress"] == Decimal("0.2500")
    assert figures["investment"]["completion_rate"] == Decimal("0.0000")
    progress = {
        day: unit_figures(unit=unit_a, year=2023, as_of=d(2023, 5, day))["investment"][
            "time_progress"
        ]
        for day in (5, 31)
    }
    assert progress == {5: Decimal("0.3333"), 31: Decimal("0.4167")}  # 4/12, then 5/12
