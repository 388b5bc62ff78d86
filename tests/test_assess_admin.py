"""The assessment admin obeys the access policy; published results cannot be edited."""

from datetime import date
from decimal import Decimal as D

import pytest

from ballast.assessments.models import PublishedResult
from ballast.assessments.services import (
    efficiency_record_save,
    ensure_default_schemes,
    manual_scores_set,
)


@pytest.fixture
def data(city, people, make_project, unit_a, unit_b):
    schemes = ensure_default_schemes(city)
    tour = schemes[0].indicators.get(key="tour.score")
    for unit in (unit_a, unit_b):
        manual_scores_set(
            user=None,
            indicator=tour,
            period="2023Q1",
            unit=unit,
            scores=[{"judge": f"{unit.name}评委", "score": 80}],
        )
    project = make_project(name="仪征亩均项目", land_area=D(10))
    efficiency_record_save(user=None, project=project, year=2023, data={"tax": 1, "sales": 1})
    published = PublishedResult.objects.create(
        scheme=schemes[0],
        period="2023Q1",
        as_of=date(2023, 3, 31),
        published_at="2023-04-10T09:00:00+08:00",
        results=[],
    )
    return {"published": published}


@pytest.mark.parametrize(
    "path",
    [
        "scheme",
        "indicator",
        "manualscore",
        "publishedresult",
        "efficiencyrecord",
        "efficiencyscheme",
    ],
)
def test_city_admin_opens_every_assessment_list(client, people, data, path):
    client.force_login(people["city_admin"])
    assert client.get(f"/admin/assessments/{path}/").status_code == 200


def test_clerk_of_unit_b_sees_nothing_of_unit_a(client, people, data):
    client.force_login(people["clerk_b"])
    scores = client.get("/admin/assessments/manualscore/").content.decode()
    assert "高邮市评委" in scores
    assert "仪征市评委" not in scores
    records = client.get("/admin/assessments/efficiencyrecord/").content.decode()
    assert "仪征亩均项目" not in records


def test_published_results_cannot_be_edited_in_admin(client, people, data):
    client.force_login(people["city_admin"])
    pk = data["published"].pk
    page = client.get(f"/admin/assessments/publishedresult/{pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/assessments/publishedresult/add/").status_code == 403
