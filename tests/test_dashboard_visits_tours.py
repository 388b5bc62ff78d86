"""/visits/ and /tours/: the visit log with its coverage, tours with project and unit
scores — worked out by hand, and each person sees only their scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from ballast.coordination import services as coordination


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def visited(people, make_project, unit_b):
    leader = people["city_leader"]
    a1 = make_project(name="仪征走访项目", stages={"started": date(2026, 3, 1)})
    a2 = make_project(name="仪征未走访项目", stages={"started": date(2026, 3, 1)})
    b1 = make_project(unit_b, name="高邮走访项目", stages={"started": date(2026, 3, 1)})
    for project in (a1, a2, b1):
        project.leaders.add(leader)
    coordination.visit_record(
        user=leader, project=a1, on=date(2026, 10, 15), kind="visit", findings="进展顺利"
    )
    coordination.visit_record(
        user=leader, project=b1, on=date(2026, 11, 3), kind="survey", findings="用电待协调"
    )
    return {"a1": a1, "a2": a2, "b1": b1}


def test_visit_log_and_coverage_for_the_quarter(client, people, visited):
    client.force_login(people["city_admin"])
    response = client.get("/visits/?start=2026-10-01&end=2026-11-20")
    coverage = response.context["coverage"]
    # three active projects, two visited by their linked leader → 66.67%
    assert (coverage.active, coverage.visited, coverage.share) == (3, 2, Decimal("66.67"))
    assert [p.name for p in response.context["not_visited"]] == ["仪征未走访项目"]
    text = response.content.decode()
    assert "进展顺利" in text and "用电待协调" in text


def test_unit_clerk_sees_their_own_units_visits_only(client, people, visited):
    client.force_login(people["clerk_b"])
    response = client.get("/visits/?start=2026-10-01&end=2026-11-20")
    coverage = response.context["coverage"]
    assert (coverage.active, coverage.visited) == (1, 1)
    text = response.content.decode()
    assert "用电待协调" in text and "进展顺利" not in text and "仪征" not in text


@pytest.fixture
def tour(people, city, visited):
    admin = people["city_admin"]
    tour = coordination.tour_create(
        user=admin,
        city=city,
        name="2026年第四季度项目观摩",
        on=date(2026, 11, 10),
        period="2026Q4",
        criteria=[("形象进度", "100")],
        judges=["评委甲", "评委乙"],
        projects=[visited["a1"], visited["b1"]],
    )
    judges = list(tour.judges.order_by("pk"))
    criterion = tour.criteria.get()
    points = {visited["a1"].pk: ("80", "90"), visited["b1"].pk: ("70", "76")}
    for tp in tour.tour_projects.all():
        for judge, value in zip(judges, points[tp.project_id], strict=True):
            coordination.tour_score_set(
                user=admin, judge=judge, tour_project=tp, criterion=criterion, points=value
            )
    return tour


def test_tour_page_shows_project_and_unit_scores(client, people, tour):
    client.force_login(people["city_admin"])
    assert "2026年第四季度项目观摩" in client.get("/tours/").content.decode()
    response = client.get(f"/tours/{tour.pk}/")
    # two judges: nothing dropped; 仪征 (80+90)/2 = 85.00, 高邮 (70+76)/2 = 73.00
    units = [(r["name"], r["score"]) for r in response.context["unit_rows"]]
    assert units == [("仪征", Decimal("85.00")), ("高邮", Decimal("73.00"))]
    projects = [(r["tp"].project.name, r["score"]) for r in response.context["project_rows"]]
    assert projects == [("仪征走访项目", Decimal("85.00")), ("高邮走访项目", Decimal("73.00"))]


def test_unit_person_sees_only_their_units_part_of_a_tour(client, people, tour):
    client.force_login(people["clerk_b"])
    response = client.get(f"/tours/{tour.pk}/")
    assert [r["name"] for r in response.context["unit_rows"]] == ["高邮"]
    assert "仪征走访项目" not in response.content.decode()
