"""The admin obeys the same access policy as every other door."""

import pytest


@pytest.fixture
def project_a(make_project, d):
    return make_project(name="仪征甲项目", stages={"started": d(2023, 1, 5)})


def test_clerk_of_unit_b_sees_nothing_of_unit_a_in_admin(client, people, project_a):
    client.force_login(people["clerk_b"])
    listing = client.get("/admin/projects/project/")
    assert listing.status_code == 200
    assert "仪征甲项目" not in listing.content.decode()
    assert client.get(f"/admin/projects/project/{project_a.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    events = client.get("/admin/projects/stageevent/")
    assert "仪征甲项目" not in events.content.decode()


def test_clerk_of_unit_a_sees_and_edits_own_project(client, people, project_a):
    client.force_login(people["clerk_a"])
    listing = client.get("/admin/projects/project/")
    assert "仪征甲项目" in listing.content.decode()
    assert client.get(f"/admin/projects/project/{project_a.pk}/change/").status_code == 200
    # clerks may not delete
    assert client.get(f"/admin/projects/project/{project_a.pk}/delete/").status_code == 403


def test_unit_choices_are_restricted(client, people):
    client.force_login(people["clerk_a"])
    page = client.get("/admin/projects/project/add/").content.decode()
    unit_select = page.split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert "仪征市" in unit_select
    assert "高邮市" not in unit_select


def test_auditor_reads_login_log_but_no_projects(client, people, project_a):
    client.force_login(people["auditor"])
    assert client.get("/admin/accounts/loginevent/").status_code == 200
    assert client.get("/admin/projects/project/").status_code == 403


def test_login_is_logged(client, people):
    from ballast.accounts.models import LoginEvent

    # Through the sign-in page: django-axes needs the request to count failures.
    assert client.post("/login/", {"username": "clerk_a", "password": "pass"}).status_code == 302
    client.logout()
    assert client.post("/login/", {"username": "clerk_a", "password": "wrong"}).status_code == 200
    kinds = list(LoginEvent.objects.order_by("at").values_list("kind", "username"))
    assert kinds == [("login", "clerk_a"), ("logout", "clerk_a"), ("failed", "clerk_a")]
