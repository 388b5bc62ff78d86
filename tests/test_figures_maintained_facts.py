"""The maintained figures facts (issue 16 item 5, ``ballast/figures/facts.py``) give the
figures computed from scratch, after every kind of change: a small city is built, then
seeded random batches of edits run — reports accepted, amended, returned and deleted;
stage events recorded (back-dated too), moved and removed; annual plans added and
removed; projects' total investment changed and projects moved to another unit;
suspensions and terminations — through the services and through plain ORM writes (the
triggers see every path). After each batch every figure of the city, of each unit, and
of several as-of dates (month ends, mid-month, the previous year) is compared, and the
fact tables equal a rebuild from scratch.

The facts exist on PostgreSQL only (triggers); on SQLite the figures always compute from
scratch, so these tests are skipped there (the from-scratch path is what every other
figures test checks).
"""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ballast.figures import facts
from ballast.figures.selectors import area_and_cities_figures, city_and_units_figures
from ballast.projects import services as ps
from ballast.projects.models import AnnualPlan, Project, StageEvent
from ballast.regions.models import Region
from ballast.reports import services as rs
from ballast.reports.models import MonthlyReport

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="maintained facts exist on PostgreSQL only"
)

AS_OFS = (
    date(2023, 3, 31),
    date(2023, 6, 14),
    date(2023, 9, 30),
    date(2023, 11, 3),
    date(2023, 12, 31),
    date(2024, 2, 10),
)
STAGES = ("signed", "landed", "started", "in_statistics", "completed", "in_production")


def both_answers(city, year, as_of):
    maintained = city_and_units_figures(city=city, year=year, as_of=as_of)
    with facts.from_scratch():
        scratch = city_and_units_figures(city=city, year=year, as_of=as_of)
    return maintained, scratch


def assert_same_everywhere(city, batch):
    assert facts.maintained()
    assert facts.differences() == [], f"batch {batch}: fact rows differ from a rebuild"
    for as_of in AS_OFS:
        for year in {as_of.year, as_of.year - 1}:
            maintained, scratch = both_answers(city, year, as_of)
            assert maintained == scratch, f"batch {batch}: figures of {year} as of {as_of}"
    province = Region.objects.get(kind="province")
    maintained = area_and_cities_figures(area=province, year=2023, as_of=date(2023, 9, 30))
    with facts.from_scratch():
        assert maintained == area_and_cities_figures(
            area=province, year=2023, as_of=date(2023, 9, 30)
        )


def test_figures_from_the_facts_equal_the_figures_from_scratch_after_random_edits(
    city, unit_a, unit_b, people, make_project
):
    rng = random.Random(16)
    admin = people["city_admin"]
    units = [unit_a, unit_b]
    projects = []
    for i in range(14):
        unit = units[i % 2]
        signed = date(2022, 1, 1).toordinal() + rng.randint(0, 600)
        project = make_project(
            unit,
            user=admin,
            total_investment=Decimal(rng.randint(5_000, 90_000)),
            stages={"signed": date.fromordinal(signed)},
        )
        projects.append(project)
        for year in (2022, 2023):
            if rng.random() < 0.7:
                ps.plan_save(
                    user=admin,
                    project=project,
                    year=year,
                    planned_investment=Decimal(rng.randint(1_000, 20_000)),
                )
    months = [date(y, m, 1) for y in (2022, 2023) for m in range(1, 13)]
    for project in projects:
        for month in rng.sample(months, 8):
            rs.report_record_accepted(
                user=admin,
                project=project,
                month=month,
                data={"investment": Decimal(rng.randint(0, 3_000))},
                reason="补录",
                today=date(2024, 3, 1),
            )
    assert MonthlyReport.objects.filter(status="accepted").count() > 100
    assert_same_everywhere(city, 0)

    applied = {}

    def did(kind):
        applied[kind] = applied.get(kind, 0) + 1

    for batch in range(1, 5):
        for _ in range(25):
            project = rng.choice(projects)
            project.refresh_from_db()
            move = rng.randrange(10)
            try:
                if move == 0:  # an amendment of an accepted report (or a late one)
                    rs.report_record_accepted(
                        user=admin,
                        project=project,
                        month=rng.choice(months),
                        data={"investment": Decimal(rng.randint(0, 4_000))},
                        reason="更正",
                        today=date(2024, 3, 1),
                    )
                    did("report accepted or amended")
                elif move == 1:  # taken out of the figures (returned), by a plain update
                    report = project.reports.filter(status="accepted").order_by("?").first()
                    if report:
                        MonthlyReport.objects.filter(pk=report.pk).update(status="returned")
                        did("report returned")
                elif move == 2:  # a report deleted
                    report = project.reports.order_by("?").first()
                    if report:
                        report.delete()
                        did("report deleted")
                elif move == 3:  # a back-dated stage event (or a moved date)
                    ps.stage_record(
                        user=admin,
                        project=project,
                        stage=rng.choice(STAGES),
                        on=date.fromordinal(date(2022, 1, 1).toordinal() + rng.randint(0, 700)),
                        reason="补录",
                        today=date(2024, 3, 1),
                    )
                    did("stage event recorded")
                elif move == 4:  # an event removed
                    event = project.stage_events.exclude(stage="signed").first()
                    if event:
                        ps.stage_remove(user=admin, event=event, reason="误录")
                        did("stage event removed")
                elif move == 5:  # a plan added, or removed
                    year = rng.choice((2022, 2023))
                    plan = AnnualPlan.objects.filter(project=project, year=year).first()
                    if plan:
                        plan.delete()
                        did("plan removed")
                    else:
                        ps.plan_save(
                            user=admin,
                            project=project,
                            year=year,
                            planned_investment=Decimal(rng.randint(1_000, 20_000)),
                        )
                        did("plan added")
                elif move == 6:  # the total investment changed
                    ps.project_update(
                        user=admin,
                        project=project,
                        data={"total_investment": Decimal(rng.randint(5_000, 90_000))},
                        reason="调整总投资",
                    )
                    did("total investment changed")
                elif move == 7:  # moved to the other unit
                    other = unit_b if project.unit_id == unit_a.pk else unit_a
                    Project.objects.filter(pk=project.pk).update(unit=other)
                    did("project moved")
                elif move == 8:  # an event's date moved by a plain update
                    event = project.stage_events.order_by("?").first()
                    if event:
                        StageEvent.objects.filter(pk=event.pk).update(
                            date=date.fromordinal(event.date.toordinal() - rng.randint(1, 90))
                        )
                        did("event date moved")
                else:  # suspended, or terminated
                    if rng.random() < 0.5:
                        ps.project_suspend(
                            user=admin,
                            project=project,
                            kind=rng.choice(("stopped", "deferred")),
                            reason="funding",
                            on=date(2023, 5, 10),
                            today=date(2024, 3, 1),
                        )
                        did("suspended")
                    else:
                        ps.project_terminate(
                            user=admin,
                            project=project,
                            on=date(2023, 8, 1),
                            reason="招商失败",
                            note="",
                            today=date(2024, 3, 1),
                        )
                        did("terminated")
            except (ValidationError, ValueError):
                did("refused by a rule")
        assert_same_everywhere(city, batch)
    kinds = set(applied) - {"refused by a rule"}
    assert len(kinds) >= 10, applied


def test_an_accepted_report_moves_the_unit_month_in_its_transaction(
    city, unit_a, people, make_project
):
    admin = people["city_admin"]
    project = make_project(unit_a, user=admin, stages={"signed": date(2023, 2, 3)})
    ps.plan_save(user=admin, project=project, year=2023, planned_investment=Decimal(900))

    def unit_month(month):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT city_code, planned_investment, accepted_reports FROM figures_unit_month "
                "WHERE unit_id = %s AND month = %s",
                [unit_a.pk, month],
            )
            return cursor.fetchone()

    report, _ = rs.report_record_accepted(
        user=admin,
        project=project,
        month=date(2023, 4, 1),
        data={"investment": Decimal("120.50")},
        reason="补录",
        today=date(2024, 1, 10),
    )
    assert unit_month(date(2023, 4, 1)) == ("321000", Decimal("120.50"), 1)
    rs.report_amend(user=admin, report=report, data={"investment": Decimal(80)}, reason="更正")
    assert unit_month(date(2023, 4, 1)) == ("321000", Decimal("80.00"), 1)
    AnnualPlan.objects.filter(project=project).delete()
    assert unit_month(date(2023, 4, 1)) == ("321000", Decimal("0.00"), 1)
    figures = city_and_units_figures(city=city, year=2023, as_of=date(2023, 4, 30))[1]
    assert figures[unit_a.code]["investment"]["completed_wan"] == Decimal("0.00")
    assert figures[unit_a.code]["new"]["signed"]["count"] == 1
