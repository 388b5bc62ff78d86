"""Manual (site-tour) scores: each project's highest and lowest judge score are dropped
before averaging, then the unit's projects are averaged."""

from decimal import Decimal as D

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.assessments.models import ManualScore
from ballast.assessments.selectors import manual_indicators, manual_unit_scores
from ballast.assessments.services import manual_scores_set, scheme_import

SCHEME = """
slug: tour-test
name: 观摩测试
period: quarter
indicators:
  - {key: tour.score, label: 观摩评分, weight: 10, method: manual, max: 100}
  - {key: new.started.count, label: 新开工项目数, weight: 90, method: target_share}
"""


@pytest.fixture
def tour_indicator(city):
    scheme = scheme_import(user=None, city=city, data=yaml.safe_load(SCHEME))
    return scheme.indicators.get(key="tour.score")


def judged(project, *scores):
    return [
        {"judge": f"评委{n}", "score": D(s), "project": project}
        for n, s in enumerate(scores, start=1)
    ]


def test_unit_score_drops_each_projects_highest_and_lowest(
    people, make_project, unit_a, unit_b, tour_indicator
):
    p1, p2 = make_project(), make_project()
    admin = people["city_admin"]
    # p1: 90 85 80 70 95 → drop 95 and 70 → 85;  p2: 60 80 70 → drop 80 and 60 → 70
    manual_scores_set(
        user=admin,
        indicator=tour_indicator,
        period="2023Q1",
        unit=unit_a,
        scores=judged(p1, 90, 85, 80, 70, 95) + judged(p2, 60, 80, 70),
    )
    # unit B as a whole, two judges: nothing dropped → (88 + 92) / 2 = 90
    manual_scores_set(
        user=admin,
        indicator=tour_indicator,
        period="2023Q1",
        unit=unit_b,
        scores=judged(None, 88, 92),
    )
    scores = manual_unit_scores(indicator=tour_indicator, period="2023Q1")
    assert scores == {"321081": D("77.5"), "321084": D(90)}  # A: (85 + 70) / 2


def test_setting_a_projects_scores_again_replaces_only_that_project(
    people, make_project, unit_a, tour_indicator
):
    p1, p2 = make_project(), make_project()
    admin = people["city_admin"]
    common = {"user": admin, "indicator": tour_indicator, "period": "2023Q1", "unit": unit_a}
    manual_scores_set(**common, scores=judged(p1, 90, 85, 80) + judged(p2, 60, 70, 80))
    manual_scores_set(**common, scores=judged(p1, 50, 50, 50))
    assert ManualScore.objects.filter(project=p1).count() == 3
    # p1 now 50, p2 still 70 → 60
    assert manual_unit_scores(indicator=tour_indicator, period="2023Q1") == {"321081": D(60)}


def test_scores_are_checked(people, make_project, unit_a, unit_b, tour_indicator, city):
    admin = people["city_admin"]
    other_units_project = make_project(unit_b)
    common = {"user": admin, "indicator": tour_indicator, "period": "2023Q1", "unit": unit_a}
    with pytest.raises(ValidationError, match="得分不能超过满分 100"):
        manual_scores_set(**common, scores=judged(None, 101))
    with pytest.raises(ValidationError, match="观摩项目应属于该板块"):
        manual_scores_set(**common, scores=judged(other_units_project, 80))
    with pytest.raises(ValidationError, match="同一评委对同一项目只能有一个评分"):
        manual_scores_set(**common, scores=[{"judge": "张三", "score": 1}] * 2)
    figure_indicator = tour_indicator.scheme.indicators.get(key="new.started.count")
    with pytest.raises(ValidationError, match="只有人工评分指标"):
        manual_scores_set(**{**common, "indicator": figure_indicator}, scores=judged(None, 1))
    with pytest.raises(ValidationError, match="无法识别的期间"):
        manual_scores_set(**{**common, "period": "2023季"}, scores=judged(None, 1))


def test_unit_people_cannot_enter_scores_and_see_only_their_own(
    people, unit_a, unit_b, tour_indicator
):
    with pytest.raises(PermissionDenied):
        manual_scores_set(
            user=people["clerk_a"],
            indicator=tour_indicator,
            period="2023Q1",
            unit=unit_a,
            scores=judged(None, 80),
        )
    for unit in (unit_a, unit_b):
        manual_scores_set(
            user=people["city_admin"],
            indicator=tour_indicator,
            period="2023Q1",
            unit=unit,
            scores=judged(None, 80),
        )
    assert list(
        ManualScore.objects.restrict(people["clerk_a"]).values_list("unit__code", flat=True)
    ) == ["321081"]
    assert ManualScore.objects.restrict(people["city_leader"]).count() == 2
    assert ManualScore.history.filter(history_user=people["city_admin"]).count() == 2


def test_tours_find_the_manual_indicators_of_active_schemes(city, tour_indicator):
    assert list(manual_indicators(city=city, period_kind="quarter")) == [tour_indicator]
    assert list(manual_indicators(city=city, period_kind="year")) == []
    tour_indicator.scheme.active = False
    tour_indicator.scheme.save()
    assert list(manual_indicators(city=city)) == []
