"""亩均论英雄: the per-project evaluation of producing industrial projects.

Each indicator (tax per 亩, value added per unit of energy …) is computed by the
database from the project's :class:`EfficiencyRecord` of the year, divided by the
scheme's benchmark (or the benchmark by the value, for a lower-is-better indicator),
capped, and weighted:

    score = Σ weight × min(indicator / benchmark, cap)

Projects in production as of the date (and not terminated) are ranked and classed
A/B/C/D by the scheme's cut-offs; the others are evaluated but not graded.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Rank, Round

from ballast.assessments.choices import (
    DEFAULT_CLASS_CUTOFFS,
    EFFICIENCY_RATIOS,
    Direction,
    EfficiencyClass,
    EfficiencyIndicator,
)
from ballast.assessments.models import EfficiencyRecord, EfficiencyScheme
from ballast.projects.choices import Stage
from ballast.projects.selectors import reached_by, terminated_q

DATA_DIR = Path(__file__).resolve().parent / "data"
MUJUN_DEFAULTS_FILE = DATA_DIR / "mujun_schemes.yaml"
UNDER_CONSTRUCTION = "在建未投产，参评不分类"
TERMINATED = "已终止，参评不分类"


def _float(name: str):
    return Cast(F(name), FloatField())


def _value_expression(key: str):
    """The indicator's value for a record, NULL when its denominator is missing or 0."""
    numerator, denominator = EFFICIENCY_RATIOS[EfficiencyIndicator(key)]
    den_field = "land_mu" if denominator == "land" else denominator
    return Case(
        When(
            Q(**{f"{den_field}__gt": 0}) & Q(**{f"{numerator}__isnull": False}),
            then=_float(numerator) / _float(den_field),
        ),
        default=Value(None, output_field=FloatField()),
        output_field=FloatField(),
    )


def _half_up(value, places: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def class_boundaries(graded: int, cutoffs: dict[str, Decimal]) -> dict[str, int]:
    """The last rank of classes A, B and C among ``graded`` projects.

    Each boundary is graded × cumulative share, rounded half up: 20 projects with the
    default 25/70/95% give A = ranks 1–5, B = 6–14, C = 15–19, D = 20.
    """
    return {
        cls: int((graded * cutoffs[cls]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for cls in ("A", "B", "C")
    }


def class_of(rank: int, boundaries: dict[str, int]) -> str:
    for cls in ("A", "B", "C"):
        if rank <= boundaries[cls]:
            return cls
    return EfficiencyClass.D.value


def mujun_evaluation(
    *, projects: QuerySet, year: int, as_of: date, scheme: EfficiencyScheme
) -> list[dict]:
    """亩均评价 of ``projects`` that have an efficiency record for ``year``.

    Returns one row per project, graded projects first by rank, then the ungraded by
    score: ``project_id, project_code, project, unit, land_mu, indicators{key: {value,
    ratio, points}}, score, graded, rank, class, flag``. Numbers are decimal strings.
    """
    cap = float(scheme.cap)
    records = (
        EfficiencyRecord.objects.filter(project__in=projects, year=year)
        .select_related("project__unit")
        .annotate(land_mu=Coalesce("land_area", "project__land_area"))
    )
    point_names = []
    for item in scheme.indicators:
        key = item["key"]
        benchmark = float(Decimal(str(item["benchmark"])))
        weight = float(Decimal(str(item["weight"])))
        records = records.annotate(**{f"v_{key}": _value_expression(key)})
        if item.get("direction", Direction.HIGHER) == Direction.LOWER:
            ratio = Case(
                When(**{f"v_{key}__gt": 0}, then=Value(benchmark) / F(f"v_{key}")),
                default=Value(None, output_field=FloatField()),
                output_field=FloatField(),
            )
        else:
            ratio = F(f"v_{key}") / Value(benchmark)
        records = records.annotate(**{f"r_{key}": ratio})
        capped = Case(
            When(**{f"r_{key}__gt": cap}, then=Value(cap)),
            When(**{f"r_{key}__isnull": False}, then=F(f"r_{key}")),
            default=Value(0.0),
            output_field=FloatField(),
        )
        records = records.annotate(**{f"p_{key}": Round(Value(weight) * capped, 2)})
        point_names.append(f"p_{key}")
    total = Value(0.0, output_field=FloatField())
    for name in point_names:
        total = total + F(name)
    records = records.annotate(
        score=Round(total, 2),
        graded=ExpressionWrapper(
            Q(reached_by(Stage.IN_PRODUCTION, as_of, prefix="project__"))
            & ~terminated_q(as_of, prefix="project__"),
            output_field=BooleanField(),
        ),
        terminated=ExpressionWrapper(
            terminated_q(as_of, prefix="project__"), output_field=BooleanField()
        ),
    ).annotate(
        rank=Window(Rank(), partition_by=[F("graded")], order_by=F("score").desc()),
    )
    rows = list(records.order_by("-graded", "rank", "project__name", "project_id"))
    graded_count = sum(1 for r in rows if r.graded)
    boundaries = class_boundaries(graded_count, scheme.cutoffs)
    result = []
    for record in rows:
        indicators = {
            item["key"]: {
                "value": _str(_half_up(getattr(record, f"v_{item['key']}"), "0.0001")),
                "ratio": _str(_half_up(getattr(record, f"r_{item['key']}"), "0.0001")),
                "points": _str(_half_up(getattr(record, f"p_{item['key']}"), "0.01")),
            }
            for item in scheme.indicators
        }
        graded = bool(record.graded)
        flag = ""
        if not graded:
            flag = TERMINATED if record.terminated else UNDER_CONSTRUCTION
        result.append(
            {
                "project_id": record.project_id,
                "project_code": record.project.code,
                "project": record.project.name,
                "unit": record.project.unit.code,
                "land_mu": _str(_half_up(record.land_mu, "0.01")),
                "indicators": indicators,
                "score": _str(_half_up(record.score, "0.01")),
                "graded": graded,
                "rank": record.rank if graded else None,
                "class": class_of(record.rank, boundaries) if graded else None,
                "flag": flag,
            }
        )
    return result


def _str(value) -> str | None:
    return None if value is None else str(value)


def default_efficiency_schemes() -> list[dict]:
    """The shipped 亩均 schemes (DOMAIN.md's two published weightings)."""
    return yaml.safe_load(MUJUN_DEFAULTS_FILE.read_text(encoding="utf-8"))["schemes"]


def efficiency_scheme_from_dict(data: dict, *, city=None) -> EfficiencyScheme:
    """An unsaved scheme from a dict of the YAML format (validated)."""
    scheme = EfficiencyScheme(
        city=city,
        name=data["name"],
        slug=data["slug"],
        description=data.get("description", ""),
        indicators=[
            {
                "key": item["key"],
                "weight": str(item["weight"]),
                "benchmark": str(item["benchmark"]),
                "direction": item.get("direction", Direction.HIGHER),
            }
            for item in data["indicators"]
        ],
        cap=Decimal(str(data.get("cap", "1.2"))),
        class_cutoffs={
            k: str(v)
            for k, v in {**DEFAULT_CLASS_CUTOFFS, **(data.get("class_cutoffs") or {})}.items()
        },
    )
    return scheme
