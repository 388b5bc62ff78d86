"""家家到: visits are logged with what was found and the issues raised on the spot; coverage
is the share of active projects visited by one of their linked leaders in a period; a
leader's portfolio shows their projects with stage, warnings, open issues, last visit."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ballast.coordination import selectors, services
from ballast.coordination.models import Issue, Visit
from ballast.projects import services as project_services
from ballast.projects.models import Project
from tests.test_coordination_fixtures import *  # noqa: F403


@pytest.fixture
def city_projects(make_project, crowd, unit_b, department):
    """p1, p2 (unit A, linked to leader_a; p2 also to city_leader), p3 (unit B, linked to
    city_leader), p4 (unit A, linked to leader_a, suspended since 2023-02-01)."""
    leader_a, city_leader = crowd["leader_a"], crowd["city_leader"]
    p1 = make_project(
        name="p1", total_investment=Decimal(200000), stages={"signed": date(2023, 1, 5)}
    )
    p2 = make_project(name="p2", total_investment=Decimal(100000))
    p3 = make_project(unit_b, name="p3")
    p4 = make_project(name="p4", total_investment=Decimal(50000))
    p1.leaders.set([leader_a])
    p2.leaders.set([leader_a, city_leader])
    p3.leaders.set([city_leader])
    p4.leaders.set([leader_a])
    project_services.stage_record(
        user=crowd["clerk_a"], project=p1, stage="started", on=date(2023, 4, 2)
    )
    project_services.project_suspend(
        user=crowd["clerk_a"], project=p4, kind="stopped", reason="funding", on=date(2023, 2, 1)
    )
    # leader_a visits p1 in March and raises a labour issue on the spot
    services.visit_record(
        user=leader_a,
        project=p1,
        on=date(2023, 3, 10),
        kind="visit",
        findings="用工缺口 200 人",
        issues=[({"category": "labour", "description": "招工难", "department": department}, [])],
    )
    # the unit clerk (not a linked leader) visits p2 in March; the city leader in April
    services.visit_record(user=crowd["clerk_a"], project=p2, on=date(2023, 3, 12), kind="survey")
    services.visit_record(user=city_leader, project=p2, on=date(2023, 4, 5), kind="onsite_office")
    return {p.name: p for p in (p1, p2, p3, p4)}


def test_issue_raised_on_the_spot_is_linked_to_the_visit(city_projects, crowd):
    visit = Visit.objects.get(project=city_projects["p1"])
    issue = Issue.objects.get()
    assert issue.visit == visit
    assert (issue.raised_by, issue.raised_on) == (crowd["leader_a"], date(2023, 3, 10))
    assert list(visit.issues.all()) == [issue]


def test_coverage_in_march(city_projects):
    cover = selectors.visit_coverage(
        projects=Project.objects.all(), start=date(2023, 3, 1), end=date(2023, 3, 31)
    )
    # active: p1 p2 p3 (p4 suspended); visited by its own leader: p1 only
    assert (cover.active, cover.visited, cover.share) == (3, 1, Decimal("33.33"))
    assert sorted(p.name for p in cover.not_visited) == ["p2", "p3"]


def test_coverage_in_march_and_april(city_projects):
    cover = selectors.visit_coverage(
        projects=Project.objects.all(), start=date(2023, 3, 1), end=date(2023, 4, 30)
    )
    assert (cover.active, cover.visited, cover.share) == (3, 2, Decimal("66.67"))
    assert [p.name for p in cover.not_visited] == ["p3"]


def test_coverage_of_one_unit(city_projects, crowd):
    cover = selectors.visit_coverage(
        projects=Project.objects.restrict(crowd["clerk_b"]),
        start=date(2023, 3, 1),
        end=date(2023, 4, 30),
    )
    assert (cover.active, cover.visited, cover.share) == (1, 0, Decimal("0.00"))


def test_outsiders_cannot_log_or_read_visits(city_projects, crowd):
    for who in ("clerk_b", "department", "enterprise", "auditor"):
        with pytest.raises(PermissionDenied):
            services.visit_record(
                user=crowd[who], project=city_projects["p1"], on=date(2023, 3, 1), kind="visit"
            )
    assert not Visit.objects.restrict(crowd["clerk_b"]).exists()
    assert not Visit.objects.restrict(crowd["department"]).exists()
    assert not Visit.objects.restrict(crowd["enterprise"]).exists()
    assert Visit.objects.restrict(crowd["clerk_a"]).count() == 3


def test_leader_portfolio(city_projects, crowd):
    rows = selectors.leader_portfolio(leader=crowd["leader_a"], as_of=date(2023, 3, 31))
    summary = [(r.project.name, r.stage_label, r.open_issues, r.last_visit) for r in rows]
    assert summary == [
        ("p1", "签约", 1, date(2023, 3, 10)),  # started only on 4/2
        ("p2", "未录入", 0, date(2023, 3, 12)),
        ("p4", "未录入", 0, None),
    ]
    later = selectors.leader_portfolio(leader=crowd["leader_a"], as_of=date(2023, 4, 30))
    assert [(r.project.name, r.stage, r.last_visit) for r in later][:2] == [
        ("p1", "started", date(2023, 3, 10)),
        ("p2", None, date(2023, 4, 5)),
    ]
    assert [
        r.project.name
        for r in selectors.leader_portfolio(leader=crowd["city_leader"], as_of=date(2023, 4, 30))
    ] == ["p2", "p3"]


def test_portfolio_carries_warnings(city_projects, crowd, department):
    # the labour issue of p1 gets a deadline that passes: issue_overdue fires on p1
    issue = Issue.objects.get()
    services.issue_update(user=crowd["clerk_a"], issue=issue, data={"deadline": date(2023, 3, 20)})
    rows = selectors.leader_portfolio(leader=crowd["leader_a"], as_of=date(2023, 3, 31))
    p1 = rows[0]
    assert p1.project.name == "p1"
    assert "issue_overdue" in {w.rule for w in p1.warnings}
