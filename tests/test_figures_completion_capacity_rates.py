"""竣工投产率 (projects planned to complete this year: completed and in production by the
as-of date) and 达产达效率 (producing for at least 12 months: at capacity)."""

from decimal import Decimal

from ballast.figures.selectors import unit_figures
from ballast.projects import services as ps


def plan(people, project, completion_month=None):
    ps.plan_save(
        user=people["city_admin"],
        project=project,
        year=2023,
        planned_investment=Decimal(100),
        completion_month=completion_month,
    )


def test_completion_production_rate(make_project, people, unit_a, d):
    m = make_project
    c1 = m(stages={"completed": d(2023, 6, 10), "in_production": d(2023, 8, 1)})
    c2 = m(stages={"completed": d(2023, 8, 20)})  # industrial, not yet producing
    c3 = m(category="infrastructure", stages={"completed": d(2023, 5, 1)})  # no production
    c4 = m()  # not completed
    c5 = m(stages={"completed": d(2023, 3, 1), "in_production": d(2023, 3, 2)})
    c6 = m(stages={"completed": d(2023, 10, 15), "in_production": d(2023, 11, 1)})
    plan(people, c1, 6)
    plan(people, c2, 8)
    plan(people, c3, 5)
    plan(people, c4, 12)
    plan(people, c5)  # not planned to complete this year: outside the denominator
    plan(people, c6, 7)  # completes after the as-of date
    figures = unit_figures(unit=unit_a, year=2023, as_of=d(2023, 9, 30))
    assert figures["completion_production"] == {
        "planned": 5,
        "done": 2,  # c1, c3
        "rate": Decimal("0.4000"),
    }
    later = unit_figures(unit=unit_a, year=2023, as_of=d(2023, 12, 31))
    assert later["completion_production"]["done"] == 3  # + c6


def test_capacity_rate_counts_projects_producing_for_twelve_months(make_project, unit_a, d):
    m = make_project
    m(stages={"in_production": d(2022, 5, 1), "at_capacity": d(2023, 12, 1)})  # eligible, done
    m(stages={"in_production": d(2023, 3, 31)})  # exactly 12 months: eligible, not done
    m(stages={"in_production": d(2023, 4, 1), "at_capacity": d(2024, 1, 1)})  # too recent
    m(stages={"in_production": d(2021, 1, 1), "at_capacity": d(2024, 5, 1)})  # done later
    m(stages={"at_capacity": d(2022, 1, 1)})  # at capacity implies producing: eligible, done
    figures = unit_figures(unit=unit_a, year=2024, as_of=d(2024, 3, 31))
    assert figures["capacity"] == {"eligible": 4, "at_capacity": 2, "rate": Decimal("0.5000")}


def test_no_producing_projects_gives_null_rate(make_project, unit_a, d):
    make_project(stages={"started": d(2023, 1, 1)})
    figures = unit_figures(unit=unit_a, year=2023, as_of=d(2023, 6, 30))
    assert figures["capacity"] == {"eligible": 0, "at_capacity": 0, "rate": None}
    assert figures["completion_production"]["rate"] is None
