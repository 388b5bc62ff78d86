"""A person whose scope holds exactly one unit (a unit clerk) is not asked to pick it: the
project form, the project filters, the report month page and the import page show the
unit as text, a posted other unit changes nothing, and the service still re-checks it.
People with several units keep the choice."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from ballast.projects import services as project_services
from ballast.projects.models import Project

UNIT_SELECT = re.compile(r'<select name="unit"')


def _fixed(html: str) -> list[str]:
    return re.findall(r'<span class="fixed-value"[^>]*>([^<]*)</span>', html)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/projects/new/", "/projects/", "/reports/", "/imports/"])
def test_clerk_sees_their_unit_as_text(client, people, unit_a, page):
    client.force_login(people["clerk_a"])
    html = client.get(page).content.decode()
    assert not UNIT_SELECT.search(html)
    assert unit_a.display_name in _fixed(html)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/projects/new/", "/projects/", "/reports/", "/imports/"])
def test_city_admin_still_picks_the_unit(client, people, page):
    client.force_login(people["city_admin"])
    html = client.get(page).content.decode()
    assert UNIT_SELECT.search(html)
    assert _fixed(html) == []


@pytest.mark.django_db
def test_clerk_project_lands_in_their_unit_whatever_is_posted(
    client, people, unit_a, unit_b, cluster
):
    client.force_login(people["clerk_a"])
    response = client.post(
        "/projects/new/",
        {
            "name": "新建光伏项目",
            "unit": unit_b.pk,  # not theirs: ignored, the field is fixed
            "total_investment": "50000",
            "category": "industrial",
            "cluster": cluster.pk,
            "origin": "domestic",
            "level": "unit",
            "version": "0",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get(name="新建光伏项目").unit == unit_a


@pytest.mark.django_db
def test_service_still_refuses_another_unit(people, unit_b, cluster):
    with pytest.raises(PermissionDenied):
        project_services.project_create(
            user=people["clerk_a"],
            data={"name": "越权项目", "unit": unit_b, "total_investment": 1, "cluster": cluster},
        )
