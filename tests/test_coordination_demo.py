"""The demo step builds issues in every state and category, visits and a scored tour,
deterministically, through the real services."""

import random
from datetime import date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from ballast.accounts.choices import Role
from ballast.accounts.models import Department
from ballast.coordination import selectors
from ballast.coordination.choices import IssueCategory, IssueStatus
from ballast.coordination.demo import ISSUES, demo_step
from ballast.coordination.models import Issue, ProjectContact, TourScore, Visit
from tests.conftest import make_user


@pytest.fixture
def ctx(city, unit_a, unit_b, make_project, people):
    departments = {
        key: Department.objects.create(city=city, name=f"部门{key}", short_name=f"部门{key}")
        for key in sorted({k for k, _ in ISSUES.values()})
    }
    users = {"city_admin": people["city_admin"]}
    for n in (1, 2):
        users[f"leader_city{n}"] = make_user(f"leader_city{n}", Role.LEADER, city)
    for key, department in departments.items():
        users[f"dept_{key}"] = make_user(
            f"dept_{key}", Role.DEPARTMENT, city, department=department
        )
    n = 0
    for unit in (unit_a, unit_b):
        users[f"clerk_{unit.code}"] = make_user(f"clerk_{unit.code}", Role.UNIT_CLERK, unit)
        users[f"leader_{unit.code}"] = make_user(f"leader_{unit.code}", Role.LEADER, unit)
        for _ in range(2):
            n += 1
            users[f"ent_{n}"] = make_user(f"ent_{n}", Role.ENTERPRISE, unit)
    projects = {}
    for i in range(60):
        unit = unit_a if i % 2 else unit_b
        project = make_project(
            unit,
            user=users["city_admin"],
            total_investment=Decimal(10000 + 1000 * i),
        )
        project.leaders.set([users[f"leader_{unit.code}"], users[f"leader_city{1 + i % 2}"]])
        projects[i] = project
    return SimpleNamespace(
        today=date(2023, 6, 15),
        city=city,
        admin=users["city_admin"],
        users=users,
        departments=departments,
        projects=projects,
        counts={},
        rng=lambda name: random.Random(f"test:{name}"),
        aware=lambda day, hour=9, minute=0: datetime.combine(
            day, time(hour, minute), tzinfo=ZoneInfo("Asia/Shanghai")
        ),
    )


def test_demo_step_covers_every_state_and_category(ctx):
    demo_step(ctx)
    assert set(Issue.objects.values_list("category", flat=True)) == set(IssueCategory.values)
    assert set(Issue.objects.values_list("status", flat=True)) == set(IssueStatus.values)
    assert Issue.objects.filter(reopen_count__gt=0).exists()
    assert Issue.objects.filter(level="city", escalated_at__isnull=False).exists()
    assert ProjectContact.objects.count() == 4
    enterprise = ctx.users["ent_1"]
    assert selectors.issues_visible(user=enterprise).exists()
    assert Visit.objects.count() == ctx.counts["visit"] > 0
    assert TourScore.objects.count() == ctx.counts["tourscore"] == 4 * 5 * 3
    (tour,) = ctx.city.tours.all()
    assert tour.period == "2023Q1"
    assert set(selectors.tour_unit_scores(tour)) == {"321081", "321084"}
    cover = selectors.visit_coverage(
        projects=ctx.city.children.get(code="321081").projects.all(),
        start=date(2023, 3, 17),
        end=date(2023, 6, 15),
    )
    assert 0 < cover.visited <= cover.active == 30


def test_demo_step_is_deterministic(ctx):
    demo_step(ctx)
    first = list(
        Issue.objects.order_by("pk").values_list(
            "category", "status", "raised_on", "deadline", "is_major", "level"
        )
    )
    assert len(first) == ctx.counts["issue"] == 60
    Issue.objects.update(visit=None)
    for model in (TourScore, Visit, ProjectContact):
        model.objects.all().delete()
    ctx.city.tours.all().delete()
    Issue.objects.all().delete()
    demo_step(ctx)
    again = list(
        Issue.objects.order_by("pk").values_list(
            "category", "status", "raised_on", "deadline", "is_major", "level"
        )
    )
    assert again == first
