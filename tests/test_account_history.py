"""Users, departments and leader links (挂钩领导) are in history, with who and why."""

from ballast.accounts import services
from ballast.accounts.choices import Role
from ballast.accounts.models import Department
from ballast.core.history import acting
from ballast.projects import services as project_services


def test_a_role_change_is_a_history_row_with_user_and_reason(people):
    clerk = people["clerk_a"]
    services.user_update(
        user=people["security_admin"],
        account=clerk,
        data={"role": Role.UNIT_REVIEWER},
        reason="岗位调整",
    )
    row = clerk.history.latest()
    assert row.role == Role.UNIT_REVIEWER and row.prev_record.role == Role.UNIT_CLERK
    assert row.history_user == people["security_admin"]
    assert row.history_reason_text == "岗位调整" and row.history_source == "system"


def test_signing_in_is_not_an_account_change(client, people):
    before = people["clerk_a"].history.count()
    client.post("/login/", {"username": "clerk_a", "password": "pass"})
    people["clerk_a"].refresh_from_db()
    assert people["clerk_a"].last_login is not None
    assert people["clerk_a"].history.count() == before


def test_department_changes_are_in_history(people, city):
    department = Department.objects.get(city=city)
    with acting(people["city_admin"], reason="机构改革更名"):
        department.name = "扬州市自然资源局"
        department.save()
    row = department.history.latest()
    assert row.name == "扬州市自然资源局" and row.history_user == people["city_admin"]
    assert row.history_reason_text == "机构改革更名"


def test_leader_links_are_in_the_projects_history(people, make_project):
    project = make_project()
    leader = people["leader_a"]
    project_services.project_update(
        user=people["clerk_a"], project=project, data={}, leaders=[leader], reason="新增挂钩领导"
    )
    project_services.project_update(
        user=people["clerk_a"], project=project, data={}, leaders=[], reason="领导调整"
    )
    rows = list(project.history.order_by("history_date", "history_id"))
    linked = [[link.user_id for link in row.leaders.all()] for row in rows]
    assert [leader.pk] in linked
    assert linked[-1] == []
    last_linked = next(r for r in reversed(rows) if [x.user_id for x in r.leaders.all()])
    assert last_linked.history_user == people["clerk_a"]
