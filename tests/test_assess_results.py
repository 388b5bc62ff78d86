"""Assessing units for a period: targets cumulated to the period, totals and ranks, change
of rank against the previous period, published results frozen — and the ``assess``
command on the real figures."""

import json
from datetime import date
from decimal import Decimal as D
from io import StringIO

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from ballast.assessments.models import PublishedResult
from ballast.assessments.selectors import assess, cumulative_target
from ballast.assessments.services import assessment_publish, manual_scores_set, scheme_import
from ballast.core.periods import Period
from ballast.projects.services import target_set

OTHER_UNITS = 7  # Yangzhou has 9 assessment units; the tests give figures to A and B


def P(text):
    return Period.parse(text)


def test_cumulative_targets_sum_quarters_to_the_period():
    quarters = {1: D(4), 2: D(6)}
    assert cumulative_target(None, quarters, P("2023Q1"), rate=False) == D(4)
    assert cumulative_target(None, quarters, P("2023Q2"), rate=False) == D(10)
    assert cumulative_target(None, quarters, P("2023H1"), rate=False) == D(10)
    # May: Q1 whole and two thirds of Q2: 4 + 6 × 2/3 = 8
    assert cumulative_target(None, quarters, P("2023-05"), rate=False) == D(8)
    # Q3 target missing: no year target either → no target
    assert cumulative_target(None, quarters, P("2023Q3"), rate=False) is None


def test_cumulative_targets_fall_back_to_the_year_pro_rata():
    assert cumulative_target(D(24), {}, P("2023Q1"), rate=False) == D(6)
    assert cumulative_target(D(24), {}, P("2023B2"), rate=False) == D(8)  # 24 × 4/12
    assert cumulative_target(D(24), {1: D(1)}, P("2023"), rate=False) == D(24)
    quarters = {1: D(1), 2: D(2), 3: D(3), 4: D(4)}
    assert cumulative_target(None, quarters, P("2023"), rate=False) == D(10)


def test_rate_targets_are_not_cumulated():
    assert cumulative_target(D("0.7"), {1: D("0.3")}, P("2023Q1"), rate=True) == D("0.7")
    assert cumulative_target(None, {1: D("0.3"), 2: D("0.5")}, P("2023Q3"), rate=True) == D("0.5")


SCHEME = """
slug: q-two
name: 两项季度比
period: quarter
indicators:
  - {key: new.started.count, label: 新开工项目数, weight: 60, method: target_share}
  - {key: signed_cohort.landed_rate, label: 落地率, weight: 40, method: rank, step: 10}
"""


def fake_figures(calls):
    """Figures by year: 2023 A started 3 landed 0.5, B started 3 landed 0.8;
    2022 A landed 0.9, B landed 0.1; other units nothing."""

    def figures(*, city, year, as_of):
        calls.append((year, as_of))
        if year == 2023:
            return {
                "321081": {"new.started.count": 3, "signed_cohort.landed_rate": 0.5},
                "321084": {"new.started.count": 3, "signed_cohort.landed_rate": 0.8},
            }
        return {
            "321081": {"new.started.count": 0, "signed_cohort.landed_rate": 0.9},
            "321084": {"new.started.count": 0, "signed_cohort.landed_rate": 0.1},
        }

    return figures


def test_assess_scores_ranks_and_rank_change_by_hand(city, people, unit_a, unit_b):
    scheme = scheme_import(user=None, city=city, data=yaml.safe_load(SCHEME))
    admin = people["city_admin"]
    target_set(user=admin, unit=unit_a, period="2023Q1", indicator="started_count", value=4)
    target_set(user=admin, unit=unit_b, period="2023Q1", indicator="started_count", value=2)
    calls = []
    outcome = assess(
        scheme=scheme,
        period="2023Q1",
        as_of=date(2023, 4, 10),
        city=city,
        figures=fake_figures(calls),
    )
    rows = outcome.rows
    # B: 3/2 = 150% → 1.2 × 60 = 72, landed first 40 → 112
    # A: 3/4 × 60 = 45, landed second 40 − 10 = 30 → 75
    # the others: no target → 0, no landed rate → 0 → share 3rd place
    assert [(r["unit"], r["score"], r["rank"]) for r in rows[:3]] == [
        ("321084", "112.00", 1),
        ("321081", "75.00", 2),
        ("321002", "0.00", 3),
    ]
    assert [r["rank"] for r in rows[2:]] == [3] * OTHER_UNITS
    # 2022Q4 (as of 2023-01-10, the same lag): A landed 0.9 first (40), B second (30),
    # the rest 0 → 3rd. So B moved up one (进1), A down one (退1), the rest held.
    assert [r["rank_change"] for r in rows[:3]] == [1, -1, 0]
    assert calls == [(2023, date(2023, 4, 10)), (2022, date(2023, 1, 10))]
    a = rows[1]["indicators"]["new.started.count"]
    assert a == {
        "label": "新开工项目数",
        "value": "3",
        "target": "4",
        "points": "45.00",
        "note": "",
    }
    assert rows[2]["indicators"]["new.started.count"]["note"] == "未设目标"
    assert outcome.figures["targets"]["321081"] == {"new.started.count": "4"}


def test_assess_refuses_a_period_of_another_kind(city):
    scheme = scheme_import(user=None, city=city, data=yaml.safe_load(SCHEME))
    with pytest.raises(ValueError, match="考核周期"):
        assess(scheme=scheme, period="2023H1", as_of=date(2023, 6, 30), city=city, figures=dict)


ONE_INDICATOR = """
slug: started-only
name: 开工季度比
period: quarter
indicators:
  - {key: new.started.count, label: 新开工项目数, weight: 100, method: target_share}
  - {key: tour.score, label: 观摩评分, weight: 10, method: manual, max: 100}
"""


@pytest.fixture
def started_city(city, people, make_project, unit_a, unit_b, tmp_path):
    """A: started 02-01 and 03-10; B: started 03-01. Q1 targets A 2, B 2; Q2 A 2, B 1."""
    make_project(stages={"started": date(2023, 2, 1)})
    make_project(stages={"started": date(2023, 3, 10)})
    make_project(unit_b, stages={"started": date(2023, 3, 1)})
    admin = people["city_admin"]
    for unit, q1, q2 in ((unit_a, 2, 2), (unit_b, 2, 1)):
        target_set(user=admin, unit=unit, period="2023Q1", indicator="started_count", value=q1)
        target_set(user=admin, unit=unit, period="2023Q2", indicator="started_count", value=q2)
    path = tmp_path / "started.yaml"
    path.write_text(ONE_INDICATOR, encoding="utf-8")
    return path


def run(*args):
    out = StringIO()
    call_command("assess", *args, stdout=out)
    return json.loads(out.getvalue())


def test_assess_command_scores_a_yaml_file_on_the_real_figures(started_city):
    rows = run(
        "--scheme", str(started_city), "--period", "2023Q1", "--as-of", "2023-03-31", "--json"
    )
    # A 2/2 → 100; B 1/2 → 50; the others have no target → 0
    assert [(r["unit"], r["score"], r["rank"]) for r in rows[:3]] == [
        ("321081", "100.00", 1),
        ("321084", "50.00", 2),
        ("321002", "0.00", 3),
    ]
    assert set(rows[0]) == {"unit", "unit_name", "score", "rank", "rank_change", "indicators"}
    # nothing started in 2022Q4: everyone shared first place then
    assert [r["rank_change"] for r in rows[:3]] == [0, -1, -2]


def test_published_results_stay_as_published(
    started_city, city, people, make_project, unit_a, unit_b
):
    scheme = scheme_import(
        user=None, city=city, data=yaml.safe_load(started_city.read_text(encoding="utf-8"))
    )
    rows = run("--scheme", "started-only", "--period", "2023Q1", "--json", "--publish")
    assert [(r["unit"], r["score"]) for r in rows[:2]] == [
        ("321081", "100.00"),
        ("321084", "50.00"),
    ]
    published = PublishedResult.objects.get(scheme=scheme, period="2023Q1")
    assert published.as_of == date(2023, 3, 31)  # the period's end by default
    assert published.figures["values"]["321084"]["new.started.count"] == "1"
    assert published.history.get().history_source == "command"

    # a late entry for B in Q1: the published Q1 does not move, publishing again neither
    make_project(unit_b, stages={"started": date(2023, 3, 20)})
    again = run("--scheme", "started-only", "--period", "2023Q1", "--as-of", "2023-04-30", "--json")
    assert [(r["unit"], r["score"]) for r in again[:2]] == [
        ("321081", "100.00"),
        ("321084", "50.00"),
    ]
    assert (
        assessment_publish(user=None, scheme=scheme, period="2023Q1", as_of=date(2023, 5, 1)).pk
        == published.pk
    )
    assert PublishedResult.objects.count() == 1
    with pytest.raises(ValidationError, match="已发布"):
        manual_scores_set(
            user=people["city_admin"],
            indicator=scheme.indicators.get(key="tour.score"),
            period="2023Q1",
            unit=unit_a,
            scores=[{"judge": "甲", "score": 90}],
        )

    # Q2 (year to date): A 2 of 2 + 2 = 4 → 50; B 2 of 2 + 1 = 3 → 66.67.
    # Against the published Q1 ranks: B 2nd → 1st (+1), A 1st → 2nd (−1), the rest 3rd → 3rd.
    q2 = run("--scheme", "started-only", "--period", "2023Q2", "--json")
    assert [(r["unit"], r["score"], r["rank"], r["rank_change"]) for r in q2[:3]] == [
        ("321084", "66.67", 1, 1),
        ("321081", "50.00", 2, -1),
        ("321002", "0.00", 3, 0),
    ]


def test_only_the_city_administrator_publishes(started_city, city, people):
    scheme = scheme_import(
        user=None, city=city, data=yaml.safe_load(started_city.read_text(encoding="utf-8"))
    )
    from django.core.exceptions import PermissionDenied

    for role in ("clerk_a", "city_reviewer", "city_leader"):
        with pytest.raises(PermissionDenied):
            assessment_publish(
                user=people[role], scheme=scheme, period="2023Q1", as_of=date(2023, 3, 31)
            )
    published = assessment_publish(
        user=people["city_admin"], scheme=scheme, period="2023Q1", as_of=date(2023, 3, 31)
    )
    assert published.published_by == people["city_admin"]
    assert PublishedResult.objects.restrict(people["clerk_b"]).count() == 1


def test_assess_command_errors_are_chinese(started_city):
    with pytest.raises(CommandError, match="找不到考核方案“nope”"):
        run("--scheme", "nope", "--period", "2023Q1", "--json")
    with pytest.raises(CommandError, match="发布须使用已导入的方案"):
        run("--scheme", str(started_city), "--period", "2023Q1", "--json", "--publish")
    with pytest.raises(CommandError, match="无法识别的期间"):
        run("--scheme", str(started_city), "--period", "Q1", "--json")


@pytest.mark.parametrize(
    ("slug", "period"), [("quarterly", "2023Q1"), ("half-year", "2023H1"), ("annual", "2023")]
)
def test_shipped_schemes_assess_on_the_real_figures(started_city, city, slug, period):
    from ballast.assessments.services import ensure_default_schemes

    ensure_default_schemes(city)
    rows = run("--scheme", slug, "--period", period, "--as-of", "2023-03-31", "--json")
    assert len(rows) == 9
    assert all(D(r["score"]) <= D(100) for r in rows)
    a = next(r for r in rows if r["unit"] == "321081")
    started = a["indicators"]["new.started.count"]
    # the year: no annual target and only two quarterly ones → no target
    assert (started["value"], started["target"]) == (
        "2",
        {"quarterly": "2", "half-year": "4", "annual": None}[slug],
    )


def test_assess_command_prints_a_chinese_table(started_city):
    out = StringIO()
    call_command("assess", "--scheme", str(started_city), "--period", "2023Q1", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "2023年一季度 开工季度比（截至 2023-03-31，试算）"
    assert lines[1].split() == ["1", "仪征", "100.00", "持平"]
    assert lines[2].split() == ["2", "高邮", "50.00", "退1"]
