"""Reads of assessments: a scheme's results for a period (季度比、半年评、年度考), the
manual (site-tour) scores a unit has, the unit targets an indicator is measured against.

The figures come from :func:`ballast.figures.selectors.units_figures`; the scoring is
the pure engine of :mod:`ballast.assessments.scoring`. A published result is returned
as stored, never recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import yaml
from django.db.models import Count, Max, Min, Sum

from ballast.assessments.choices import PERIOD_KIND_OF, Method, PeriodKind
from ballast.assessments.models import (
    EfficiencyRecord,
    EfficiencyScheme,
    Indicator,
    ManualScore,
    PublishedResult,
    Scheme,
)
from ballast.assessments.mujun import (
    default_efficiency_schemes,
    efficiency_scheme_from_dict,
    mujun_evaluation,
)
from ballast.assessments.schemes import indicator_params, scheme_data_from_yaml, scheme_export
from ballast.assessments.scoring import IndicatorSpec, dec, evaluate, plain
from ballast.core.known import known_rows
from ballast.core.periods import Period, add_months
from ballast.figures.selectors import figure_value, units_figures
from ballast.projects.choices import Category, TargetIndicator
from ballast.projects.models import Project, UnitTarget
from ballast.regions.models import Region, within
from ballast.regions.services import assessment_units

# figure key → the unit-target indicator it is measured against by default
DEFAULT_TARGETS = {
    "new.signed.count": TargetIndicator.SIGNED_COUNT,
    "new.signed.investment_wan": TargetIndicator.SIGNED_INVESTMENT,
    "new.started.count": TargetIndicator.STARTED_COUNT,
    "new.started.investment_wan": TargetIndicator.STARTED_INVESTMENT,
    "new.completed.count": TargetIndicator.COMPLETED_COUNT,
    "new.completed.investment_wan": TargetIndicator.COMPLETED_INVESTMENT,
    "investment.completed_wan": TargetIndicator.ANNUAL_INVESTMENT,
    "signed_cohort.landed_rate": TargetIndicator.LANDED_RATE,
    "signed_cohort.started_rate": TargetIndicator.STARTED_RATE,
    "signed_cohort.in_statistics_rate": TargetIndicator.IN_STATISTICS_RATE,
}


@dataclass(frozen=True)
class SchemeDefinition:
    """A scheme as assessed: from the database or from a YAML file."""

    name: str
    slug: str
    period_kind: str
    indicators: tuple[IndicatorSpec, ...]
    stored: Scheme | None = None  # the stored scheme (same slug) for manual scores

    @classmethod
    def of(cls, scheme) -> SchemeDefinition:
        if isinstance(scheme, SchemeDefinition):
            return scheme
        return cls(
            name=scheme.name,
            slug=scheme.slug,
            period_kind=scheme.period_kind,
            indicators=tuple(
                IndicatorSpec(i.key, i.label, i.weight, i.method, dict(i.params))
                for i in scheme.indicators.all()
            ),
            stored=scheme,
        )

    @classmethod
    def from_data(cls, data: dict, *, city=None) -> SchemeDefinition:
        """From a checked YAML dict (see :func:`schemes.scheme_data_from_yaml`)."""
        stored = Scheme.objects.filter(city=city, slug=data["slug"]).first() if city else None
        return cls(
            name=data["name"],
            slug=data["slug"],
            period_kind=data["period"],
            indicators=tuple(
                IndicatorSpec(
                    item["key"],
                    item["label"],
                    Decimal(str(item["weight"])),
                    item["method"],
                    indicator_params(item),
                )
                for item in data["indicators"]
            ),
            stored=stored,
        )


@dataclass
class Assessment:
    """The results of a scheme for a period: ``rows`` best first, as the command prints."""

    scheme: str
    period: str
    as_of: date
    rows: list[dict]
    figures: dict = field(default_factory=dict)
    published: bool = False
    published_at: str | None = None


def stored_result(*, scheme: Scheme, period: str) -> PublishedResult | None:
    return PublishedResult.objects.filter(scheme=scheme, period=period).first()


def scheme_from_yaml_text(text: str, *, city=None) -> SchemeDefinition:
    return SchemeDefinition.from_data(scheme_data_from_yaml(text), city=city)


# --- manual scores -------------------------------------------------------------------


def manual_unit_scores(*, indicator: Indicator, period: str) -> dict[str, Decimal]:
    """Each unit's manual score on ``indicator`` for ``period``: per project, the judges'
    mean after dropping one highest and one lowest score (when there are three or
    more judges), then the mean over the unit's projects. Keyed by unit code."""
    groups = (
        ManualScore.objects.filter(indicator=indicator, period=period)
        .values("unit__code", "project_id")
        .annotate(total=Sum("score"), top=Max("score"), low=Min("score"), n=Count("id"))
        .order_by()
    )
    per_unit: dict[str, list[Decimal]] = {}
    for g in groups:
        total, n = dec(g["total"]), g["n"]
        mean = (total - dec(g["top"]) - dec(g["low"])) / (n - 2) if n >= 3 else total / n
        per_unit.setdefault(g["unit__code"], []).append(mean)
    return {unit: sum(means, Decimal(0)) / len(means) for unit, means in per_unit.items()}


def manual_indicators(*, city, period_kind: str | None = None):
    """The manual indicators of the city's active schemes (where tours record scores)."""
    found = Indicator.objects.filter(
        scheme__city=city, scheme__active=True, method=Method.MANUAL
    ).select_related("scheme")
    if period_kind:
        found = found.filter(scheme__period_kind=period_kind)
    return found


# --- targets -------------------------------------------------------------------------


def cumulative_target(
    year_value: Decimal | None, quarters: dict[int, Decimal], period: Period, *, rate: bool
) -> Decimal | None:
    """The target a unit's year-to-date figure is measured against at the end of ``period``.

    Quarterly targets are for their quarter alone; the year-to-date target through month
    m sums the quarters before m's quarter and the elapsed share of that quarter. Without
    quarterly targets it is the annual target × m/12 (序时). A rate's target is the annual
    one (else the latest quarterly one up to the period).
    """
    month = period.last_month
    quarter = (month - 1) // 3 + 1
    if rate:
        if year_value is not None:
            return year_value
        known = [quarters[q] for q in sorted(quarters) if q <= quarter]
        return known[-1] if known else None
    if period.kind == "Y":
        if year_value is not None:
            return year_value
        return sum(quarters.values(), Decimal(0)) if len(quarters) == 4 else None
    if all(q in quarters for q in range(1, quarter + 1)):
        done = sum((quarters[q] for q in range(1, quarter)), Decimal(0))
        return done + quarters[quarter] * Decimal(month - 3 * (quarter - 1)) / 3
    if year_value is not None:
        return year_value * Decimal(month) / 12
    return None


def unit_targets(
    *, units, period: Period, indicators: dict[str, str], known_at: datetime | None = None
) -> dict:
    """``{unit_code: {figure_key: target}}`` for the target indicators named in
    ``indicators`` (figure key → unit-target indicator); ``known_at``: the targets as
    recorded at that moment (None: now)."""
    if not indicators:
        return {}
    periods = [str(period.year)] + [f"{period.year}Q{q}" for q in range(1, 5)]
    targets = UnitTarget.objects.all() if known_at is None else known_rows(UnitTarget, known_at)
    rows = targets.filter(
        unit__in=units, indicator__in=set(indicators.values()), period__in=periods
    ).values_list("unit__code", "period", "indicator", "value")
    found: dict[tuple[str, str], dict] = {}
    for unit, text, indicator, value in rows:
        slot = found.setdefault((unit, indicator), {"year": None, "quarters": {}})
        parsed = Period.parse(text)
        if parsed.kind == "Y":
            slot["year"] = value
        else:
            slot["quarters"][parsed.n] = value
    result: dict[str, dict] = {}
    for unit in units:
        for key, indicator in indicators.items():
            slot = found.get((unit.code, indicator))
            if slot is None:
                continue
            result.setdefault(unit.code, {})[key] = cumulative_target(
                slot["year"], slot["quarters"], period, rate=indicator.endswith("_rate")
            )
    return result


# --- the assessment ------------------------------------------------------------------


def _figures_source():
    # ballast.figures.selectors provides units_figures(*, city, year, as_of) and
    # figure_value(figures, key); imported late so this app loads without it.

    return units_figures, figure_value


def assess(
    *,
    scheme,
    period: str,
    as_of: date,
    city,
    figures: Callable | None = None,
    with_previous: bool = True,
) -> Assessment:
    """Score every assessment unit of ``city`` on ``scheme`` for ``period`` as of ``as_of``.

    ``scheme`` is a stored :class:`Scheme` or a :class:`SchemeDefinition` (a YAML file).
    For a stored scheme whose result for ``period`` is published, the published result
    is returned as stored. The change of rank uses the previous period's published result,
    else its computed one (as of the same lag: ``as_of`` moved back by one period).
    ``figures`` replaces the figure source (``(city, year, as_of) → {unit: {key: value}}``).
    """
    definition = SchemeDefinition.of(scheme)
    parsed = Period.parse(period)
    if PERIOD_KIND_OF[parsed.kind] != definition.period_kind:
        raise ValueError(f"方案“{definition.name}”的考核周期与期间“{period}”不符。")
    if definition.stored is not None and isinstance(scheme, Scheme):
        published = stored_result(scheme=definition.stored, period=str(parsed))
        if published is not None:
            return Assessment(
                scheme=definition.name,
                period=published.period,
                as_of=published.as_of,
                rows=published.results,
                figures=published.figures,
                published=True,
                published_at=published.published_at.isoformat(),
            )
    units = list(assessment_units(city))
    values = _figure_values(definition, city, parsed, as_of, units, figures)
    targets = _targets(definition, units, parsed, values)
    manual = _manual(definition, parsed)
    previous_ranks = None
    if with_previous:
        previous_ranks = _previous_ranks(scheme, definition, parsed, as_of, city, figures)
    results = evaluate(
        definition.indicators,
        [u.code for u in units],
        values,
        targets=targets,
        manual=manual,
        previous_ranks=previous_ranks,
    )
    names = {u.code: u.display_name for u in units}
    labels = {spec.key: spec.label for spec in definition.indicators}
    rows = [
        {
            "unit": r.unit,
            "unit_name": names[r.unit],
            "score": str(r.score),
            "rank": r.rank,
            "rank_change": r.rank_change,
            "indicators": {k: v.as_json(labels[k]) for k, v in r.indicators.items()},
        }
        for r in results
    ]
    used = {
        "values": _strings(values),
        "targets": _strings(targets),
        "manual": {k: {u: plain(v) for u, v in m.items()} for k, m in manual.items()},
    }
    return Assessment(definition.name, str(parsed), as_of, rows, used)


def _strings(nested: dict) -> dict:
    return {unit: {k: plain(v) for k, v in inner.items()} for unit, inner in nested.items()}


def _figure_values(definition, city, period, as_of, units, figures) -> dict:
    keys = {s.key for s in definition.indicators if s.method != Method.MANUAL}
    keys |= {
        s.params["target_key"]
        for s in definition.indicators
        if s.method == Method.TARGET_SHARE and "target_key" in s.params
    }
    if not keys:
        return {}
    if figures is None:
        units_figures, figure_value = _figures_source()
        data = units_figures(city=city, year=period.year, as_of=as_of)
        return {
            u.code: {
                k: dec(figure_value(data[u.code], k)) if u.code in data else None for k in keys
            }
            for u in units
        }
    data = figures(city=city, year=period.year, as_of=as_of)
    return {u.code: {k: dec((data.get(u.code) or {}).get(k)) for k in keys} for u in units}


def _targets(definition, units, period, values) -> dict:
    from_unit_targets = {}
    result: dict[str, dict] = {u.code: {} for u in units}
    for spec in definition.indicators:
        if spec.method != Method.TARGET_SHARE:
            continue
        if "target_value" in spec.params:
            for u in units:
                result[u.code][spec.key] = dec(spec.params["target_value"])
        elif "target_key" in spec.params:
            for u in units:
                result[u.code][spec.key] = values[u.code].get(spec.params["target_key"])
        else:
            indicator = spec.params.get("target") or DEFAULT_TARGETS.get(spec.key)
            if indicator:
                from_unit_targets[spec.key] = str(indicator)
    for unit, inner in unit_targets(
        units=units, period=period, indicators=from_unit_targets
    ).items():
        result[unit].update(inner)
    return result


def _manual(definition, period) -> dict:
    manual_keys = [s.key for s in definition.indicators if s.method == Method.MANUAL]
    if not manual_keys or definition.stored is None:
        return {}
    stored = {i.key: i for i in definition.stored.indicators.filter(key__in=manual_keys)}
    return {
        key: manual_unit_scores(indicator=indicator, period=str(period))
        for key, indicator in stored.items()
        if indicator.method == Method.MANUAL
    }


def _previous_ranks(scheme, definition, period, as_of, city, figures) -> dict | None:
    previous = period.previous()
    if isinstance(scheme, Scheme):
        published = stored_result(scheme=scheme, period=str(previous))
        if published is not None:
            return {row["unit"]: row["rank"] for row in published.results}
    earlier = assess(
        scheme=scheme,
        period=str(previous),
        as_of=add_months(as_of, -period.months),
        city=city,
        figures=figures,
        with_previous=False,
    )
    return {row["unit"]: row["rank"] for row in earlier.rows}


def scheme_lookup(*, city, text: str):
    """A stored scheme by slug or name, else a YAML file path; raises ValueError."""
    from pathlib import Path

    stored = Scheme.objects.filter(city=city, slug=text).first() or (
        Scheme.objects.filter(city=city, name=text).first()
    )
    if stored is not None:
        return stored
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"无法读取方案文件“{text}”：{exc.strerror}") from exc
        return scheme_from_yaml_text(content, city=city)
    raise ValueError(f"找不到考核方案“{text}”（既不是已导入的方案，也不是 YAML 文件）。")


def scheme_document(scheme: Scheme) -> dict:
    return yaml.safe_load(scheme_export(scheme))


# --- rankings (the pages' and the cockpit's) ----------------------------------------

PERIOD_OF_KIND = {"quarter": "Q", "half": "H", "year": "Y", "two_month": "B", "month": "M"}


def schemes_of(user, city: Region):
    """The city's active assessment schemes ``user`` may read (a campaign round's scheme
    is read on its round's page, not on the rankings of periods)."""
    return (
        Scheme.objects.restrict(user)
        .filter(city=city, active=True)
        .exclude(period_kind=PeriodKind.ROUND)
        .prefetch_related("indicators")
        .order_by("name")
    )


def default_scheme(schemes):
    """The 季度比 scheme when there is one, else the first."""
    schemes = list(schemes)
    for scheme in schemes:
        if scheme.period_kind == "quarter":
            return scheme
    return schemes[0] if schemes else None


def period_for(scheme: Scheme, as_of: date) -> Period:
    """The scheme's period holding ``as_of`` (e.g. 2026Q4 for a quarterly scheme)."""
    kind = PERIOD_OF_KIND.get(scheme.period_kind, "Q")
    months = {"Y": 12, "H": 6, "Q": 3, "B": 2, "M": 1}[kind]
    n = (as_of.month - 1) // months + 1
    if kind == "Y":
        return Period.parse(str(as_of.year))
    if kind == "M":
        return Period.parse(f"{as_of.year}-{as_of.month:02d}")
    return Period.parse(f"{as_of.year}{kind}{n}")


def ranking(
    *, user, city: Region, as_of: date, scheme=None, period=None, highlight=None, figures=None
):
    """The assessment of ``scheme`` (default: the 季度比) for ``period`` (default: the one
    holding ``as_of``): the published result if any, else computed as of ``as_of``."""
    schemes = schemes_of(user, city)
    scheme = scheme or default_scheme(schemes)
    if scheme is None:
        return None
    period = period or period_for(scheme, as_of)
    result = assess(scheme=scheme, period=str(period), as_of=as_of, city=city, figures=figures)
    for row in result.rows:
        change = row.get("rank_change")
        row["move"] = "up" if change and change > 0 else ("down" if change and change < 0 else "")
        row["move_abs"] = abs(change) if change else 0
        row["is_highlight"] = highlight is not None and row["unit"] == highlight.code
    return {"scheme": scheme, "period": str(period), "result": result}


def rank_history(*, user, scheme: Scheme, limit: int = 8) -> list[dict]:
    """Ranks of every unit in the scheme's last ``limit`` published results, oldest first."""
    published = list(
        PublishedResult.objects.restrict(user)
        .filter(scheme=scheme)
        .order_by("-period")
        .values("period", "results")[:limit]
    )
    published.reverse()
    return [
        {"period": p["period"], "ranks": {r["unit"]: r["rank"] for r in p["results"]}}
        for p in published
    ]


# --- 亩均 -------------------------------------------------------------------------------------


def efficiency_schemes(city: Region) -> list[EfficiencyScheme]:
    """The 亩均 schemes of ``city``: its stored ones, then the shipped ones it has not
    stored (unsaved, as the ``mujun`` command uses them), shipped order first."""
    stored = {s.slug: s for s in EfficiencyScheme.objects.filter(city=city).order_by("name")}
    shipped = [data["slug"] for data in default_efficiency_schemes()]
    found = [stored[slug] for slug in shipped if slug in stored]
    found += [s for slug, s in stored.items() if slug not in shipped]
    found += [
        efficiency_scheme_from_dict(data, city=city)
        for data in default_efficiency_schemes()
        if data["slug"] not in stored
    ]
    return found


def mujun_projects(user, city: Region):
    """The industrial projects of ``city`` that ``user`` may see (亩均论英雄 evaluates
    industrial projects only)."""
    return Project.objects.restrict(user).filter(within("unit", city), category=Category.INDUSTRIAL)


def mujun_years(city: Region) -> list[int]:
    """The years with 亩均 data in ``city``, latest first."""
    return list(
        EfficiencyRecord.objects.filter(within("project__unit", city))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def mujun_rows(
    *, user, city: Region, year: int, scheme: EfficiencyScheme, as_of: date | None = None
):
    """亩均评价 of ``year`` as ``user`` may read it: the city's industrial projects are
    evaluated and classed together (A is the city's top 25%, whoever looks), and the rows
    of the projects ``user`` may see are returned, each with its unit's name and the
    enterprise (投资主体) added. ``as_of`` (the production status date) defaults to the
    year's end."""
    as_of = as_of or date(year, 12, 31)
    everyone = Project.objects.filter(within("unit", city), category=Category.INDUSTRIAL)
    rows = mujun_evaluation(projects=everyone, year=year, as_of=as_of, scheme=scheme)
    seen = dict(mujun_projects(user, city).values_list("pk", "investor"))
    names = {u.code: u.display_name for u in assessment_units(city)}
    return [
        {
            **row,
            "unit_name": names.get(row["unit"], row["unit"]),
            "investor": seen[row["project_id"]],
        }
        for row in rows
        if row["project_id"] in seen
    ]
