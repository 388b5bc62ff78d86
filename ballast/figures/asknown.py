"""The figures' raw sums as known at a moment K (按知悉时点取数).

The same additive sums per unit as ``selectors._raw_sums`` — new stage events, the signed
cohort and its size classes, annual plans and their curves, 竣工投产, accepted reports,
达产达效, targets — but every fact read from the history tables as it was recorded at K
(``ballast.core.known``): a project's unit, category and total investment, its stage
events, its annual plans and their monthly curves, the units' targets and the monthly
reports (counted only when accepted as known at K, with the amount known at K, so an
amendment recorded after K is undone). A project not recorded by K, or deleted by K, is
left out.

One grouped query per kind, like the current path; the current path itself (K = now)
stays in ``selectors.py`` unchanged and may read PostgreSQL's trigger-maintained facts,
which only ever hold the current knowledge.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from ballast.core.known import known_field, known_rows
from ballast.core.periods import add_months, month_start
from ballast.projects.choices import CATEGORIES_WITHOUT_PRODUCTION, Stage, stages_from
from ballast.projects.models import (
    AnnualPlan,
    PlanMonth,
    Project,
    StageEvent,
    UnitTarget,
    size_class_expression,
)
from ballast.reports.models import MonthlyReport, counted_q

MONEY = DecimalField(max_digits=18, decimal_places=2)


def project_field(field: str, known_at: datetime, *, ref: str = "project_id", output_field=None):
    """The project's ``field`` (id ``OuterRef(ref)``) as known at ``known_at``."""
    return known_field(
        Project, field, known_at, ref=ref, output_field=output_field or IntegerField()
    )


def reached_by_known(stage: str, as_of: date, known_at: datetime, *, ref: str = "project_id"):
    """``projects.selectors.reached_by`` as known at ``known_at``: the project had a stage
    event of ``stage`` or a later stage dated on or before ``as_of``, recorded by then."""
    return Exists(
        known_rows(StageEvent, known_at).filter(
            project_id=OuterRef(ref), stage__in=stages_from(stage), date__lte=as_of
        )
    )


def _with_project(rows, known_at: datetime, *, ref: str = "project_id"):
    """``rows`` (history rows pointing at a project) with the project's unit and total
    investment as known at ``known_at`` (``k_unit``, ``k_total``)."""
    return rows.annotate(
        k_unit=project_field("unit_id", known_at, ref=ref),
        k_total=project_field("total_investment", known_at, ref=ref, output_field=MONEY),
    )


def new_events(unit_ids, windows, new_stages, known_at: datetime, out) -> None:
    """New stage events per unit, stage and window (``(first, last, tags)`` as in
    ``selectors._raw_new_events``: a tag's condition is None or the quarter's start)."""
    for first, last, tags in windows:
        annotations = {}
        for tag, since in tags.items():
            condition = Q(date__gte=since) if since is not None else None
            annotations[f"{tag}_n"] = Count("history_id", filter=condition)
            annotations[f"{tag}_inv"] = Sum("k_total", filter=condition)
        rows = (
            _with_project(
                known_rows(StageEvent, known_at).filter(
                    stage__in=new_stages, date__gte=first, date__lte=last
                ),
                known_at,
            )
            .filter(k_unit__in=unit_ids)
            .order_by()
            .values("k_unit", "stage")
            .annotate(**annotations)
        )
        for row in rows:
            sums = out[row["k_unit"]]
            for tag in tags:
                sums[f"{tag}.{row['stage']}.count"] += row[f"{tag}_n"]
                sums[f"{tag}.{row['stage']}.inv"] += row[f"{tag}_inv"] or 0


def signed_cohort(unit_ids, year: int, as_of: date, cohort_stages, known_at: datetime, out):
    """The signed cohort, its stages and size classes, as known at ``known_at``."""
    annotations = {"n": Count("history_id"), "inv": Sum("k_total")}
    for stage in cohort_stages:
        annotations[stage.value] = Count(
            "history_id", filter=Q(reached_by_known(stage, as_of, known_at))
        )
    rows = (
        _with_project(
            known_rows(StageEvent, known_at).filter(
                stage=Stage.SIGNED,
                date__gte=date(year, 1, 1),
                date__lte=min(as_of, date(year, 12, 31)),
            ),
            known_at,
        )
        .filter(k_unit__in=unit_ids)
        .order_by()
        .values("k_unit", size=size_class_expression("k_total"))
        .annotate(**annotations)
    )
    for row in rows:
        sums = out[row["k_unit"]]
        sums["cohort.count"] += row["n"]
        sums["cohort.inv"] += row["inv"] or 0
        for stage in cohort_stages:
            sums[f"cohort.{stage.value}"] += row[stage.value]
        sums[f"size.{row['size']}.count"] += row["n"]
        sums[f"size.{row['size']}.inv"] += row["inv"] or 0


def _curve_to(month: int, known_at: datetime, *, ref: str = "id"):
    """Subquery: a plan's monthly curve summed to ``month`` as known at ``known_at``; NULL
    when the plan had no curve then."""
    rows = (
        known_rows(PlanMonth, known_at)
        .filter(plan_id=OuterRef(ref), month__lte=month)
        .order_by()
        .values("plan_id")
        .annotate(total=Coalesce(Sum("planned_investment"), Decimal(0), output_field=MONEY))
        .values("total")
    )
    return Subquery(rows, output_field=MONEY)


def _has_curve(known_at: datetime, *, ref: str = "id"):
    return Exists(known_rows(PlanMonth, known_at).filter(plan_id=OuterRef(ref)))


def plans(unit_ids, year: int, as_of: date, prev_year: int, m: int, known_at: datetime, out):
    """Annual plans of this and last year, the plan-weighted 序时进度 and 竣工投产, as known
    at ``known_at`` (plans, their curves, the projects' units, categories and stages)."""
    completed = Q(reached_by_known(Stage.COMPLETED, as_of, known_at))
    producing = Q(k_category__in=CATEGORIES_WITHOUT_PRODUCTION) | Q(
        reached_by_known(Stage.IN_PRODUCTION, as_of, known_at)
    )
    planned_completion = Q(year=year, completion_month__isnull=False)
    rows = (
        known_rows(AnnualPlan, known_at)
        .filter(year__in=(year, prev_year))
        .annotate(
            k_unit=project_field("unit_id", known_at),
            k_category=project_field("category", known_at, output_field=CharField()),
            k_has_curve=_has_curve(known_at),
            k_curve=_curve_to(m, known_at),
        )
        .filter(k_unit__in=unit_ids)
        .order_by()
        .values("k_unit", "year")
        .annotate(
            n=Count("history_id"),
            plan=Sum("planned_investment"),
            plan_without_curve=Sum("planned_investment", filter=Q(k_has_curve=False)),
            curve=Sum("k_curve", filter=Q(k_has_curve=True)),
            cp_planned=Count("history_id", filter=planned_completion),
            cp_done=Count("history_id", filter=planned_completion & completed & producing),
        )
    )
    for row in rows:
        sums = out[row["k_unit"]]
        tag = "plan" if row["year"] == year else "prev_plan"
        sums[f"{tag}.count"] += row["n"]
        sums[f"{tag}.inv"] += row["plan"] or 0
        if row["year"] == year:
            sums["plan.weighted_progress"] += Decimal(row["plan_without_curve"] or 0) * Decimal(
                m
            ) / Decimal(12) + Decimal(row["curve"] or 0)
            sums["cp.planned"] += row["cp_planned"]
            sums["cp.done"] += row["cp_done"]


def reports(unit_ids, windows, known_at: datetime, out) -> None:
    """Accepted investment of projects with an annual plan for the report's year, as known
    at ``known_at``: each window ``(plan_year, first, last, tag, quarter_start)``."""
    for plan_year, first, last, tag, quarter_start in windows:
        annotations = {"total": Sum("investment")}
        if quarter_start is not None:
            annotations["quarter"] = Sum("investment", filter=Q(month__gte=quarter_start))
        planned = known_rows(AnnualPlan, known_at).filter(
            project_id=OuterRef("project_id"), year=plan_year
        )
        rows = (
            known_rows(MonthlyReport, known_at)
            .filter(counted_q(), month__gte=first, month__lte=last)
            .filter(Exists(planned))
            .annotate(k_unit=project_field("unit_id", known_at))
            .filter(k_unit__in=unit_ids)
            .order_by()
            .values("k_unit")
            .annotate(**annotations)
        )
        for row in rows:
            sums = out[row["k_unit"]]
            sums[tag] += row["total"] or 0
            if "quarter" in row:
                sums["reports.quarter"] += row["quarter"] or 0


def capacity(unit_ids, as_of: date, known_at: datetime, out) -> None:
    """达产达效 as known at ``known_at`` (``selectors._raw_capacity``)."""
    year_before = add_months(as_of, -12)
    at_capacity = Exists(
        known_rows(StageEvent, known_at).filter(
            project_id=OuterRef("project_id"), stage=Stage.AT_CAPACITY, date__lte=as_of
        )
    )
    rows = (
        known_rows(StageEvent, known_at)
        .filter(stage__in=stages_from(Stage.IN_PRODUCTION), date__lte=year_before)
        .annotate(k_unit=project_field("unit_id", known_at))
        .filter(k_unit__in=unit_ids)
        .order_by()
        .values("k_unit")
        .annotate(
            n=Count("project_id", distinct=True),
            done=Count("project_id", distinct=True, filter=Q(at_capacity)),
        )
    )
    for row in rows:
        sums = out[row["k_unit"]]
        sums["cap.eligible"] += row["n"]
        sums["cap.done"] += row["done"]


def targets(unit_ids, year: int, quarter, known_at: datetime, out) -> None:
    """The units' targets of the year and the quarter as known at ``known_at``."""
    rows = (
        known_rows(UnitTarget, known_at)
        .filter(unit_id__in=unit_ids, period__in=(str(year), str(quarter)))
        .values_list("unit_id", "period", "indicator", "value")
    )
    for unit_id, period, indicator, value in rows:
        tag = "target" if period == str(year) else "qtarget"
        sums = out[unit_id]
        sums[f"{tag}.{indicator}"] += value
        sums[f"{tag}.{indicator}.n"] += 1


def raw_sums(
    unit_ids, *, year, as_of, elapsed, quarter, new_stages, cohort_stages, known_at, out
) -> None:
    """Every raw sum of ``selectors._raw_sums`` as known at ``known_at`` into ``out``."""
    prev_year = year - 1
    prev_as_of = add_months(as_of, -12)
    new_events(
        unit_ids,
        (
            (
                date(year, 1, 1),
                min(as_of, date(year, 12, 31)),
                {"new": None, "quarter": quarter.start},
            ),
            (date(prev_year, 1, 1), min(prev_as_of, date(prev_year, 12, 31)), {"prev": None}),
        ),
        new_stages,
        known_at,
        out,
    )
    reports(
        unit_ids,
        (
            (
                year,
                date(year, 1, 1),
                min(month_start(as_of), date(year, 12, 1)),
                "reports.ytd",
                quarter.start,
            ),
            (
                prev_year,
                date(prev_year, 1, 1),
                min(month_start(prev_as_of), date(prev_year, 12, 1)),
                "reports.prev_ytd",
                None,
            ),
        ),
        known_at,
        out,
    )
    signed_cohort(unit_ids, year, as_of, cohort_stages, known_at, out)
    plans(unit_ids, year, as_of, prev_year, elapsed, known_at, out)
    capacity(unit_ids, as_of, known_at, out)
    targets(unit_ids, year, quarter, known_at, out)
