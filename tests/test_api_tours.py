"""Site tours (观摩评比) through the API: a judge enters their own scores; the detail
shows the projects' and the units' scores as the tour page does, and one's own scores —
never another judge's points."""

from decimal import Decimal

import pytest

from ballast.coordination import services
from ballast.coordination.models import TourScore
from tests.api_helpers import token_client


@pytest.fixture
def tour(people, city, make_project, unit_b, d):
    ours = make_project(name="仪征观摩项目")
    theirs = make_project(unit=unit_b, name="高邮观摩项目")
    return services.tour_create(
        user=people["city_admin"],
        city=city,
        name="一季度观摩",
        on=d(2023, 3, 20),
        period="2023Q1",
        criteria=[("形象进度", 50), ("投资强度", 50)],
        judges=[people["city_reviewer"], people["city_leader"], "外请专家"],
        projects=[ours, theirs],
    )


def _ids(tour):
    shown = {tp.project.name: tp.pk for tp in tour.tour_projects.select_related("project")}
    criteria = {c.name: c.pk for c in tour.criteria.all()}
    return shown, criteria


def test_a_judge_enters_their_scores_and_sees_only_their_own(people, tour):
    shown, criteria = _ids(tour)
    reviewer = token_client(people["city_reviewer"])
    url = f"/api/v1/tours/{tour.pk}/"
    services.tour_score_set(
        user=people["city_leader"],
        judge=tour.judges.get(user=people["city_leader"]),
        tour_project=tour.tour_projects.get(pk=shown["仪征观摩项目"]),
        criterion=tour.criteria.get(pk=criteria["形象进度"]),
        points=30,
    )
    entered = reviewer.post(
        url + "scores/",
        {
            "tour_project": shown["仪征观摩项目"],
            "criterion": criteria["形象进度"],
            "points": "45.5",
        },
        format="json",
    )
    assert entered.status_code == 200, entered.content
    detail = entered.json()
    own_judge = tour.judges.get(user=people["city_reviewer"]).pk
    assert detail["my_judges"] == [own_judge]
    assert detail["my_scores"] == [
        {"judge": own_judge, "tour_project": shown["仪征观摩项目"],
         "criterion": criteria["形象进度"], "points": "45.50"}
    ]  # fmt: skip
    # Before the tour is closed a judge sees no averages (they would give away the other
    # judge's points), only their own points.
    rows = {row["project_name"]: row["score"] for row in detail["projects"]}
    assert rows == {"仪征观摩项目": None, "高邮观摩项目": None}
    assert detail["unit_scores"] == []
    assert "30.00" not in entered.content.decode()  # the other judge's points stay hidden
    # Correcting one's score replaces it.
    reviewer.post(
        url + "scores/",
        {"tour_project": shown["仪征观摩项目"], "criterion": criteria["形象进度"], "points": 40},
        format="json",
    )
    assert TourScore.objects.get(judge_id=own_judge).points == Decimal("40.00")
    # Once the city closes the scoring: two judges, nothing dropped, the totals averaged
    # (40 and 30); no score changes any more.
    services.tour_close(user=people["city_admin"], tour=tour, on=tour.date)
    rows = {row["project_name"]: row["score"] for row in reviewer.get(url).json()["projects"]}
    assert rows == {"仪征观摩项目": "35.00", "高邮观摩项目": None}
    late = reviewer.post(
        url + "scores/",
        {"tour_project": shown["仪征观摩项目"], "criterion": criteria["形象进度"], "points": 41},
        format="json",
    )
    assert late.status_code == 400


def test_the_detail_shows_a_unit_person_their_own_projects_and_unit(people, tour):
    shown, criteria = _ids(tour)
    services.tour_score_set(
        user=people["city_reviewer"],
        judge=tour.judges.get(user=people["city_reviewer"]),
        tour_project=tour.tour_projects.get(pk=shown["高邮观摩项目"]),
        criterion=tour.criteria.get(pk=criteria["形象进度"]),
        points=42,
    )
    clerk = token_client(people["clerk_a"])
    listed = clerk.get("/api/v1/tours/").json()["results"]
    assert [(t["name"], t["n_projects"]) for t in listed] == [("一季度观摩", 2)]
    detail = clerk.get(f"/api/v1/tours/{tour.pk}/").json()
    assert [row["project_name"] for row in detail["projects"]] == ["仪征观摩项目"]
    assert detail["unit_scores"] == []  # unit A has no score yet; unit B's is not theirs
    assert detail["my_judges"] == [] and detail["my_scores"] == []
    assert [c["name"] for c in detail["criteria"]] == ["形象进度", "投资强度"]


def test_scores_are_the_judges_own(people, tour):
    shown, criteria = _ids(tour)
    body = {"tour_project": shown["仪征观摩项目"], "criterion": criteria["形象进度"], "points": 10}
    url = f"/api/v1/tours/{tour.pk}/scores/"
    # A clerk may not score at all; a leader of a unit who is no judge here is told so.
    assert token_client(people["clerk_a"]).post(url, body, format="json").status_code == 403
    not_judge = token_client(people["leader_a"]).post(url, body, format="json")
    assert not_judge.status_code == 400 and "judge" in not_judge.json()["errors"]
    # A judge cannot enter another judge's points; the city administrator enters the
    # paper sheet of the outside expert.
    expert = tour.judges.get(name="外请专家").pk
    reviewer = token_client(people["city_reviewer"])
    assert reviewer.post(url, {**body, "judge": expert}, format="json").status_code == 403
    admin = token_client(people["city_admin"])
    assert admin.post(url, {**body, "judge": expert}, format="json").status_code == 200
    too_many = reviewer.post(url, {**body, "points": 51}, format="json")
    assert too_many.status_code == 400 and "points" in too_many.json()["errors"]
    assert list(TourScore.objects.values_list("judge_id", flat=True)) == [expert]


def test_a_refusal_is_told_in_english_when_asked(people, tour):
    shown, criteria = _ids(tour)
    body = {"tour_project": shown["仪征观摩项目"], "criterion": criteria["形象进度"], "points": 1}
    answer = token_client(people["leader_a"]).post(
        f"/api/v1/tours/{tour.pk}/scores/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.json()["errors"]["judge"] == ["You are not a judge of this tour."]
