"""Published assessment results through the API: the city's, for everyone whose role
reads assessments, nothing for roles without them or for another city."""

import pytest
from django.utils import timezone

from ballast.assessments.models import PublishedResult
from ballast.assessments.services import ensure_default_schemes
from tests.api_helpers import token_client


@pytest.fixture
def result(city, d):
    scheme = ensure_default_schemes(city)[0]
    return PublishedResult.objects.create(
        scheme=scheme,
        period="2023Q1",
        as_of=d(2023, 3, 31),
        published_at=timezone.now(),
        results=[{"unit": "321081", "score": 91.5, "rank": 1}],
    )


def test_the_citys_people_read_the_published_result(people, result):
    for who in ("clerk_a", "clerk_b", "city_leader"):
        response = token_client(people[who]).get("/api/v1/assessment-results/")
        assert response.status_code == 200
        assert [r["id"] for r in response.json()["results"]] == [result.pk]
    detail = token_client(people["clerk_a"]).get(f"/api/v1/assessment-results/{result.pk}/")
    assert detail.json()["results"] == [{"unit": "321081", "score": 91.5, "rank": 1}]


def test_roles_without_assessments_read_none(people, result):
    for who in ("enterprise", "department"):
        client = token_client(people[who])
        assert client.get("/api/v1/assessment-results/").status_code == 403
        assert client.get(f"/api/v1/assessment-results/{result.pk}/").status_code == 403
