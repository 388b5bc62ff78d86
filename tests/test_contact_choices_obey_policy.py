"""Giving someone a project's data goes through the policy (issue 10, hole 4): the admin
offers only enterprise users of the clerk's unit, and the service refuses any other."""

import pytest
from django.core.exceptions import ValidationError

from ballast.accounts.choices import Role
from ballast.coordination import services
from ballast.coordination.models import ProjectContact
from ballast.projects.models import Project
from tests.conftest import make_user
from tests.formdata import form_data


@pytest.fixture
def ent_b(unit_b):
    return make_user("ent_gaoyou", Role.ENTERPRISE, unit_b)


@pytest.fixture
def project_a(make_project):
    return make_project(name="仪征联系人项目")


def test_the_add_form_offers_only_enterprises_of_the_clerks_unit(client, people, ent_b):
    client.force_login(people["clerk_a"])
    page = client.get("/admin/coordination/projectcontact/add/").content.decode()
    user_select = page.split('name="user"', 1)[1].split("</select>", 1)[0]
    assert "enterprise" in user_select
    for other in ("ent_gaoyou", "clerk_b", "city_admin", "auditor", "clerk_a"):
        assert f">{other}<" not in user_select


def test_a_forged_post_links_no_foreign_enterprise(client, people, project_a, ent_b):
    client.force_login(people["clerk_a"])
    page = client.get("/admin/coordination/projectcontact/add/")
    data = form_data(page.content.decode())
    data.update(project=[str(project_a.pk)], user=[str(ent_b.pk)])
    response = client.post("/admin/coordination/projectcontact/add/", data)
    assert response.status_code in (200, 403)
    assert not ProjectContact.objects.exists()
    assert not Project.objects.restrict(ent_b).exists()


def test_the_service_refuses_an_enterprise_of_another_unit(people, project_a, ent_b):
    with pytest.raises(ValidationError):
        services.contact_add(user=people["city_admin"], project=project_a, contact=ent_b)
    assert not Project.objects.restrict(ent_b).exists()


def test_the_clerk_links_their_units_enterprise_in_the_admin(client, people, project_a):
    client.force_login(people["clerk_a"])
    page = client.get("/admin/coordination/projectcontact/add/")
    data = form_data(page.content.decode())
    data.update(project=[str(project_a.pk)], user=[str(people["enterprise"].pk)])
    response = client.post("/admin/coordination/projectcontact/add/", data)
    assert response.status_code == 302
    link = ProjectContact.objects.get()
    assert (link.project, link.user) == (project_a, people["enterprise"])
    assert link.history.get().history_user == people["clerk_a"]
    assert list(Project.objects.restrict(people["enterprise"])) == [project_a]
