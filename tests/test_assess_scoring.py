"""The scoring engine on hand-made numbers (no database)."""

from decimal import Decimal as D

from ballast.assessments.scoring import (
    IndicatorSpec,
    band_points,
    competition_ranks,
    evaluate,
    manual_points,
    rank_points,
    target_share_points,
    trimmed_mean,
)


def test_target_share_is_share_of_target_times_weight():
    # 3 of 4 started: 0.75 × 20 = 15
    assert target_share_points(D(3), D(4), D(20)).points == D("15.00")


def test_target_share_is_capped_at_120_percent_by_default():
    # 9 of 5 = 180% → capped at 1.2 × 20 = 24
    assert target_share_points(D(9), D(5), D(20)).points == D("24.00")
    # an own cap of 1.0 → 20
    assert target_share_points(D(9), D(5), D(20), D("1.0")).points == D("20.00")


def test_target_share_without_target_gives_zero_with_a_note():
    result = target_share_points(D(9), None, D(20))
    assert result.points == D(0)
    assert result.note == "未设目标"
    assert target_share_points(D(9), D(0), D(20)).note == "未设目标"


def test_target_share_rounds_half_up_to_cents():
    # 1/3 × 10 = 3.333… → 3.33; 2/3 × 10 = 6.666… → 6.67
    assert target_share_points(D(1), D(3), D(10)).points == D("3.33")
    assert target_share_points(D(2), D(3), D(10)).points == D("6.67")


def test_competition_ranks_share_the_better_rank():
    ranks = competition_ranks({"a": D(5), "b": D(7), "c": D(5), "d": D(1)})
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert competition_ranks({"a": D(5), "b": D(7)}, higher_is_better=False) == {"a": 1, "b": 2}


def test_rank_points_best_gets_weight_and_each_next_loses_step():
    values = {"a": D("0.8"), "b": D("0.9"), "c": D("0.8"), "d": D("0.1"), "e": None}
    results = rank_points(values, D(10), D(2))
    # b first 10; a and c share 2nd 8; d is 4th: 10 − 3×2 = 4; e has no data
    assert {u: r.points for u, r in results.items()} == {
        "a": D(8),
        "b": D(10),
        "c": D(8),
        "d": D(4),
        "e": D(0),
    }
    assert results["e"].note == "无数据"


def test_rank_points_never_go_below_zero():
    values = {str(i): D(i) for i in range(8)}
    results = rank_points(values, D(10), D(3))
    # ranks 1..8 → 10, 7, 4, 1, 0, 0, 0, 0
    assert [results[str(i)].points for i in range(7, -1, -1)] == [
        D(10),
        D(7),
        D(4),
        D(1),
        D(0),
        D(0),
        D(0),
        D(0),
    ]


def test_bands_give_the_points_of_the_best_band_reached():
    bands = [[D("0.9"), 10], [D("0.7"), 6], [D("0.5"), 3]]
    assert band_points(D("0.95"), bands).points == D(10)
    assert band_points(D("0.9"), bands).points == D(10)
    assert band_points(D("0.75"), bands).points == D(6)
    assert band_points(D("0.4"), bands).points == D(0)


def test_bands_lower_is_better():
    # e.g. days of delay: ≤ 0 → 5, ≤ 30 → 3
    bands = [[0, 5], [30, 3]]
    assert band_points(D(0), bands, higher_is_better=False).points == D(5)
    assert band_points(D(20), bands, higher_is_better=False).points == D(3)
    assert band_points(D(31), bands, higher_is_better=False).points == D(0)


def test_trimmed_mean_drops_one_highest_and_one_lowest():
    # 90, 85, 80, 70, 95 → drop 95 and 70 → (90 + 85 + 80) / 3 = 85
    assert trimmed_mean([D(90), D(85), D(80), D(70), D(95)]) == D(85)
    # two judges: nothing dropped
    assert trimmed_mean([D(80), D(90)]) == D(85)
    assert trimmed_mean([]) is None


def test_manual_points_scaled_to_weight_when_full_mark_given():
    # 85 of 100 on a weight of 20 → 17
    assert manual_points(D(85), D(20), D(100)).points == D("17.00")
    # no full mark: the average is the points, but never more than the weight
    assert manual_points(D(8), D(10)).points == D("8.00")
    assert manual_points(D(12), D(10)).points == D("10.00")
    assert manual_points(None, D(10)).note == "未评分"


SCHEME = [
    IndicatorSpec("new.started.count", "新开工项目数", D(40), "target_share", {}),
    IndicatorSpec("signed_cohort.landed_rate", "落地率", D(30), "rank", {"step": 5}),
    IndicatorSpec(
        "investment.completion_rate",
        "投资完成率",
        D(20),
        "bands",
        {"bands": [[0.3, 20], [0.25, 15], [0, 5]]},
    ),
    IndicatorSpec("tour.score", "观摩评分", D(10), "manual", {"max": 100}),
]


def test_evaluate_totals_ranks_and_rank_change_by_hand():
    values = {
        "A": {
            "new.started.count": 6,
            "signed_cohort.landed_rate": 0.6,
            "investment.completion_rate": 0.31,
        },
        "B": {
            "new.started.count": 3,
            "signed_cohort.landed_rate": 0.8,
            "investment.completion_rate": 0.26,
        },
        "C": {
            "new.started.count": 2,
            "signed_cohort.landed_rate": 0.6,
            "investment.completion_rate": 0.1,
        },
    }
    targets = {unit: {"new.started.count": 4} for unit in values}
    manual = {"tour.score": {"A": D(90), "B": D(80)}}
    results = evaluate(
        SCHEME,
        ["A", "B", "C"],
        values,
        targets=targets,
        manual=manual,
        previous_ranks={"A": 2, "B": 1},
    )
    # A: started 6/4 = 150% → cap 1.2 × 40 = 48; landed 0.6 shares 2nd: 30 − 5 = 25;
    #    completion 0.31 ≥ 0.3 → 20; tour 90/100 × 10 = 9.  Total 102.
    # B: 3/4 × 40 = 30; landed 0.8 first → 30; 0.26 ≥ 0.25 → 15; tour 8. Total 83.
    # C: 2/4 × 40 = 20; landed 2nd → 25; 0.1 → 5; no tour score → 0. Total 50.
    assert [(r.unit, r.score, r.rank) for r in results] == [
        ("A", D("102.00"), 1),
        ("B", D("83.00"), 2),
        ("C", D("50.00"), 3),
    ]
    # A moved up from 2nd to 1st (进位 +1), B down from 1st to 2nd (退位 −1), C new
    assert [r.rank_change for r in results] == [1, -1, None]
    assert results[0].indicators["new.started.count"].points == D("48.00")
    assert results[2].indicators["tour.score"].note == "未评分"


def test_evaluate_equal_totals_share_rank():
    spec = [IndicatorSpec("x", "x", D(10), "target_share", {"target_value": 1})]
    values = {"A": {"x": 1}, "B": {"x": 1}, "C": {"x": D("0.5")}}
    targets = {u: {"x": 1} for u in values}
    results = evaluate(spec, ["C", "B", "A"], values, targets=targets)
    assert [(r.unit, r.rank) for r in results] == [("A", 1), ("B", 1), ("C", 3)]
