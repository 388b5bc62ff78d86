"""The scoring engine: pure functions over numbers, no database.

Given a scheme's indicators, each unit's figure values, targets and manual scores, it
gives each unit's points per indicator, total, rank (ties share the better rank) and
change of rank against the previous period (进位/退位; positive = moved up).

Points are rounded to 0.01 (half up) per indicator; the total is the sum of the rounded
points, so a reader can add up a published table by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ballast.assessments.choices import DEFAULT_CAP, Method

CENT = Decimal("0.01")
ZERO = Decimal(0)


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def dec(value) -> Decimal | None:
    """A Decimal from a figure value (int, str, Decimal, float rounded by its repr)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def plain(value: Decimal | None) -> str | None:
    """A number as written by hand: at most four decimals, no trailing zeros ("4", "0.5")."""
    if value is None:
        return None
    if value.as_tuple().exponent < -4:
        value = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator as the engine sees it (from the database or a YAML file)."""

    key: str
    label: str
    weight: Decimal
    method: str
    params: Mapping = field(default_factory=dict)

    @property
    def higher_is_better(self) -> bool:
        return bool(self.params.get("higher_is_better", True))


@dataclass
class IndicatorResult:
    points: Decimal
    value: Decimal | None = None
    target: Decimal | None = None
    note: str = ""

    def as_json(self, label: str) -> dict:
        return {
            "label": label,
            "value": plain(self.value),
            "target": plain(self.target),
            "points": str(self.points),
            "note": self.note,
        }


@dataclass
class UnitResult:
    unit: str
    score: Decimal
    rank: int
    rank_change: int | None
    indicators: dict[str, IndicatorResult]


def target_share_points(
    actual: Decimal | None, target: Decimal | None, weight: Decimal, cap: Decimal = DEFAULT_CAP
) -> IndicatorResult:
    """min(actual / target, cap) × weight; a missing or zero target gives 0 with a note."""
    if target is None or target <= 0:
        return IndicatorResult(ZERO, actual, target, "未设目标")
    if actual is None:
        return IndicatorResult(ZERO, actual, target, "无数据")
    share = min(actual / target, cap)
    return IndicatorResult(q2(max(share, ZERO) * weight), actual, target)


def competition_ranks(values: Mapping[str, Decimal], *, higher_is_better: bool = True) -> dict:
    """1-based ranks; equal values share the better rank (1, 2, 2, 4)."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    first_index: dict[Decimal, int] = {}
    for index, value in enumerate(ordered):
        first_index.setdefault(value, index + 1)
    return {unit: first_index[value] for unit, value in values.items()}


def rank_points(
    values: Mapping[str, Decimal | None],
    weight: Decimal,
    step: Decimal,
    *,
    higher_is_better: bool = True,
) -> dict[str, IndicatorResult]:
    """The best unit gets ``weight``, each next rank loses ``step`` (never below 0).

    Ties share the better rank; a unit without a value gets 0 with a note.
    """
    known = {unit: value for unit, value in values.items() if value is not None}
    ranks = competition_ranks(known, higher_is_better=higher_is_better)
    results = {}
    for unit, value in values.items():
        if value is None:
            results[unit] = IndicatorResult(ZERO, None, None, "无数据")
            continue
        points = max(weight - (ranks[unit] - 1) * step, ZERO)
        results[unit] = IndicatorResult(q2(points), value, None, f"第{ranks[unit]}名")
    return results


def band_points(
    value: Decimal | None, bands: Iterable, *, higher_is_better: bool = True
) -> IndicatorResult:
    """The points of the best band whose threshold ``value`` reaches.

    Higher is better: value ≥ threshold; lower is better: value ≤ threshold. A value
    that reaches no band gets 0.
    """
    if value is None:
        return IndicatorResult(ZERO, None, None, "无数据")
    pairs = sorted(
        ((dec(t), dec(p)) for t, p in bands), key=lambda b: b[0], reverse=higher_is_better
    )
    for threshold, points in pairs:
        if (value >= threshold) if higher_is_better else (value <= threshold):
            return IndicatorResult(q2(points), value)
    return IndicatorResult(ZERO, value, None, "未达最低档")


def trimmed_mean(scores: Iterable[Decimal]) -> Decimal | None:
    """The mean after dropping one highest and one lowest score (去掉一个最高分和一个
    最低分). With fewer than three scores nothing is dropped."""
    scores = sorted(scores)
    if not scores:
        return None
    if len(scores) >= 3:
        scores = scores[1:-1]
    return sum(scores, ZERO) / len(scores)


def manual_points(
    average: Decimal | None, weight: Decimal, full_mark: Decimal | None = None
) -> IndicatorResult:
    """The averaged manual score; scaled to the weight when the full mark is given."""
    if average is None:
        return IndicatorResult(ZERO, None, None, "未评分")
    points = average if full_mark is None else average / full_mark * weight
    return IndicatorResult(q2(min(points, weight)), q2(average))


def score_indicator(
    spec: IndicatorSpec,
    values: Mapping[str, Decimal | None],
    targets: Mapping[str, Decimal | None],
    manual: Mapping[str, Decimal | None],
) -> dict[str, IndicatorResult]:
    """Points of every unit on one indicator (``values``: unit → figure value)."""
    weight = dec(spec.weight)
    params = spec.params
    if spec.method == Method.TARGET_SHARE:
        cap = dec(params.get("cap", DEFAULT_CAP))
        return {
            unit: target_share_points(value, targets.get(unit), weight, cap)
            for unit, value in values.items()
        }
    if spec.method == Method.RANK:
        return rank_points(
            values, weight, dec(params["step"]), higher_is_better=spec.higher_is_better
        )
    if spec.method == Method.BANDS:
        return {
            unit: band_points(value, params["bands"], higher_is_better=spec.higher_is_better)
            for unit, value in values.items()
        }
    if spec.method == Method.MANUAL:
        full = dec(params.get("max"))
        return {unit: manual_points(manual.get(unit), weight, full) for unit in values}
    raise ValueError(f"未知的计分方法“{spec.method}”。")


def evaluate(
    indicators: Iterable[IndicatorSpec],
    units: Iterable[str],
    values: Mapping[str, Mapping[str, Decimal | None]],
    *,
    targets: Mapping[str, Mapping[str, Decimal | None]] | None = None,
    manual: Mapping[str, Mapping[str, Decimal | None]] | None = None,
    previous_ranks: Mapping[str, int] | None = None,
) -> list[UnitResult]:
    """Score every unit; the list is best first (ties by unit code).

    ``values[unit][key]`` and ``targets[unit][key]`` are figure values and targets;
    ``manual[key][unit]`` the averaged manual scores; ``previous_ranks[unit]`` the ranks
    of the previous period (change = previous − current, so moving up is positive).
    """
    units = list(units)
    targets = targets or {}
    manual = manual or {}
    per_unit: dict[str, dict[str, IndicatorResult]] = {unit: {} for unit in units}
    for spec in indicators:
        column = {unit: dec((values.get(unit) or {}).get(spec.key)) for unit in units}
        column_targets = {unit: dec((targets.get(unit) or {}).get(spec.key)) for unit in units}
        scored = score_indicator(spec, column, column_targets, manual.get(spec.key) or {})
        for unit in units:
            per_unit[unit][spec.key] = scored[unit]
    totals = {unit: sum((r.points for r in per_unit[unit].values()), ZERO) for unit in units}
    ranks = competition_ranks(totals)
    results = []
    for unit in units:
        previous = (previous_ranks or {}).get(unit)
        results.append(
            UnitResult(
                unit=unit,
                score=q2(totals[unit]),
                rank=ranks[unit],
                rank_change=None if previous is None else previous - ranks[unit],
                indicators=per_unit[unit],
            )
        )
    results.sort(key=lambda r: (r.rank, r.unit))
    return results
