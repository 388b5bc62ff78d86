"""A department officer sees the issues assigned to their department and what those issues
need — no bulletins, no scores, no configuration (issue 10, hole 3); the system
administrator configures and reads no project data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ballast.accounts import policy
from ballast.assessments.services import ensure_default_schemes, manual_scores_set
from ballast.bulletins.models import Bulletin
from ballast.bulletins.services import bulletin_publish
from ballast.coordination import services as coordination


@pytest.fixture
def published(city, people, unit_a, make_project):
    make_project(name="仪征通报项目", stages={"signed": date(2023, 2, 1)})
    tour = ensure_default_schemes(city)[0].indicators.get(key="tour.score")
    manual_scores_set(
        user=None,
        indicator=tour,
        period="2023Q1",
        unit=unit_a,
        scores=[{"judge": "仪征评委", "score": 80}],
    )
    admin = people["city_admin"]
    return [
        bulletin_publish(user=admin, city=city, period="2023Q1"),
        bulletin_publish(user=admin, city=city, period="2023Q1", unit=unit_a),
    ]


@pytest.mark.parametrize("person", ["department", "system_admin", "security_admin", "auditor"])
def test_no_bulletin_nor_score_reaches_them(client, people, published, person):
    client.force_login(people[person])
    for bulletin in published:
        for url in (
            f"/bulletins/{bulletin.pk}/",
            f"/bulletins/{bulletin.pk}/download.docx",
            f"/bulletins/{bulletin.pk}/download.xlsx",
            f"/admin/bulletins/bulletin/{bulletin.pk}/change/",
        ):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert "仪征" not in response.content.decode(errors="ignore"), url
    for url in ("/bulletins/", "/bulletins/compose/", "/admin/assessments/manualscore/"):
        assert client.get(url).status_code in (302, 403), url


def test_the_system_administrator_cannot_publish_a_bulletin(client, people, city):
    client.force_login(people["system_admin"])
    response = client.post("/bulletins/publish/", {"period": "2023Q1"})
    assert response.status_code == 403
    assert not Bulletin.objects.exists()


def test_the_department_still_answers_its_issues(client, people, make_project, department):
    project = make_project(name="仪征用地项目")
    issue = coordination.issue_raise(
        user=people["clerk_a"],
        project=project,
        data={
            "category": "land",
            "description": "用地指标不足",
            "department": department,
            "deadline": timezone.localdate() + timedelta(days=30),
        },
        now=None,
    )
    client.force_login(people["department"])
    page = client.get("/issues/")
    assert page.status_code == 200
    assert "用地指标不足" in page.content.decode()
    assert policy.allowed_actions(people["department"], "issue") >= {policy.VIEW, policy.PROGRESS}
    assert issue.pk


def test_the_city_and_its_units_still_read_bulletins(client, people, published):
    for person in ("city_admin", "city_reviewer", "city_leader", "clerk_a", "reviewer_a"):
        client.force_login(people[person])
        assert client.get(f"/bulletins/{published[0].pk}/").status_code == 200, person
