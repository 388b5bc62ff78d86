"""The coordination admin obeys the access policy: a department's inbox, nothing for the
clerk of another unit, and a department officer edits an issue without seeing projects."""

from datetime import date

import pytest

from ballast.coordination.models import Issue
from tests.test_coordination_fixtures import *  # noqa: F403


@pytest.fixture
def issue_a(project_a, raise_issue):
    return raise_issue(project_a, description="仪征：缺少用地指标")


def test_department_inbox_in_admin(client, crowd, issue_a):
    client.force_login(crowd["department"])
    listing = client.get("/admin/coordination/issue/")
    assert listing.status_code == 200
    assert "亚新科双环汽车零部件" in listing.content.decode()
    page = client.get(f"/admin/coordination/issue/{issue_a.pk}/change/")
    assert page.status_code == 200
    assert client.get("/admin/projects/project/").status_code == 403


def test_department_changes_deadline_in_admin(client, crowd, issue_a, department):
    client.force_login(crowd["department"])
    url = f"/admin/coordination/issue/{issue_a.pk}/change/"
    response = client.post(
        url,
        {
            "category": "land",
            "description": "仪征：缺少用地指标",
            "level": "unit",
            "department": department.pk,
            "deadline": "2023-04-30",
            "responsible_name": "张科长",
            "steps-TOTAL_FORMS": "0",
            "steps-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    issue_a.refresh_from_db()
    assert issue_a.deadline == date(2023, 4, 30)
    assert issue_a.history.first().history_user == crowd["department"]


@pytest.mark.parametrize("who", ["clerk_b", "dept_other"])
def test_outsiders_see_no_issue_in_admin(client, crowd, issue_a, who):
    client.force_login(crowd[who])
    listing = client.get("/admin/coordination/issue/")
    assert "亚新科双环汽车零部件" not in listing.content.decode()
    assert client.get(f"/admin/coordination/issue/{issue_a.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    assert Issue.objects.get(pk=issue_a.pk).description == "仪征：缺少用地指标"
