"""Assessments through the API: a city's schemes with their indicators, a scheme's ranking
for a period (the rankings page's numbers), and manual scores (人工评分) — listed in
scope, entered with an Idempotency-Key, corrected with If-Match, refused once the
period's result is published."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from ballast.assessments.models import ManualScore, PublishedResult
from ballast.assessments.services import ensure_default_schemes
from tests.api_helpers import etag, token_client


@pytest.fixture
def quarterly(city, people):
    schemes = ensure_default_schemes(city)
    scheme = next(s for s in schemes if s.period_kind == "quarter")
    return scheme, scheme.indicators.get(key="tour.score")


def test_the_schemes_of_the_city_with_their_indicators(quarterly, people):
    scheme, _indicator = quarterly
    api = token_client(people["clerk_a"])
    listed = api.get("/api/v1/assessment-schemes/", {"city": "321000", "period_kind": "quarter"})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [scheme.pk]
    detail = api.get(f"/api/v1/assessment-schemes/{scheme.pk}/").json()
    keys = [i["key"] for i in detail["indicators"]]
    assert "tour.score" in keys
    tour = next(i for i in detail["indicators"] if i["key"] == "tour.score")
    assert (tour["method"], tour["weight"], tour["params"]) == ("manual", "5.00", {"max": 100})
    weights = sum(Decimal(i["weight"]) for i in detail["indicators"])
    assert Decimal(detail["total_weight"]) == weights


def test_scores_entered_and_corrected_move_the_ranking(quarterly, people, unit_a):
    scheme, indicator = quarterly
    city = token_client(people["city_admin"])
    key = {"HTTP_IDEMPOTENCY_KEY": "tour-2023Q1-张"}
    body = {"indicator": indicator.pk, "period": "2023q1", "unit": unit_a.pk, "score": "70"}
    first = city.post("/api/v1/manual-scores/", {**body, "judge": "张"}, format="json", **key)
    assert first.status_code == 201, first.content
    again = city.post("/api/v1/manual-scores/", {**body, "judge": "张"}, format="json", **key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    for judge, score in (("李", "80"), ("王", "96")):
        made = city.post(
            "/api/v1/manual-scores/", {**body, "judge": judge, "score": score}, format="json"
        )
        assert made.status_code == 201, made.content
    assert ManualScore.objects.count() == 3
    assert first.json()["period"] == "2023Q1"
    # A second score by the same judge is refused.
    twice = city.post("/api/v1/manual-scores/", {**body, "judge": "李"}, format="json")
    assert twice.status_code == 400 and "同一评委" in str(twice.json()["errors"])

    ranking = f"/api/v1/assessment-schemes/{scheme.pk}/ranking/"
    params = {"period": "2023Q1", "as_of": "2023-03-31"}
    # Three judges: the highest (96) and the lowest (70) are dropped: 80.
    used = city.get(ranking, params).json()
    assert Decimal(used["figures"]["manual"]["tour.score"]["321081"]) == Decimal(80)
    assert used["published"] is False and used["period"] == "2023Q1"
    assert {row["unit"] for row in used["rows"]} >= {"321081", "321084"}

    # 李's 80 corrected to 90 (with its ETag): the middle score, so the unit's is 90.
    li = ManualScore.objects.get(judge="李")
    url = f"/api/v1/manual-scores/{li.pk}/"
    tag = etag(city.get(url))
    assert city.patch(url, {"score": "90"}, format="json").status_code == 428
    changed = city.patch(url, {"score": "90"}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200 and changed.json()["score"] == "90.00"
    stale = city.patch(url, {"score": "85"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    moved = city.get(ranking, params).json()
    assert Decimal(moved["figures"]["manual"]["tour.score"]["321081"]) == Decimal(90)

    # Once 2023Q1 is published, no score of it changes.
    PublishedResult.objects.create(
        scheme=scheme, period="2023Q1", as_of=date(2023, 3, 31), published_at=timezone.now()
    )
    refused = city.patch(url, {"score": "91"}, format="json", HTTP_IF_MATCH=etag(changed))
    assert refused.status_code == 400 and "已发布" in refused.json()["detail"]


def test_scores_in_scope_and_the_clerks_read_only(quarterly, people, unit_a, unit_b):
    _scheme, indicator = quarterly
    for unit, judge in ((unit_a, "张"), (unit_b, "李")):
        ManualScore.objects.create(
            indicator=indicator, period="2023Q1", unit=unit, judge=judge, score=Decimal(88)
        )
    clerk = token_client(people["clerk_a"])
    listed = clerk.get("/api/v1/manual-scores/", {"period": "2023Q1"}).json()
    assert [(r["unit_code"], r["judge"]) for r in listed["results"]] == [("321081", "张")]
    refused = clerk.post(
        "/api/v1/manual-scores/",
        {"indicator": indicator.pk, "period": "2023Q1", "unit": unit_a.pk, "judge": "赵",
         "score": "60"},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    other = ManualScore.objects.get(judge="李")
    assert clerk.get(f"/api/v1/manual-scores/{other.pk}/").status_code == 404


def test_a_ranking_of_a_wrong_period_is_a_problem(quarterly, people):
    scheme, _indicator = quarterly
    api = token_client(people["city_reviewer"])
    url = f"/api/v1/assessment-schemes/{scheme.pk}/ranking/"
    for period in ("2023H1", "二季度"):
        response = api.get(url, {"period": period})
        assert response.status_code == 400
        assert response.json()["errors"]["period"]
    # A person without the figures (an enterprise) may not see rankings.
    enterprise = token_client(people["enterprise"]).get(url)
    assert enterprise.status_code in (403, 404)
