"""Signed cohort rates, new signed/started/completed/in-production counts, size classes,
targets and their 完成率, year on year, city = sum of units, and reproducibility after
later-dated data."""

from decimal import Decimal

import pytest

from ballast.figures.selectors import (
    FIGURE_KEYS,
    figure_value,
    flatten,
    signed_size_classes,
    unit_figures,
    units_figures,
)
from ballast.projects import services as ps
from ballast.projects.models import Project
from ballast.reports import services as rs

Y = 2023


@pytest.fixture
def small_city(make_project, unit_a, unit_b, d):
    """Unit A (仪征), year 2023, as of 2023-06-30:

    A1 120,000 (10亿级) signed 02-01, landed 03-01, started 05-10, in statistics 06-15
    A2  20,000 (亿元以上) signed 03-15, landed 04-01, started 07-05 (after as-of)
    A3   5,000 (亿元以下) signed 06-30
    A4 600,000 signed 07-02 (after as-of)
    A5 1,200,000 signed 2022-11-01, started 2023-01-20
    A6  30,000 landed 2023-02-01 with no signing date (not in the cohort)
    A7  50,000 started 2021-03-01, completed 2023-04-01, in production 2023-05-01

    Unit B (高邮): B1 100,000 signed 01-10, landed 01-20, started 02-01;
    B2 40,000 signed 2022-03-01 (last year, before 2022-06-30).
    """
    m = make_project
    projects = {
        "A1": m(
            total_investment=Decimal(120000),
            stages={
                "signed": d(Y, 2, 1),
                "landed": d(Y, 3, 1),
                "started": d(Y, 5, 10),
                "in_statistics": d(Y, 6, 15),
            },
        ),
        "A2": m(
            total_investment=Decimal(20000),
            stages={"signed": d(Y, 3, 15), "landed": d(Y, 4, 1), "started": d(Y, 7, 5)},
        ),
        "A3": m(total_investment=Decimal(5000), stages={"signed": d(Y, 6, 30)}),
        "A4": m(total_investment=Decimal(600000), stages={"signed": d(Y, 7, 2)}),
        "A5": m(
            total_investment=Decimal(1200000),
            stages={"signed": d(2022, 11, 1), "started": d(Y, 1, 20)},
        ),
        "A6": m(total_investment=Decimal(30000), stages={"landed": d(Y, 2, 1)}),
        "A7": m(
            total_investment=Decimal(50000),
            stages={
                "started": d(2021, 3, 1),
                "completed": d(Y, 4, 1),
                "in_production": d(Y, 5, 1),
            },
        ),
        "B1": m(
            unit_b,
            total_investment=Decimal(100000),
            stages={"signed": d(Y, 1, 10), "landed": d(Y, 1, 20), "started": d(Y, 2, 1)},
        ),
        "B2": m(unit_b, total_investment=Decimal(40000), stages={"signed": d(2022, 3, 1)}),
    }
    return projects


def test_signed_cohort_counts_projects_signed_this_year_by_the_as_of_date(small_city, unit_a, d):
    cohort = unit_figures(unit=unit_a, year=Y, as_of=d(Y, 6, 30))["signed_cohort"]
    assert cohort == {
        "count": 3,  # A1, A2, A3
        "investment_wan": Decimal("145000.00"),
        "landed": 2,  # A1, A2
        "started": 1,  # A1 (A2 starts after the as-of date)
        "in_statistics": 1,
        "landed_rate": Decimal("0.6667"),
        "started_rate": Decimal("0.3333"),
        "in_statistics_rate": Decimal("0.3333"),
    }


def test_new_counts_stage_dates_from_new_year_to_the_as_of_date(small_city, unit_a, d):
    new = unit_figures(unit=unit_a, year=Y, as_of=d(Y, 6, 30))["new"]
    assert new == {
        "signed": {"count": 3, "investment_wan": Decimal("145000.00")},
        "started": {"count": 2, "investment_wan": Decimal("1320000.00")},  # A1, A5
        "completed": {"count": 1, "investment_wan": Decimal("50000.00")},  # A7
        "in_production": {"count": 1, "investment_wan": Decimal("50000.00")},
    }


def test_quarter_counts_from_the_quarter_start(small_city, unit_a, d):
    quarter = unit_figures(unit=unit_a, year=Y, as_of=d(Y, 6, 30))["quarter"]
    assert quarter["period"] == "2023Q2"
    assert quarter["new"]["signed"] == {"count": 1, "investment_wan": Decimal("5000.00")}
    assert quarter["new"]["started"] == {"count": 1, "investment_wan": Decimal("120000.00")}
    assert quarter["new"]["completed"]["count"] == 1


def test_empty_cohort_has_null_rates(unit_b, city, d):
    cohort = unit_figures(unit=unit_b, year=Y, as_of=d(Y, 6, 30))["signed_cohort"]
    assert cohort["count"] == 0 and cohort["landed_rate"] is None


def test_size_classes_of_new_signed_projects(small_city, unit_a, d):
    sizes = unit_figures(unit=unit_a, year=Y, as_of=d(Y, 6, 30))["size_classes"]
    assert sizes == {
        "100yi": {"count": 0, "investment_wan": Decimal("0.00")},
        "50yi": {"count": 0, "investment_wan": Decimal("0.00")},
        "10yi": {"count": 1, "investment_wan": Decimal("120000.00")},
        "1yi": {"count": 1, "investment_wan": Decimal("20000.00")},
        "below": {"count": 1, "investment_wan": Decimal("5000.00")},
    }
    # The standalone selector agrees, and a wider window takes in A4 (50亿级).
    wide = signed_size_classes(
        Project.objects.filter(unit=unit_a), start=d(Y, 1, 1), end=d(Y, 12, 31)
    )
    assert wide["50yi"] == {"count": 1, "investment_wan": Decimal("600000.00")}
    assert wide["10yi"]["count"] == 1


def test_city_is_the_sum_of_its_units(small_city, city, unit_a, unit_b, d):
    whole = unit_figures(unit=city, year=Y, as_of=d(Y, 6, 30))
    assert whole["unit"] == "321000"
    assert whole["signed_cohort"]["count"] == 4
    assert whole["signed_cohort"]["investment_wan"] == Decimal("245000.00")
    assert whole["signed_cohort"]["landed_rate"] == Decimal("0.7500")  # 3 / 4
    assert whole["signed_cohort"]["started_rate"] == Decimal("0.5000")
    assert whole["signed_cohort"]["in_statistics_rate"] == Decimal("0.2500")
    every = units_figures(city=city, year=Y, as_of=d(Y, 6, 30))
    assert every["321081"] == unit_figures(unit=unit_a, year=Y, as_of=d(Y, 6, 30))
    assert every["321084"] == unit_figures(unit=unit_b, year=Y, as_of=d(Y, 6, 30))
    for key, (_, kind) in FIGURE_KEYS.items():
        if kind in ("count", "money") and key.startswith(("signed_cohort.", "new.")):
            total = sum(figure_value(f, key) for f in every.values())
            assert figure_value(whole, key) == total, key


def test_year_on_year_compares_the_same_day_last_year(small_city, unit_b, d):
    yoy = unit_figures(unit=unit_b, year=Y, as_of=d(Y, 6, 30))["year_on_year"]
    assert yoy["as_of_previous"] == d(2022, 6, 30)
    assert yoy["new_signed"] == {
        "count_previous": 1,  # B2
        "count_change": Decimal("0.0000"),
        "investment_wan_previous": Decimal("40000.00"),
        "investment_change": Decimal("1.5000"),  # 100,000 vs 40,000
    }


def test_average_annual_plan_per_project_year_on_year(make_project, people, unit_a, d):
    for year, amounts in ((2022, (1000, 3000)), (2023, (2000, 4000, 6000))):
        for amount in amounts:
            ps.plan_save(
                user=people["city_admin"],
                project=make_project(),
                year=year,
                planned_investment=Decimal(amount),
            )
    yoy = unit_figures(unit=unit_a, year=Y, as_of=d(Y, 3, 31))["year_on_year"]
    assert yoy["avg_annual_plan_wan"] == Decimal("4000.00")
    assert yoy["avg_annual_plan_wan_previous"] == Decimal("2000.00")
    assert yoy["avg_annual_plan_change"] == Decimal("1.0000")


def test_targets_and_their_completion(small_city, people, unit_a, unit_b, city, d):
    admin = people["city_admin"]
    ps.target_set(user=admin, unit=unit_a, period="2023", indicator="signed_count", value=6)
    ps.target_set(
        user=admin, unit=unit_a, period="2023", indicator="signed_investment", value=290000
    )
    ps.target_set(user=admin, unit=unit_a, period="2023", indicator="landed_rate", value="0.8")
    ps.target_set(user=admin, unit=unit_a, period="2023Q2", indicator="started_count", value=2)
    ps.target_set(user=admin, unit=unit_b, period="2023", indicator="signed_count", value=4)
    figures = unit_figures(unit=unit_a, year=Y, as_of=d(Y, 6, 30))
    assert figures["targets"]["signed_count"] == 6
    assert figures["targets"]["signed_investment"] == Decimal("290000.00")
    assert figures["targets"]["started_count"] is None
    assert figures["target_completion"]["signed_count"] == Decimal("0.5000")  # 3 / 6
    assert figures["target_completion"]["signed_investment"] == Decimal("0.5000")
    assert figures["target_completion"]["landed_rate"] == Decimal("0.8333")  # (2/3) / 0.8
    assert figures["target_completion"]["started_count"] is None
    assert figures["quarter"]["targets"]["started_count"] == 2
    assert figures["quarter"]["target_completion"]["started_count"] == Decimal("0.5000")
    whole = unit_figures(unit=city, year=Y, as_of=d(Y, 6, 30))
    assert whole["targets"]["signed_count"] == 10
    assert whole["target_completion"]["signed_count"] == Decimal("0.4000")  # 4 / 10
    assert whole["targets"]["landed_rate"] is None


def test_same_answer_after_later_dated_data(small_city, people, unit_a, city, d):
    before = flatten(unit_figures(unit=city, year=Y, as_of=d(Y, 6, 30)))
    admin = people["city_admin"]
    # Later-dated facts: stages and reports after the as-of date.
    ps.stage_record(user=admin, project=small_city["A3"], stage="landed", on=d(Y, 7, 1))
    ps.stage_record(user=admin, project=small_city["A4"], stage="started", on=d(Y, 8, 1))
    ps.stage_record(user=admin, project=small_city["B2"], stage="landed", on=d(Y, 7, 20))
    ps.plan_save(user=admin, project=small_city["A1"], year=Y, planned_investment=Decimal(100))
    rs.report_record_accepted(
        user=admin,
        project=small_city["A1"],
        month=d(Y, 7, 1),
        data={"investment": Decimal(50)},
        reason="测试",
    )
    after = flatten(unit_figures(unit=city, year=Y, as_of=d(Y, 6, 30)))
    changed = {k for k in before if before[k] != after[k]}
    # Only the plan (not a dated fact) moves the plan figures; nothing dated after counts.
    assert changed <= {
        "investment.plan_count",
        "investment.annual_plan_wan",
        "investment.completion_rate",
        "investment.time_progress_gap",
        "year_on_year.avg_annual_plan_wan",
        "year_on_year.avg_annual_plan_change",
    }
    assert after["investment.completed_wan"] == Decimal("0.00")
    assert after["signed_cohort.landed"] == before["signed_cohort.landed"] == 3


def test_every_key_is_documented_and_present(small_city, unit_a, d):
    figures = unit_figures(unit=unit_a, year=Y, as_of=d(Y, 6, 30))
    assert set(flatten(figures)) == set(FIGURE_KEYS)
    assert figure_value(figures, "new.started.count") == 2
    with pytest.raises(KeyError):
        figure_value(figures, "new.nothing")


def test_as_of_after_the_year_counts_only_that_years_dates(small_city, people, unit_a, d):
    """As of 2024-03-31, year 2023: A4 (signed 2023-07-02) joins the cohort and A2 has
    started; a project signed and started in 2024 counts in neither."""
    ps.stage_record(
        user=people["city_admin"], project=small_city["A6"], stage="started", on=d(2024, 1, 5)
    )
    figures = unit_figures(unit=unit_a, year=Y, as_of=d(2024, 3, 31))
    assert figures["signed_cohort"]["count"] == 4  # A1, A2, A3, A4
    assert figures["signed_cohort"]["started"] == 2  # A1, A2 (07-05)
    assert figures["new"]["started"]["count"] == 3  # A5, A1, A2 — not A6 (2024)
    assert figures["quarter"]["period"] == "2023Q4"
    assert figures["quarter"]["new"]["signed"]["count"] == 0
    assert figures["investment"]["time_progress"] == Decimal("1.0000")


def test_all_units_take_a_fixed_number_of_queries(
    small_city, make_project, city, unit_b, django_assert_num_queries, d
):
    # The units, the city's reporting deadline (序时进度's months), then 9 grouped aggregates.
    with django_assert_num_queries(11):
        units_figures(city=city, year=Y, as_of=d(Y, 6, 30))
    for _ in range(3):
        make_project(unit_b, stages={"signed": d(Y, 2, 2)})
    with django_assert_num_queries(11):
        every = units_figures(city=city, year=Y, as_of=d(Y, 6, 30))
    assert every["321084"]["signed_cohort"]["count"] == 4
