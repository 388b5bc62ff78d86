"""Where a bulletin's figures come from.

A bulletin computes no figure of its own: each comes from the selector that owns it
(``figures.selectors``, ``figures.integrity``, ``alerts.selectors``, ``assessments``,
``coordination``, ``attraction.selectors``). This
module is the one place that calls them and turns their answers into plain values, so
the composer (``selectors.py``) reads like the bulletin and a change in a figure
selector's shape is absorbed here.

The assessment ranking is optional: a city without an active scheme for the period's
kind gets a bulletin without the ranking section (``available["assessment"]`` false).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from ballast.alerts.choices import SiteCheckStatus
from ballast.alerts.models import SiteCheck
from ballast.alerts.selectors import warnings_as_of
from ballast.assessments.choices import PERIOD_KIND_OF
from ballast.assessments.models import Scheme
from ballast.assessments.selectors import assess, unit_targets
from ballast.attraction.selectors import attraction_figures, city_leads
from ballast.coordination.models import Issue
from ballast.coordination.selectors import issue_figures, issue_totals
from ballast.core.known import known_rows
from ballast.core.periods import Period
from ballast.figures import selectors as figures
from ballast.figures.asknown import reached_by_known
from ballast.figures.integrity import integrity
from ballast.figures.registry import COUNT, FIGURES, MONEY
from ballast.figures.selectors import (
    flatten,
    same_day_last_year,
    unit_figures,
    with_investment_progress,
)
from ballast.projects.choices import Stage
from ballast.projects.models import AnnualPlan, Project, StageEvent, Termination
from ballast.projects.selectors import batches, reached_by, terminated_q
from ballast.regions.models import Region, within
from ballast.regions.services import assessment_units

logger = logging.getLogger(__name__)

NEW_KINDS = ("signed", "started", "completed", "in_production")
COHORT_KINDS = ("landed", "started", "in_statistics")


__all__ = ["same_day_last_year"]  # the figures' own rule, re-exported for the composer


def units_of(city: Region):
    return assessment_units(city)


# --- unit figures -----------------------------------------------------------------------


def units_figures(
    *, city: Region, year: int, as_of: date, known_at: datetime | None = None
) -> dict[str, dict]:
    """Each unit's figures for ``year`` as of ``as_of`` (``figures.selectors``), as known
    at ``known_at`` (None: now)."""
    return figures.units_figures(city=city, year=year, as_of=as_of, known_at=known_at)


def scope_figures(
    *,
    city: Region,
    unit: Region | None,
    year: int,
    as_of: date,
    known_at: datetime | None = None,
) -> dict:
    """The figures of the bulletin's scope: the city (sums of its units) or one unit."""

    return unit_figures(unit=unit or city, year=year, as_of=as_of, known_at=known_at)


def _dec(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


BULLETIN_FIGURES = (
    *(f"new.{stage}.{what}" for stage in NEW_KINDS for what in ("count", "investment_wan")),
    "signed_cohort.count",
    *(f"signed_cohort.{stage}" for stage in COHORT_KINDS),
    *(f"signed_cohort.{stage}_rate" for stage in COHORT_KINDS),
    "investment.annual_plan_wan",
    "investment.completed_wan",
    "investment.completion_rate",
    "investment.time_progress",
    "investment.time_progress_gap",
)
"""The figures a bulletin's sentences and tables read, by their registry keys."""


def normalise(figures: dict) -> dict:
    """The figures a bulletin uses (:data:`BULLETIN_FIGURES`) of one unit's figures, flat by
    their registry keys: counts as ints, money as Decimals (0 when missing), rates as they
    are (None when there is no base)."""
    flat = flatten(figures) if figures else {}
    row = {}
    for key in BULLETIN_FIGURES:
        value, kind = flat.get(key), FIGURES[key].kind
        if kind == COUNT:
            value = int(value or 0)
        elif kind == MONEY:
            value = _dec(value)
        row[key] = value
    return row


# --- targets ----------------------------------------------------------------------------


TARGET_INDICATORS = {
    indicator: indicator
    for stage in ("signed", "started", "completed")
    for indicator in (f"{stage}_count", f"{stage}_investment")
}
"""The targets a bulletin compares with, keyed by their indicator (``TargetIndicator``)."""


def targets_to(
    *, units, period: Period, known_at: datetime | None = None
) -> dict[str, dict[str, Decimal]]:
    """Each unit's target for its year-to-date figures at the end of ``period`` (unit code
    → key → value), as the assessments measure them (``assessments.selectors.
    unit_targets``): the quarters' targets up to the period (2023H1: Q1 + Q2), the annual
    target at the year's end, else the annual target × m/12. No entry: no target."""

    return unit_targets(
        units=list(units), period=period, indicators=TARGET_INDICATORS, known_at=known_at
    )


# --- projects: the largest started, the most lagging, next period's tasks ----------------


def _city_projects(city: Region, unit: Region | None, known_at: datetime | None = None):
    """The scope's projects; given ``known_at``, their history rows as known then (same
    field names: code, name, unit, total_investment …; matched by ``id``)."""
    projects = (
        Project.objects.all() if known_at is None else known_rows(Project, known_at)
    ).filter(within("unit", city))
    if unit is not None:
        projects = projects.filter(unit=unit)
    return projects


def largest_started(
    *,
    city,
    unit,
    period: Period,
    as_of: date,
    limit: int = 10,
    known_at: datetime | None = None,
) -> list[dict]:
    """The ``limit`` largest projects started from the year's start to ``as_of`` (红榜)."""
    year_span = Period(period.year, "Y")
    if known_at is None:
        started = batches(
            projects=_city_projects(city, unit), period=year_span, as_of=as_of
        ).started
    else:
        started = _city_projects(city, unit, known_at).filter(
            Exists(
                known_rows(StageEvent, known_at).filter(
                    project_id=OuterRef("id"),
                    stage=Stage.STARTED,
                    date__gte=year_span.start,
                    date__lte=min(year_span.end, as_of),
                )
            )
        )
    return list(
        started.order_by("-total_investment", "id").values(
            "code", "name", "unit__code", "unit__name", "total_investment"
        )[:limit]
    )


def most_lagging(
    *, city, unit, year: int, as_of: date, limit: int = 10, known_at: datetime | None = None
) -> list[dict]:
    """Projects with an annual plan whose year-to-date completion rate is behind their
    序时进度 (``figures.selectors.with_investment_progress``), the largest shortfall first
    (黑榜): shortfall = plan × 序时进度 − completed (万元), so a large project a few points
    behind outranks a small one far behind."""

    rows = (
        with_investment_progress(
            _city_projects(city, unit, known_at),
            year=year,
            as_of=as_of,
            city=city,
            known_at=known_at,
        )
        .filter(annual_plan_wan__gt=0, completion_rate__lt=F("time_progress"))
        .values(
            "code",
            "name",
            "unit__code",
            "unit__name",
            "total_investment",
            "annual_plan_wan",
            "ytd_investment_wan",
            "completion_rate",
            "time_progress",
        )
    )
    # Ordered here in exact Decimals, on the projects behind schedule only.
    behind = [
        {
            **r,
            "gap": r["time_progress"] - r["ytd_investment_wan"] / r["annual_plan_wan"],
            "shortfall_wan": r["annual_plan_wan"] * r["time_progress"] - r["ytd_investment_wan"],
        }
        for r in rows
    ]
    behind.sort(key=lambda r: (-r["shortfall_wan"], -r["gap"], r["name"]))
    return behind[:limit]


def planned_in(
    *, city, unit, period: Period, as_of: date, known_at: datetime | None = None
) -> list[dict]:
    """Projects planned to start or complete within ``period`` that had not done so by
    ``as_of``: by their annual plan's month or, without one, their planned date. Given
    ``known_at``: the projects, plans, stages and terminations as recorded then."""
    months = list(range(period.first_month, period.last_month + 1))
    projects = _city_projects(city, unit, known_at)
    plans = AnnualPlan.objects.all() if known_at is None else known_rows(AnnualPlan, known_at)
    rows = []
    for task, stage, month_field, date_field in (
        ("start", Stage.STARTED, "start_month", "planned_start"),
        ("complete", Stage.COMPLETED, "completion_month", "planned_completion"),
    ):
        planned_month = plans.filter(project_id=OuterRef("id"), year=period.year).values(
            month_field
        )[:1]
        if known_at is None:
            reached, terminated = reached_by(stage, as_of), terminated_q(as_of)
        else:
            reached = reached_by_known(stage, as_of, known_at, ref="id")
            terminated = Exists(
                known_rows(Termination, known_at).filter(
                    project_id=OuterRef("id"), terminated_on__lte=as_of
                )
            )
        found = (
            projects.annotate(plan_month=Subquery(planned_month))
            .filter(
                Q(plan_month__in=months)
                | Q(
                    plan_month__isnull=True,
                    **{f"{date_field}__gte": period.start, f"{date_field}__lte": period.end},
                )
            )
            .exclude(reached)
            .exclude(terminated)
            .values(
                "code",
                "name",
                "unit__code",
                "unit__name",
                "unit__sort_order",
                "total_investment",
                "plan_month",
                date_field,
            )
        )
        for r in found:
            month = r["plan_month"] or r[date_field].month
            rows.append({**r, "task": task, "month": month})
    rows.sort(
        key=lambda r: (
            r["unit__sort_order"],
            r["unit__code"],
            r["task"],
            r["month"],
            -r["total_investment"],
        )
    )
    return rows


# --- attraction ---------------------------------------------------------------------------


def attraction(*, city: Region, unit: Region | None, year: int, as_of: date) -> dict | None:
    """The attraction figures (``attraction.selectors.attraction_figures``) of the city's
    or the unit's leads from 1 January to ``as_of``: the funnel, the signed by channel,
    cluster, size class and unit. None when there is no lead (no section then)."""
    leads = city_leads(city)
    if unit is not None:
        leads = leads.filter(unit=unit)
    found = attraction_figures(leads=leads, start=date(year, 1, 1), end=as_of)
    return found if found["funnel"][0]["count"] else None


# --- warnings, assessment, coordination --------------------------------------------------


def warnings(*, city, unit, as_of: date, known_at: datetime | None = None) -> list | None:

    return warnings_as_of(projects=_city_projects(city, unit), as_of=as_of, known_at=known_at)


def assessment(
    *, city, period: Period, as_of: date, known_at: datetime | None = None
) -> list[dict] | None:
    """The ranking of the city's active assessment scheme for ``period``'s kind (季度比、
    半年评、年度考): rows ``{unit, unit_name, score, rank, rank_change}`` best first (the
    published result when there is one). None when the city has no such scheme."""

    scheme = (
        Scheme.objects.filter(city=city, period_kind=PERIOD_KIND_OF[period.kind], active=True)
        .order_by("id")
        .first()
    )
    if scheme is None:
        logger.info(
            "%s没有%s考核方案，通报不含考核排名。", city.name, PERIOD_KIND_OF[period.kind].label
        )
        return None
    source = None
    if known_at is not None:  # the units' figures as known at K (the scheme itself: now)

        def source(*, city, year, as_of):
            every = figures.units_figures(city=city, year=year, as_of=as_of, known_at=known_at)
            return {code: figures.flatten(one) for code, one in every.items()}

    result = assess(scheme=scheme, period=str(period), as_of=as_of, city=city, figures=source)
    return [
        {
            "unit": row["unit"],
            "unit_name": row.get("unit_name"),
            "score": row["score"],
            "rank": row["rank"],
            "rank_change": row.get("rank_change"),
        }
        for row in result.rows
    ] or None


def open_issues(*, city, unit, as_of: date) -> dict:
    """Coordination issues of the scope as of ``as_of`` by responsible department
    (``coordination.selectors.issue_figures``): open, overdue and closed counts."""

    issues = Issue.objects.filter(project__in=_city_projects(city, unit))
    groups = issue_figures(issues=issues, as_of=as_of, by="department")
    totals = issue_totals(issues=issues, as_of=as_of)
    return {
        "by_department": [
            {"department": g.label, "open": g.open, "overdue": g.overdue, "closed": g.closed}
            for g in sorted(groups, key=lambda g: (-g.open, -g.overdue, g.label))
            if g.open or g.overdue
        ],
        "raised": totals.raised,
        "open": totals.open,
        "overdue": totals.overdue,
        "closed": totals.closed,
    }


# --- overruns against the baseline ----------------------------------------------------------

_OVERRUN_VALUES = (
    "code",
    "name",
    "unit__code",
    "unit__name",
    "delay_bucket",
    "time_overrun_months",
    "baseline_completion_on",
    "forecast_completion_on",
    "cost_overrun_wan",
)


def overruns(*, city, unit, as_of: date) -> dict:
    """The scope's overruns against the baseline as of ``as_of`` (``figures.selectors``:
    :func:`overrun_summary`, :func:`late_projects`, :func:`new_delays`): the summary, the
    late projects (longest delay first) and the new delays since last month-end (with
    last month-end's delay in ``previous_overrun_months``)."""

    projects = _city_projects(city, unit)
    return {
        "summary": figures.overrun_summary(projects, as_of=as_of),
        "buckets": [(code, label) for code, label, _low, _high in figures.DELAY_BUCKETS],
        "late": list(figures.late_projects(projects, as_of=as_of).values(*_OVERRUN_VALUES)),
        "new": list(
            figures.new_delays(projects, as_of=as_of)
            .order_by("-time_overrun_months", "name", "pk")
            .values(*_OVERRUN_VALUES, "previous_overrun_months")
        ),
    }


def integrity_findings(
    *,
    city: Region,
    unit: Region | None,
    year: int,
    as_of: date,
    known_at: datetime | None = None,
) -> list:
    """Per unit: the integrity analytics' flags (``figures.integrity``, the city's
    thresholds) and the year's on-site checks up to ``as_of`` (checked, found inflated).
    One row per unit of the scope: ``{unit, unit_name, flags, projects, checked,
    inflated}``."""
    units = [unit] if unit is not None else list(units_of(city))
    answer = integrity(city=city, year=year, as_of=as_of, units=units, known_at=known_at)
    checks = {
        row["project__unit__code"]: row
        for row in SiteCheck.objects.filter(
            project__unit__in=units,
            draw__month__year=year,
            checked_on__lte=as_of,
        )
        .exclude(status=SiteCheckStatus.PENDING)
        .values("project__unit__code")
        .annotate(
            checked=Count("pk"), inflated=Count("pk", filter=Q(status=SiteCheckStatus.INFLATED))
        )
        .order_by()
    }
    return [
        {
            "unit": row["unit"],
            "unit_name": row["unit_name"],
            "flags": row["flags"],
            "projects": row["flagged_projects"],
            "checked": checks.get(row["unit"], {}).get("checked", 0),
            "inflated": checks.get(row["unit"], {}).get("inflated", 0),
        }
        for row in answer["units"]
    ]
