"""亩均论英雄: scores worked out by hand, class cut-offs, ungraded projects under construction."""

import json
from datetime import date
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from ballast.assessments.models import EfficiencyRecord, EfficiencyScheme
from ballast.assessments.mujun import class_boundaries, mujun_evaluation
from ballast.assessments.services import efficiency_record_save, efficiency_scheme_save
from ballast.projects.models import Project
from ballast.projects.services import project_terminate

AS_OF = date(2023, 12, 31)
PRODUCING = {"started": date(2022, 3, 1), "in_production": date(2023, 1, 10)}


def scheme_of(city, indicators, **extra):
    return efficiency_scheme_save(
        user=None,
        city=city,
        data={"slug": "test", "name": "测试方案", "indicators": indicators, **extra},
    )


def record(project, **fields):
    data = {"tax": D(0), "sales": D(0)}
    data.update(fields)
    return efficiency_record_save(user=None, project=project, year=2023, data=data)


@pytest.fixture
def two_indicator_scheme(city):
    # tax/亩 60 points against 20 万元/亩; R&D share 40 points against 5%; cap 1.2
    return scheme_of(
        city,
        [
            {"key": "tax_per_mu", "weight": 60, "benchmark": "20"},
            {"key": "rd_share", "weight": 40, "benchmark": "0.05"},
        ],
    )


def test_scores_are_weighted_capped_shares_of_the_benchmarks(make_project, two_indicator_scheme):
    p1 = make_project(name="甲", land_area=D(50), stages=PRODUCING)
    p2 = make_project(name="乙", land_area=D(100), stages=PRODUCING)
    p3 = make_project(name="丙", land_area=D(20), stages={"started": date(2023, 2, 1)})
    # 甲: 1500/50 = 30 万元/亩 → 1.5 → capped 1.2 × 60 = 72; R&D 400/10000 = 4% → 0.8 × 40 = 32
    record(p1, tax=D(1500), sales=D(10000), rd_spending=D(400))
    # 乙: its record's 80 亩 overrides the project's 100: 1000/80 = 12.5 → 0.625 × 60 = 37.5;
    #     no R&D figure → 0
    record(p2, tax=D(1000), sales=D(8000), land_area=D(80))
    # 丙: 500/20 = 25 → 1.25 → 1.2 × 60 = 72; 300/5000 = 6% → 1.2 × 40 = 48 → 120, ungraded
    record(p3, tax=D(500), sales=D(5000), rd_spending=D(300))

    rows = mujun_evaluation(
        projects=Project.objects.all(), year=2023, as_of=AS_OF, scheme=two_indicator_scheme
    )
    by_name = {r["project"]: r for r in rows}
    assert by_name["甲"]["score"] == "104.00"
    assert by_name["甲"]["indicators"]["tax_per_mu"] == {
        "value": "30.0000",
        "ratio": "1.5000",
        "points": "72.00",
    }
    assert by_name["甲"]["indicators"]["rd_share"]["points"] == "32.00"
    assert by_name["乙"]["score"] == "37.50"
    assert by_name["乙"]["land_mu"] == "80.00"
    assert by_name["乙"]["indicators"]["rd_share"] == {
        "value": None,
        "ratio": None,
        "points": "0.00",
    }
    assert by_name["丙"]["score"] == "120.00"
    # graded first by rank, then the ungraded
    assert [r["project"] for r in rows] == ["甲", "乙", "丙"]
    assert [(r["rank"], r["graded"]) for r in rows] == [(1, True), (2, True), (None, False)]


def test_record_land_defaults_to_the_projects_land(make_project):
    project = make_project(land_area=D(66.5))
    assert record(project, tax=D(1)).land_area == D("66.50")


def test_projects_under_construction_are_evaluated_but_not_graded(
    make_project, two_indicator_scheme
):
    building = make_project(name="在建", land_area=D(10), stages={"started": date(2023, 2, 1)})
    record(building, tax=D(200), sales=D(1000))
    rows = mujun_evaluation(
        projects=Project.objects.all(), year=2023, as_of=AS_OF, scheme=two_indicator_scheme
    )
    assert rows[0]["graded"] is False
    assert rows[0]["class"] is None
    assert rows[0]["flag"] == "在建未投产，参评不分类"
    # 200/10 = 20 万元/亩 = the benchmark → 60 points
    assert rows[0]["score"] == "60.00"


def test_production_is_judged_as_of_the_date(make_project, two_indicator_scheme):
    later = make_project(
        name="年末投产", land_area=D(10), stages={"in_production": date(2023, 12, 20)}
    )
    record(later, tax=D(200), sales=D(1000))
    before = mujun_evaluation(
        projects=Project.objects.all(),
        year=2023,
        as_of=date(2023, 12, 1),
        scheme=two_indicator_scheme,
    )
    after = mujun_evaluation(
        projects=Project.objects.all(), year=2023, as_of=AS_OF, scheme=two_indicator_scheme
    )
    assert before[0]["graded"] is False
    assert after[0]["graded"] is True
    assert after[0]["class"] == "B"  # one graded project: A ends at round(0.25) = 0


def test_terminated_projects_are_not_graded(people, make_project, two_indicator_scheme):
    gone = make_project(name="终止", land_area=D(10), stages=PRODUCING)
    record(gone, tax=D(200), sales=D(1000))
    project_terminate(
        user=people["clerk_a"], project=gone, on=date(2023, 6, 1), reason="other", note="退出"
    )
    rows = mujun_evaluation(
        projects=Project.objects.all(), year=2023, as_of=AS_OF, scheme=two_indicator_scheme
    )
    assert (rows[0]["graded"], rows[0]["flag"]) == (False, "已终止，参评不分类")


def test_twenty_projects_are_classed_5_9_5_1(make_project, city):
    # tax/亩 is i for project i (10 亩, tax 10·i); benchmark 100, weight 100 → score = i
    scheme = scheme_of(city, [{"key": "tax_per_mu", "weight": 100, "benchmark": "100"}])
    for i in range(1, 21):
        project = make_project(name=f"项目{i:02d}", land_area=D(10), stages=PRODUCING)
        record(project, tax=D(10 * i), sales=D(100))
    # a 21st under construction with the best score does not move the cut-offs
    building = make_project(name="在建", land_area=D(10), stages={"started": date(2023, 2, 1)})
    record(building, tax=D(1000), sales=D(100))

    rows = mujun_evaluation(projects=Project.objects.all(), year=2023, as_of=AS_OF, scheme=scheme)
    graded = [r for r in rows if r["graded"]]
    assert [r["score"] for r in graded[:2]] == ["20.00", "19.00"]
    classes = [r["class"] for r in graded]
    assert classes == ["A"] * 5 + ["B"] * 9 + ["C"] * 5 + ["D"]
    assert [r["project"] for r in graded if r["class"] == "A"] == [
        "项目20",
        "项目19",
        "项目18",
        "项目17",
        "项目16",
    ]
    assert graded[-1]["project"] == "项目01"
    assert rows[-1]["project"] == "在建" and rows[-1]["class"] is None


def test_class_boundaries_round_half_up():
    cut = {"A": D("0.25"), "B": D("0.70"), "C": D("0.95")}
    assert class_boundaries(20, cut) == {"A": 5, "B": 14, "C": 19}
    # 10 projects: 2.5 → 3, 7, 9.5 → 10 (no D)
    assert class_boundaries(10, cut) == {"A": 3, "B": 7, "C": 10}
    # 7 projects: 1.75 → 2, 4.9 → 5, 6.65 → 7
    assert class_boundaries(7, cut) == {"A": 2, "B": 5, "C": 7}
    assert class_boundaries(0, cut) == {"A": 0, "B": 0, "C": 0}


def test_equal_scores_share_rank_and_class(make_project, city):
    scheme = scheme_of(city, [{"key": "tax_per_mu", "weight": 100, "benchmark": "100"}])
    # scores 50, 50, 30, 10 → ranks 1, 1, 3, 4; 4 graded: A to rank 1, B to 3 (2.8), C to 4
    for name, tax in (("甲", 500), ("乙", 500), ("丙", 300), ("丁", 100)):
        record(make_project(name=name, land_area=D(10), stages=PRODUCING), tax=D(tax), sales=D(1))
    rows = mujun_evaluation(projects=Project.objects.all(), year=2023, as_of=AS_OF, scheme=scheme)
    assert [(r["project"], r["rank"], r["class"]) for r in rows] == [
        ("乙", 1, "A"),
        ("甲", 1, "A"),
        ("丙", 3, "B"),
        ("丁", 4, "C"),
    ]


def test_lower_is_better_divides_the_benchmark_by_the_value(make_project, city):
    # an indicator where less is better: benchmark 2 / value 4 = 0.5 × 10 = 5
    scheme = scheme_of(
        city,
        [{"key": "value_added_per_energy", "weight": 10, "benchmark": "2", "direction": "lower"}],
    )
    project = make_project(land_area=D(10), stages=PRODUCING)
    record(project, value_added=D(400), energy=D(100))
    rows = mujun_evaluation(projects=Project.objects.all(), year=2023, as_of=AS_OF, scheme=scheme)
    assert rows[0]["indicators"]["value_added_per_energy"]["ratio"] == "0.5000"
    assert rows[0]["score"] == "5.00"


def test_default_schemes_are_domain_weightings(city):
    from ballast.assessments.services import ensure_default_schemes

    ensure_default_schemes(city)
    six = EfficiencyScheme.objects.get(city=city, slug="mujun-six")
    five = EfficiencyScheme.objects.get(city=city, slug="mujun-five")
    assert {i["key"]: int(D(i["weight"])) for i in six.indicators} == {
        "tax_per_mu": 30,
        "value_added_per_mu": 20,
        "value_added_per_energy": 20,
        "value_added_per_emission": 10,
        "labour_productivity": 10,
        "rd_share": 10,
    }
    assert {i["key"]: int(D(i["weight"])) for i in five.indicators} == {
        "tax_per_mu": 45,
        "sales_per_mu": 20,
        "value_added_per_energy": 15,
        "rd_share": 15,
        "labour_productivity": 5,
    }
    assert six.cutoffs == {"A": D("0.25"), "B": D("0.70"), "C": D("0.95")}


def test_scheme_refuses_unknown_indicator_and_bad_cutoffs(city):
    with pytest.raises(ValidationError) as exc:
        scheme_of(city, [{"key": "magic", "weight": 10, "benchmark": 1}])
    assert "未知的亩均指标" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        scheme_of(
            city,
            [{"key": "tax_per_mu", "weight": 10, "benchmark": 1}],
            class_cutoffs={"A": "0.8", "B": "0.7", "C": "0.95"},
        )
    assert "分类线" in str(exc.value)


def test_clerk_of_another_unit_cannot_record_efficiency(people, make_project):
    project = make_project()
    with pytest.raises(PermissionDenied):
        efficiency_record_save(
            user=people["clerk_b"], project=project, year=2023, data={"tax": 1, "sales": 1}
        )
    efficiency_record_save(
        user=people["clerk_a"], project=project, year=2023, data={"tax": 1, "sales": 1}
    )
    assert EfficiencyRecord.objects.restrict(people["clerk_b"]).count() == 0
    assert EfficiencyRecord.objects.restrict(people["clerk_a"]).count() == 1
    assert EfficiencyRecord.history.get().history_user == people["clerk_a"]


def test_mujun_command_prints_json(make_project, city):
    project = make_project(name="甲", land_area=D(10), stages=PRODUCING)
    record(project, tax=D(250), sales=D(4000), value_added=D(1000), rd_spending=D(120))
    out = StringIO()
    call_command(
        "mujun",
        "--city",
        "321000",
        "--year",
        "2023",
        "--as-of",
        "2023-12-31",
        "--scheme",
        "mujun-five",
        "--json",
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    # default five-indicator scheme: tax/亩 25 = benchmark 25 → 45; sales/亩 400 = 400 → 20;
    # R&D 120/4000 = 3% = benchmark → 15; no energy, no employees → 0. Total 80.
    assert rows[0]["project"] == "甲"
    assert rows[0]["score"] == "80.00"
    assert rows[0]["class"] == "B"
