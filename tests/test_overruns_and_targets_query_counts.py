"""The overruns page (超期项目) and the targets page (板块目标与完成) ask as many queries for
a few projects, units and targets as for many: no query per project, unit or target
(issue 14: the targets page once asked each target's unit for its city, 514 queries on
the demo city)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ballast.figures.selectors import city_units
from ballast.projects import services as ps

OVERRUNS = reverse("alerts:overruns")
TARGETS = reverse("dashboards:targets")
YEAR = date.today().year
PERIODS = (str(YEAR), f"{YEAR}Q1", f"{YEAR}Q2", f"{YEAR}Q3", f"{YEAR}Q4")
INDICATORS = ("signed_count", "started_investment", "started_count")


def count_queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # the session's first request does the once-a-session work
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def late_projects(make_project, people, units, n):
    """``n`` projects spread over ``units``, each moved later and over its budget: late
    against its baseline, newly delayed, in the overruns list and its new delays."""
    admin = people["city_admin"]
    for i in range(n):
        project = make_project(
            units[i % len(units)],
            user=admin,
            total_investment=Decimal(10000),
            planned_completion=date(YEAR + 1, 6, 30),
            stages={"signed": date(YEAR, 1, 10)},
        )
        ps.project_update(
            user=admin,
            project=project,
            data={
                "total_investment": Decimal(10000 + 500 * i),
                "planned_completion": date(YEAR + 1 + i % 6, 9, 30),
            },
        )


def targets(people, units, indicators):
    for unit in units:
        for period in PERIODS:
            for indicator in indicators:
                ps.target_set(
                    user=people["city_admin"],
                    unit=unit,
                    period=period,
                    indicator=indicator,
                    value=Decimal(10),
                )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["city_admin", "leader_a"])
def test_the_overruns_page_asks_as_many_queries_for_many_projects(
    client, people, make_project, city, unit_a, who
):
    units = list(city_units(city))
    assert len(units) > 3
    late_projects(make_project, people, [unit_a], 2)  # both lists shown, one row or two
    few = count_queries(client, people[who], OVERRUNS)
    late_projects(make_project, people, units, 3 * len(units))
    response = client.get(OVERRUNS)
    assert len(response.context["new_table"].rows) > 2  # the new delays are drawn
    many = count_queries(client, people[who], OVERRUNS)
    assert few == many, f"{few} queries for 2 late projects, {many} for more in every unit"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["city_admin", "leader_a"])
def test_the_targets_page_asks_as_many_queries_for_many_units_and_targets(
    client, people, make_project, city, unit_a, who
):
    units = list(city_units(city))
    assert len(units) > 3
    targets(people, [unit_a], INDICATORS[:1])
    late_projects(make_project, people, [unit_a], 1)
    few = count_queries(client, people[who], TARGETS)
    targets(people, units, INDICATORS)
    late_projects(make_project, people, units, 2 * len(units))
    rows = client.get(TARGETS).context["table"].data.data
    assert len(rows) > len(PERIODS)  # more targets shown than in the small case
    many = count_queries(client, people[who], TARGETS)
    assert few == many, f"{few} queries for one unit's target, {many} for every unit's"
