"""Site tours (观摩): judges score each shown project by criteria; a project's score drops
its highest and lowest judge total (three judges or more) before averaging; a unit's score
is the mean of its projects'; the result feeds a manual assessment indicator."""

from datetime import date
from decimal import Decimal as D

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.assessments.selectors import manual_unit_scores
from ballast.assessments.services import scheme_import
from ballast.coordination import selectors, services
from ballast.coordination.models import TourScore
from tests.test_coordination_fixtures import *  # noqa: F403

SCHEME = """
slug: tour-q
name: 季度观摩
period: quarter
indicators:
  - {key: tour.score, label: 观摩评分, weight: 10, method: manual, max: 100}
  - {key: new.started.count, label: 新开工项目数, weight: 90, method: target_share}
"""

# judge → project → points for (项目推进 ≤40, 投资强度 ≤30, 亩均效益 ≤30)
SHEET = {
    "city_leader": {"p1": (35, 25, 28), "p2": (30, 20, 20)},  # totals 88, 70
    "专家甲": {"p1": (30, 20, 20), "p2": (25, 20, 15), "p3": (40, 30, 30)},  # 70, 60, 100
    "专家乙": {"p1": (38, 28, 29), "p2": (30, 25, 25), "p3": (30, 25, 27)},  # 95, 80, 82
    "专家丙": {"p1": (32, 24, 24)},  # 80
}


@pytest.fixture
def tour(city, crowd, make_project, unit_b):
    p1 = make_project(name="p1")
    p2 = make_project(name="p2")
    p3 = make_project(unit_b, name="p3")
    tour = services.tour_create(
        user=crowd["city_admin"],
        city=city,
        name="2023年二季度重大项目观摩",
        on=date(2023, 6, 20),
        period="2023Q2",
        criteria=[("项目推进", 40), ("投资强度", 30), ("亩均效益", 30)],
        judges=[crowd["city_leader"], "专家甲", "专家乙", "专家丙"],
        projects=[p1, p2, p3],
    )
    judges = {j.name: j for j in tour.judges.all()}
    shown = {tp.project.name: tp for tp in tour.tour_projects.select_related("project")}
    criteria = list(tour.criteria.all())
    for judge_name, sheet in SHEET.items():
        judge = judges[judge_name]
        user = crowd["city_leader"] if judge.user_id else crowd["city_admin"]
        for project_name, points in sheet.items():
            for criterion, value in zip(criteria, points, strict=True):
                services.tour_score_set(
                    user=user,
                    judge=judge,
                    tour_project=shown[project_name],
                    criterion=criterion,
                    points=value,
                )
    return tour


def test_scores_by_hand(tour):
    by_name = {
        tp.project.name: score
        for tp, score in (
            (tour.tour_projects.get(pk=pk), score)
            for pk, score in selectors.tour_project_scores(tour).items()
        )
    }
    # p1: 88 70 95 80 → drop 95 and 70 → (88 + 80) / 2 = 84
    # p2: 70 60 80 → drop 80 and 60 → 70
    # p3: 100 82, two judges → nothing dropped → 91
    assert by_name == {"p1": D("84.00"), "p2": D("70.00"), "p3": D("91.00")}
    # unit A: (84 + 70) / 2 = 77; unit B: 91
    assert selectors.tour_unit_scores(tour) == {"321081": D("77.00"), "321084": D("91.00")}


def test_points_above_the_maximum_are_refused(tour, crowd):
    judge = tour.judges.get(name="专家甲")
    with pytest.raises(ValidationError):
        services.tour_score_set(
            user=crowd["city_admin"],
            judge=judge,
            tour_project=tour.tour_projects.first(),
            criterion=tour.criteria.get(name="投资强度"),
            points=31,
        )


def test_correcting_a_score_replaces_it(tour, crowd):
    judge = tour.judges.get(name="专家丙")
    tp = tour.tour_projects.get(project__name="p1")
    services.tour_score_set(
        user=crowd["city_admin"],
        judge=judge,
        tour_project=tp,
        criterion=tour.criteria.get(name="项目推进"),
        points=40,
    )  # 专家丙's p1 total 80 → 88: 88 88 70 95 → drop 95, 70 → 88
    assert TourScore.objects.filter(judge=judge).count() == 3
    assert selectors.tour_unit_scores(tour)["321081"] == D("79.00")  # (88 + 70) / 2


def test_only_the_judge_or_the_city_enters_scores(tour, crowd):
    leader_judge = tour.judges.get(user=crowd["city_leader"])
    name_judge = tour.judges.get(name="专家甲")
    tp = tour.tour_projects.first()
    criterion = tour.criteria.first()
    with pytest.raises(PermissionDenied):  # a leader enters only their own
        services.tour_score_set(
            user=crowd["city_leader"],
            judge=name_judge,
            tour_project=tp,
            criterion=criterion,
            points=1,
        )
    for who in ("clerk_a", "clerk_b", "department", "enterprise"):
        with pytest.raises(PermissionDenied):
            services.tour_score_set(
                user=crowd[who], judge=leader_judge, tour_project=tp, criterion=criterion, points=1
            )


def test_unit_b_sees_only_its_own_tour_scores(tour, crowd):
    seen = TourScore.objects.restrict(crowd["clerk_b"])
    assert set(seen.values_list("tour_project__project__name", flat=True)) == {"p3"}
    assert not TourScore.objects.restrict(crowd["department"]).exists()


def test_tour_feeds_the_manual_indicator(tour, crowd, city):
    scheme = scheme_import(user=None, city=city, data=yaml.safe_load(SCHEME))
    indicator = scheme.indicators.get(key="tour.score")
    services.tour_publish_to_assessment(user=crowd["city_admin"], tour=tour, indicator=indicator)
    scores = manual_unit_scores(indicator=indicator, period="2023Q2")
    assert scores == {"321081": D("77"), "321084": D("91")}
    # publishing again replaces, not adds
    services.tour_publish_to_assessment(user=crowd["city_admin"], tour=tour, indicator=indicator)
    assert manual_unit_scores(indicator=indicator, period="2023Q2") == scores
