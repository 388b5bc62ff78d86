"""Who sees and does what with coordination issues: the clerk of another unit, the officer
of another department and another enterprise see nothing and can do nothing; a department
officer sees its inbox across units but no project rows; an enterprise sees its project."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.accounts import policy
from ballast.coordination import selectors, services
from ballast.coordination.models import Issue, IssueStep, ProjectContact
from ballast.projects.models import Project, StageEvent
from tests.test_coordination_fixtures import *  # noqa: F403
from tests.test_coordination_fixtures import at

ACTIONS = ["view", "add", "change", "delete", "progress", "confirm"]


@pytest.fixture
def issue_a(project_a, raise_issue):
    return raise_issue(project_a, steps=[(date(2023, 3, 15), "报省厅")])


@pytest.fixture
def issue_b(project_b, raise_issue, crowd):
    return raise_issue(project_b, user=crowd["clerk_b"], description="高邮：用电增容")


@pytest.mark.parametrize("model", [Issue, IssueStep])
@pytest.mark.parametrize("outsider", ["clerk_b", "reviewer_b", "dept_other", "enterprise_b"])
@pytest.mark.parametrize("action", ACTIONS)
def test_outsiders_see_and_do_nothing_with_unit_a_issue(issue_a, crowd, model, outsider, action):
    assert (
        not model.objects.restrict(crowd[outsider], action)
        .filter(**({"pk": issue_a.pk} if model is Issue else {"issue": issue_a}))
        .exists()
    )


def test_each_side_sees_its_own(issue_a, issue_b, crowd):
    def seen(who):
        return set(selectors.issues_visible(user=crowd[who]).values_list("pk", flat=True))

    both = {issue_a.pk, issue_b.pk}
    assert seen("city_admin") == both
    assert seen("city_leader") == both
    assert seen("clerk_a") == {issue_a.pk}
    assert seen("leader_a") == {issue_a.pk}
    assert seen("clerk_b") == {issue_b.pk}
    assert seen("department") == both  # the inbox crosses units
    assert seen("dept_other") == set()
    assert seen("enterprise") == {issue_a.pk}
    assert seen("enterprise_b") == {issue_b.pk}
    assert seen("auditor") == set()


def test_department_sees_project_only_through_the_issue(issue_a, issue_b, crowd):
    dept = crowd["department"]
    assert not Project.objects.restrict(dept).exists()
    assert not StageEvent.objects.restrict(dept).exists()
    names = {i.project.name for i in selectors.issues_visible(user=dept)}
    assert names == {"亚新科双环汽车零部件", "高邮光伏组件"}
    # and the department may work on them, not delete them
    assert Issue.objects.restrict(dept, "progress").count() == 2
    assert not Issue.objects.restrict(dept, "delete").exists()
    assert not Issue.objects.restrict(dept, "confirm").exists()


def test_enterprise_sees_only_its_own_project(project_a, project_b, crowd):
    assert list(Project.objects.restrict(crowd["enterprise"])) == [project_a]
    assert list(Project.objects.restrict(crowd["enterprise_b"])) == [project_b]
    assert not Project.objects.restrict(crowd["enterprise"], "change").exists()
    # nothing else of the project group: stages, plans, other contacts' links
    assert not StageEvent.objects.restrict(crowd["enterprise"]).exists()
    assert list(
        ProjectContact.objects.restrict(crowd["enterprise"]).values_list("project", flat=True)
    ) == [project_a.pk]


def test_outsiders_cannot_raise_on_unit_a(project_a, crowd, other_department):
    data = {"category": "other", "description": "越权提出"}
    for who in ("clerk_b", "enterprise_b", "reviewer_b", "auditor"):
        with pytest.raises(PermissionDenied):
            services.issue_raise(user=crowd[who], project=project_a, data=data, now=at(2023, 3, 1))
    assert not Issue.objects.exists()


def test_outsiders_cannot_move_unit_a_issue(issue_a, crowd):
    for who in ("clerk_b", "dept_other", "enterprise_b"):
        with pytest.raises(PermissionDenied):
            services.issue_acknowledge(user=crowd[who], issue=issue_a, now=at(2023, 3, 1, 10))
        with pytest.raises(PermissionDenied):
            services.issue_update(user=crowd[who], issue=issue_a, data={"description": "改"})
        with pytest.raises(PermissionDenied):
            services.issue_step_add(
                user=crowd[who], issue=issue_a, planned_on=date(2023, 3, 3), description="x"
            )
    # the enterprise of the project may not answer its own issue
    with pytest.raises(PermissionDenied):
        services.issue_acknowledge(user=crowd["enterprise"], issue=issue_a, now=at(2023, 3, 1))
    services.issue_acknowledge(user=crowd["department"], issue=issue_a, now=at(2023, 3, 1, 10))
    services.issue_resolve(
        user=crowd["department"], issue=issue_a, on=date(2023, 3, 2), resolution="已办"
    )
    for who in ("clerk_b", "dept_other", "enterprise_b"):
        with pytest.raises(PermissionDenied):
            services.issue_close(user=crowd[who], issue=issue_a, on=date(2023, 3, 3))
        with pytest.raises(PermissionDenied):
            services.issue_reopen(user=crowd[who], issue=issue_a, reason="越权")
    issue_a.refresh_from_db()
    assert issue_a.status == "resolved"


def test_department_handing_the_issue_away_loses_it(issue_a, crowd, other_department):
    dept = crowd["department"]
    services.issue_update(user=dept, issue=issue_a, data={"department": other_department})
    assert not Issue.objects.restrict(dept).exists()
    assert Issue.objects.restrict(crowd["dept_other"]).get() == issue_a


def test_policy_names_the_new_actions(crowd):
    assert policy.allowed_actions(crowd["enterprise"], "issue") == {"view", "add", "confirm"}
    assert policy.allowed_actions(crowd["department"], "project") == set()


def test_contacts_are_linked_by_the_projects_unit(project_a, crowd, make_user_enterprise):
    newcomer = make_user_enterprise
    with pytest.raises(PermissionDenied):
        services.contact_add(user=crowd["clerk_b"], project=project_a, contact=newcomer)
    assert not Project.objects.restrict(newcomer).exists()
    services.contact_add(user=crowd["clerk_a"], project=project_a, contact=newcomer)
    assert list(Project.objects.restrict(newcomer)) == [project_a]
    with pytest.raises(ValidationError):  # only enterprise users are contacts
        services.contact_add(user=crowd["clerk_a"], project=project_a, contact=crowd["clerk_b"])


@pytest.fixture
def make_user_enterprise(unit_a):
    from ballast.accounts.choices import Role
    from tests.conftest import make_user

    return make_user("enterprise_new", Role.ENTERPRISE, unit_a)
