"""One selector per figure of DOMAIN.md "Figures the product computes".

Every figure takes a year ``Y`` and an as-of date ``D`` and is computed by the database
from facts dated on or before ``D`` (stage events, accepted monthly reports of months up
to ``D``'s month), so the same call gives the same answer after later-dated data is added.

* :func:`accepted_reports` — the monthly reports that count (accepted by the city);
* :func:`with_investment_progress` — per project: plan, year-to-date, since-start,
  序时进度 and completion rate (used by the ``lagging`` warning);
* :func:`units_figures` — every figure for every assessment unit of a city at once, by
  grouped aggregates (a fixed number of queries whatever the number of units);
* :func:`unit_figures` — the same figures for one unit, or the whole city when given the
  city (the city's figures are the sums of its units' numerators and denominators);
* :data:`FIGURE_KEYS` / :func:`figure_value` — the flattened key namespace the
  assessments read indicators by (``"signed_cohort.landed_rate"``, ``"new.started.count"``).

Every key is declared once, with its Chinese name and definition, in ``figures.registry``
(reference: ``docs/figure-reference.md``, generated from it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache, partial

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from ballast.core.db import IdIn, prepared_rows
from ballast.core.known import known_rows
from ballast.core.periods import Period, add_months, month_end, month_start
from ballast.figures import asknown, facts, registry
from ballast.figures.registry import (
    COHORT_STAGES,
    FIGURES,
    NEW_STAGES,
    SIZE_CLASSES,
    TARGET_ACTUALS,
    figure_keys,
)
from ballast.figures.registry import target_kind as _target_kind
from ballast.projects.choices import (
    CATEGORIES_WITHOUT_PRODUCTION,
    ConfidenceRating,
    Stage,
    TargetIndicator,
    stages_from,
)
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    PlanMonth,
    Project,
    StageEvent,
    UnitTarget,
    size_class_expression,
)
from ballast.projects.selectors import reached_by
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region, within
from ballast.reports.models import MonthlyReport, counted_q
from ballast.reports.selectors import deadline_day

MONEY = DecimalField(max_digits=18, decimal_places=2)
RATIO = DecimalField(max_digits=14, decimal_places=6)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")


# --------------------------------------------------------------------------- helpers


def money(value) -> Decimal:
    """A money amount as Decimal with two places (None counts as 0)."""
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


def rate(numerator, denominator) -> Decimal | None:
    """numerator / denominator rounded to four places; None when the denominator is 0."""
    if denominator is None or Decimal(denominator) == 0:
        return None
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


def change(current, previous) -> Decimal | None:
    """Relative change (current − previous) / previous, four places; None when previous is 0."""
    if previous is None or Decimal(previous) == 0 or current is None:
        return None
    return rate(Decimal(current) - Decimal(previous), previous)


def same_day_last_year(day: date) -> date:
    """The as-of date a year before (29 February → 28 February)."""
    return add_months(day, -12)


def elapsed_months(year: int, as_of: date, *, deadline_day: int) -> int:
    """序时进度's m: the months of ``year`` counted as elapsed on ``as_of`` — the one rule,
    used by every figure and by the ``lagging`` warning (docs/figures.md "序时进度").

    Month k counts when its reports are due by ``as_of`` (``as_of`` on or after the
    ``deadline_day`` of month k + 1, the city's reporting deadline), or when ``as_of`` is
    the last day of month k (the reading of a month's, quarter's or year's end: a
    bulletin as of 30 June measures the half year). So on 2 December 10 months count
    (November's reports are due on 5 December), on 5 December 11, on 31 December 12.
    0 before the year; 12 from the deadline of the year's December on.
    """
    elapsed = 0
    for k in range(1, 13):
        month = date(year, k, 1)
        due = add_months(month, 1).replace(day=deadline_day)
        if as_of >= due or as_of == month_end(month):
            elapsed = k
    return elapsed


def elapsed_months_in(city, *, year: int, as_of: date) -> int:
    """:func:`elapsed_months` with ``city``'s reporting deadline (the 5th without a rule)."""
    return elapsed_months(year, as_of, deadline_day=deadline_day(city=city))


def quarter_of(as_of: date) -> Period:
    return Period(as_of.year, "Q", (as_of.month - 1) // 3 + 1)


class Ratio(Func):
    """numerator / denominator as an exact decimal ratio.

    SQLite keeps whole-number decimals as integers and would divide them as integers, so
    there the numerator is cast to REAL first (SQLite has no decimal arithmetic anyway);
    PostgreSQL divides numerics exactly.
    """

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " / "

    def __init__(self, numerator, denominator, **extra):
        extra.setdefault("output_field", RATIO)
        super().__init__(numerator, denominator, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        numerator, denominator = self.get_source_expressions()
        num_sql, num_params = compiler.compile(numerator)
        den_sql, den_params = compiler.compile(denominator)
        return f"(CAST({num_sql} AS REAL) / {den_sql})", (*num_params, *den_params)


# --------------------------------------------------------------------------- per project


def accepted_reports(*, as_of: date) -> QuerySet[MonthlyReport]:
    """The monthly reports that count in figures as of ``as_of``: accepted by the city, for
    a month up to (and including) the month holding ``as_of``."""
    return MonthlyReport.objects.counted(as_of=as_of)


def _sum_subquery(queryset, group: str, field: str):
    rows = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(rows, output_field=MONEY), ZERO)


def with_investment_progress(
    projects: QuerySet[Project],
    *,
    year: int,
    as_of: date,
    city,
    known_at: datetime | None = None,
):
    """Annotate each project with its investment progress for ``year`` as of ``as_of``:

    * ``annual_plan_wan`` — AnnualPlan.planned_investment for ``year`` (None: no plan);
    * ``ytd_investment_wan`` — accepted investment of months of ``year`` up to ``as_of``;
    * ``since_start_investment_wan`` — accepted investment of all months up to ``as_of``;
    * ``time_progress`` — 序时进度: m/12 (m = :func:`elapsed_months` with ``city``'s
      reporting deadline: the months whose reports are due by ``as_of``, the month of
      ``as_of`` only on its last day), or, when the plan has its own monthly curve
      (PlanMonth rows), the curve's cumulative sum to m / planned investment;
    * ``completion_rate`` — ytd / plan; None when there is no plan or the plan is 0.

    ``city`` is the city of the projects (its deadline decides m; None: the 5th).
    The same figures at every month-end of the year at once: :func:`month_end_progress`.

    ``known_at``: the plans, curves and reports as recorded at that moment
    (:func:`_known_investment_progress`; ``projects`` may then be the Project history rows
    as known at K, ``core.known.known_rows(Project, K)``); None: as known now.
    """
    m = elapsed_months_in(city, year=year, as_of=as_of)
    if known_at is not None:
        return _known_investment_progress(projects, year=year, as_of=as_of, m=m, known_at=known_at)
    reports = accepted_reports(as_of=as_of).filter(project=OuterRef("pk"))
    this_year = reports.filter(month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
    # The plan's own curve to month m: NULL when the plan has no curve (no PlanMonth
    # rows), 0 when it has one with nothing planned by m. One subquery tells both (an
    # EXISTS beside it makes PostgreSQL hash every plan curve of the year).
    curve_to_m = Subquery(
        PlanMonth.objects.filter(plan__project=OuterRef("pk"), plan__year=year)
        .order_by()
        .values("plan")
        .annotate(
            total=Sum(
                Case(
                    When(month__lte=m, then=F("planned_investment")),
                    default=Value(Decimal(0)),
                    output_field=MONEY,
                )
            )
        )
        .values("total"),
        output_field=MONEY,
    )
    even = Value(Decimal(m) / Decimal(12), output_field=RATIO)
    # The year's plan is a LEFT JOIN (one row at most per project and year), so reading
    # it again in the ratios below costs nothing.
    return projects.alias(
        _figures_plan=FilteredRelation("plans", condition=Q(plans__year=year))
    ).annotate(
        annual_plan_wan=ExpressionWrapper(
            F("_figures_plan__planned_investment"), output_field=MONEY
        ),
        ytd_investment_wan=_sum_subquery(this_year, "project", "investment"),
        since_start_investment_wan=_sum_subquery(reports, "project", "investment"),
        time_progress=Case(
            When(
                annual_plan_wan__gt=0,
                then=Coalesce(Ratio(curve_to_m, F("annual_plan_wan")), even),
            ),
            default=even,
            output_field=RATIO,
        ),
        completion_rate=Case(
            When(
                annual_plan_wan__gt=0,
                then=Ratio(F("ytd_investment_wan"), F("annual_plan_wan")),
            ),
            default=None,
            output_field=RATIO,
        ),
    )


def _known_investment_progress(projects, *, year: int, as_of: date, m: int, known_at: datetime):
    """:func:`with_investment_progress` as known at ``known_at``: each project's plan for
    ``year``, its monthly curve and its counted reports as recorded then (an amendment
    recorded after K is undone). Projects are matched by ``id``, so ``projects`` may be
    live projects or their history rows as known at K."""
    plan = known_rows(AnnualPlan, known_at).filter(project_id=OuterRef("id"), year=year)
    reports = (
        known_rows(MonthlyReport, known_at)
        .filter(counted_q(as_of=as_of))
        .filter(project_id=OuterRef("id"))
    )
    this_year = reports.filter(month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
    # The plan's id seen from inside a subquery over its months (one level further out).
    plan_id = Subquery(
        known_rows(AnnualPlan, known_at)
        .filter(project_id=OuterRef(OuterRef("id")), year=year)
        .values("id")[:1]
    )
    curve_to_m = Subquery(
        known_rows(PlanMonth, known_at)
        .filter(plan_id=plan_id, month__lte=m)
        .order_by()
        .values("plan_id")
        .annotate(total=Sum("planned_investment"))
        .values("total"),
        output_field=MONEY,
    )
    has_curve = Exists(known_rows(PlanMonth, known_at).filter(plan_id=plan_id))
    even = Value(Decimal(m) / Decimal(12), output_field=RATIO)
    return projects.annotate(
        annual_plan_wan=Subquery(plan.values("planned_investment")[:1], output_field=MONEY),
        ytd_investment_wan=_sum_subquery(this_year, "project_id", "investment"),
        since_start_investment_wan=_sum_subquery(reports, "project_id", "investment"),
        time_progress=Case(
            When(
                Q(annual_plan_wan__gt=0) & Q(has_curve),
                then=Ratio(Coalesce(curve_to_m, ZERO), F("annual_plan_wan")),
            ),
            default=even,
            output_field=RATIO,
        ),
        completion_rate=Case(
            When(
                annual_plan_wan__gt=0,
                then=Ratio(F("ytd_investment_wan"), F("annual_plan_wan")),
            ),
            default=None,
            output_field=RATIO,
        ),
    )


RAW = FloatField()
"""Month-end ratios are fetched without Django's per-value conversion: most are never
looked at (see :class:`MonthEndProgress`)."""
RATIO_PLACES = Decimal("0.000001")
RATIO_CONTEXT = Context(prec=RATIO.max_digits)


def _ratio_value(value) -> Decimal:
    """A ratio as fetched raw (a float on SQLite, a decimal or its text on PostgreSQL) as
    the decimal the RATIO field gives: six places."""
    if isinstance(value, float):
        value = RATIO_CONTEXT.create_decimal_from_float(value)
    return Decimal(value).quantize(RATIO_PLACES, context=RATIO_CONTEXT)


@lru_cache(maxsize=13)
def _even_progress(m: int) -> Decimal:
    """序时进度 without a curve, m/12 as a ratio: the same for every such plan, so made once
    per m (most plans have no curve; a decimal is immutable, so sharing it is safe)."""
    return _ratio_value(Decimal(m) / 12)


class MonthEndProgress:
    """One project's 序时进度 and completion rate at the end of each month k of a year, as
    :func:`with_investment_progress` gives them as of that day (m = k there, the last day
    of month k); ratios are turned into decimals only when read."""

    def __init__(self, year: int, curve_row: dict | None, completion_row: dict | None):
        # Each row: month k → the raw ratio at its end (None: no curve / no reports).
        self.year = year
        self._curve = curve_row or {}
        self._completion = completion_row or {}

    def time_progress(self, k: int) -> Decimal:
        """序时进度 at the end of month k: the plan's curve to m / plan, else m/12."""
        m = k  # elapsed_months(year, last day of month k) is k whatever the deadline
        curve = self._curve.get(k)
        return _even_progress(m) if curve is None else _ratio_value(curve)

    def completion_rate(self, k: int) -> Decimal:
        """Accepted investment of months 1…k of the year / plan (0 without reports)."""
        value = self._completion.get(k)
        return Decimal(0) if value is None else _ratio_value(value)

    def approximate_gap(self, k: int) -> float:
        """(序时进度 − completion rate) at the end of month k as a float, within 1e-6 of
        the difference of the two decimals above: enough to decide "far from a bar"
        without making them (callers compare exactly near the bar)."""
        curve = self._curve.get(k)
        value = self._completion.get(k)
        return (k / 12 if curve is None else float(curve)) - (
            0.0 if value is None else float(value)
        )


def month_end_progress(project_ids, *, year: int, months: range) -> dict[int, MonthEndProgress]:
    """The per-month form of :func:`with_investment_progress`: for each project of
    ``project_ids`` with a plan for ``year``, its figures at the end of every month k of
    ``months`` (months of ``year``) at once — two grouped queries whatever the number of
    months: 序时进度 per plan (the plan's monthly curve to k / the plan; NULL without a
    curve, k/12 then) and the completion rate per plan (accepted reports of the year to
    month k / the plan). At a month's end m = k for any reporting deadline, so the
    deadline is not needed here."""
    if not months:
        return {}
    plans = AnnualPlan.objects.filter(IdIn("project_id", project_ids), year=year).order_by()
    # Rows as tuples, each made a dict month → ratio (cheaper than a dict per row by name).
    curves = {
        row[0]: dict(zip(months, row[1:], strict=True))
        for row in plans.values("project")
        .annotate(
            _curve_months=Count("months"),
            **{
                f"tp_{k}": Case(
                    When(
                        _curve_months__gt=0,
                        then=Ratio(
                            Coalesce(
                                Sum("months__planned_investment", filter=Q(months__month__lte=k)),
                                ZERO,
                            ),
                            F("planned_investment"),
                            output_field=RAW,
                        ),
                    ),
                    default=None,
                    output_field=RAW,
                )
                for k in months
            },
        )
        .values_list("project", *(f"tp_{k}" for k in months))
    }
    # Each plan sums its own project's reports that count (a filtered LEFT JOIN: looked up
    # per project by the covering index, not a scan of every report of the months).
    counted = FilteredRelation(
        "project__reports",
        condition=counted_q("project__reports__")
        & Q(
            project__reports__month__gte=date(year, 1, 1),
            project__reports__month__lte=date(year, months[-1], 1),
        ),
    )
    completion = {
        row[0]: dict(zip(months, row[1:], strict=True))
        for row in plans.annotate(counted=counted)
        .values("project", "planned_investment")
        .annotate(
            **{
                f"cr_{k}": Ratio(
                    Coalesce(
                        Sum("counted__investment", filter=Q(counted__month__lte=date(year, k, 1))),
                        ZERO,
                    ),
                    F("planned_investment"),
                    output_field=RAW,
                )
                for k in months
            },
        )
        .values_list("project", *(f"cr_{k}" for k in months))
    }
    return {
        pk: MonthEndProgress(year, curves.get(pk), completion.get(pk))
        for pk in set(curves) | set(completion)
    }


# --------------------------------------------------------------------------- the keys

FIGURE_KEYS: dict[str, tuple[str, str]] = figure_keys()
"""Every flattened figure key → (Chinese name, kind: count | money | rate | text), from the
registry (``figures.registry.FIGURES``, where each figure is declared once)."""


def figure_value(figures: dict, key: str):
    """The value of the flattened ``key`` (``"new.started.count"``) in ``figures``."""
    if key not in FIGURES:
        raise KeyError(f"未知的指标键“{key}”。")
    value = figures
    for part in key.split("."):
        value = value[part]
    return value


def flatten(figures: dict, prefix: str = "") -> dict:
    """The figures as a flat ``{key: value}`` mapping."""
    flat = {}
    for name, value in figures.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{key}."))
        else:
            flat[key] = value
    return flat


# --------------------------------------------------------------------------- raw sums
#
# Every figure is built from additive raw sums per unit (numerators and denominators),
# each read by one grouped query for all units at once. The city's sums are the sums of
# its units' sums, so the city's rates are ratios of sums, never averages of rates.


def _new_events_query(tags, *, unit_ids, first, last, quarter_start=None):
    annotations = {}
    for tag in tags:
        condition = Q(date__gte=quarter_start) if tag == "quarter" else None
        annotations[f"{tag}_n"] = Count("pk", filter=condition)
        annotations[f"{tag}_inv"] = Sum("project__total_investment", filter=condition)
    return (
        StageEvent.objects.filter(project__unit_id__in=unit_ids, stage__in=NEW_STAGES)
        .filter(date__gte=first, date__lte=last)
        .order_by()
        .values("project__unit_id", "stage")
        .annotate(**annotations)
    )


def _raw_new_events(unit_ids, year, as_of, quarter_start, prev_year, prev_as_of, out):
    """New signed/started/completed/in-production events: this year, this quarter, last
    year to the same day. One query per year: each reads one date range of the
    ``(stage, date)`` index (an OR of both ranges is twice as slow on SQLite).

    Each query's SQL is built once (:func:`~ballast.core.db.prepared_rows`): building it
    with Django costs more than running it for one unit."""
    end = min(as_of, date(year, 12, 31))
    windows = (
        (date(year, 1, 1), end, ("new", "quarter"), {"quarter_start": quarter_start}),
        (date(prev_year, 1, 1), min(prev_as_of, date(prev_year, 12, 31)), ("prev",), {}),
    )
    for first, last, tags, extra in windows:
        rows = prepared_rows(
            ("figures.new_events", tags),
            partial(_new_events_query, tags),
            {"unit_ids": list(unit_ids), "first": first, "last": last, **extra},
        )
        for row in rows:
            sums = out[row["project__unit_id"]]
            for tag in tags:
                sums[f"{tag}.{row['stage']}.count"] += row[f"{tag}_n"]
                sums[f"{tag}.{row['stage']}.inv"] += row[f"{tag}_inv"] or 0


def _signed_cohort_query(*, unit_ids, as_of, first, last):
    annotations = {"n": Count("pk"), "inv": Sum("project__total_investment")}
    for stage in COHORT_STAGES:
        annotations[stage.value] = Count(
            "pk", filter=Q(reached_by(stage, as_of, prefix="project__"))
        )
    return (
        StageEvent.objects.filter(
            project__unit_id__in=unit_ids,
            stage=Stage.SIGNED,
            date__gte=first,
            date__lte=last,
        )
        .order_by()
        .values("project__unit_id", size=size_class_expression("project__total_investment"))
        .annotate(**annotations)
    )


def _raw_signed_cohort(unit_ids, year, as_of, out):
    """The signed cohort, its stages and the size classes of its projects (one query,
    grouped by unit and size class; its SQL built once)."""
    rows = prepared_rows(
        ("figures.signed_cohort",),
        _signed_cohort_query,
        {
            "unit_ids": list(unit_ids),
            "as_of": as_of,
            "first": date(year, 1, 1),
            "last": min(as_of, date(year, 12, 31)),
        },
    )
    for row in rows:
        sums = out[row["project__unit_id"]]
        sums["cohort.count"] += row["n"]
        sums["cohort.inv"] += row["inv"] or 0
        for stage in COHORT_STAGES:
            sums[f"cohort.{stage.value}"] += row[stage.value]
        sums[f"size.{row['size']}.count"] += row["n"]
        sums[f"size.{row['size']}.inv"] += row["inv"] or 0


def _plans_query(*, unit_ids, year, prev_year, as_of):
    has_curve = Exists(PlanMonth.objects.filter(plan=OuterRef("pk")))
    completed = Q(reached_by(Stage.COMPLETED, as_of, prefix="project__"))
    producing = Q(project__category__in=CATEGORIES_WITHOUT_PRODUCTION) | Q(
        reached_by(Stage.IN_PRODUCTION, as_of, prefix="project__")
    )
    planned_completion = Q(year=year, completion_month__isnull=False)
    return (
        AnnualPlan.objects.filter(project__unit_id__in=unit_ids, year__in=(year, prev_year))
        .order_by()
        .values("project__unit_id", "year")
        .annotate(
            n=Count("pk"),
            plan=Sum("planned_investment"),
            plan_without_curve=Sum("planned_investment", filter=~Q(has_curve)),
            cp_planned=Count("pk", filter=planned_completion),
            cp_done=Count("pk", filter=planned_completion & completed & producing),
        )
    )


def _curves_query(*, unit_ids, year, m):
    return (
        PlanMonth.objects.filter(plan__project__unit_id__in=unit_ids, plan__year=year, month__lte=m)
        .order_by()
        .values("plan__project__unit_id")
        .annotate(total=Sum("planned_investment"))
    )


def _raw_plans(unit_ids, year, as_of, prev_year, m, out):
    """Annual plans of this and last year; plan-weighted 序时进度 (``m`` elapsed months);
    竣工投产. Two queries, their SQL built once."""
    unit_ids = list(unit_ids)
    rows = prepared_rows(
        ("figures.plans",),
        _plans_query,
        {"unit_ids": unit_ids, "year": year, "prev_year": prev_year, "as_of": as_of},
    )
    for row in rows:
        sums = out[row["project__unit_id"]]
        tag = "plan" if row["year"] == year else "prev_plan"
        sums[f"{tag}.count"] += row["n"]
        sums[f"{tag}.inv"] += row["plan"] or 0
        if row["year"] == year:
            sums["plan.weighted_progress"] += (
                Decimal(row["plan_without_curve"] or 0) * Decimal(m) / Decimal(12)
            )
            sums["cp.planned"] += row["cp_planned"]
            sums["cp.done"] += row["cp_done"]
    # Plans with their own curve: Σ plan × (curve to m / plan) = Σ curve to m.
    curve_rows = prepared_rows(
        ("figures.curves",), _curves_query, {"unit_ids": unit_ids, "year": year, "m": m}
    )
    for row in curve_rows:
        out[row["plan__project__unit_id"]]["plan.weighted_progress"] += Decimal(row["total"] or 0)


def _reports_query(with_quarter, *, unit_ids, plan_year, first, last, quarter_start=None):
    annotations = {"total": Sum("counted__investment")}
    if with_quarter:
        annotations["quarter"] = Sum(
            "counted__investment", filter=Q(counted__month__gte=quarter_start)
        )
    return (
        Project.objects.filter(unit_id__in=unit_ids, plans__year=plan_year)
        .annotate(
            counted=FilteredRelation(
                "reports",
                condition=counted_q("reports__")
                & Q(reports__month__gte=first, reports__month__lte=last),
            )
        )
        .order_by()
        .values("unit_id")
        .annotate(**annotations)
    )


def _raw_reports(unit_ids, year, as_of, quarter_start, prev_year, prev_as_of, out):
    """Accepted investment of projects with an annual plan for the report's year: this
    year to ``as_of``'s month (and its quarter), and last year to the same month.

    The reports are a LEFT JOIN of each planned project, filtered in the join condition:
    the database must then look them up per project (by the covering index
    ``report_accepted_sums``). As an inner join filtered in WHERE, SQLite's planner would
    scan every project's reports of the months by the ``(status, month)`` index instead,
    looking up each row — four times slower. Each query's SQL is built once."""
    windows = (
        (year, date(year, 1, 1), min(month_start(as_of), date(year, 12, 1)), "reports.ytd"),
        (
            prev_year,
            date(prev_year, 1, 1),
            min(month_start(prev_as_of), date(prev_year, 12, 1)),
            "reports.prev_ytd",
        ),
    )
    for plan_year, first, last, tag in windows:
        with_quarter = plan_year == year
        values = {"unit_ids": list(unit_ids), "plan_year": plan_year, "first": first, "last": last}
        if with_quarter:
            values["quarter_start"] = quarter_start
        rows = prepared_rows(
            ("figures.reports", with_quarter), partial(_reports_query, with_quarter), values
        )
        for row in rows:
            sums = out[row["unit_id"]]
            sums[tag] += row["total"] or 0
            if "quarter" in row:
                sums["reports.quarter"] += row["quarter"] or 0


def _capacity_query(*, unit_ids, as_of, year_before):
    at_capacity = Exists(
        StageEvent.objects.filter(
            project=OuterRef("project_id"), stage=Stage.AT_CAPACITY, date__lte=as_of
        )
    )
    return (
        StageEvent.objects.filter(
            project__unit_id__in=unit_ids,
            stage__in=stages_from(Stage.IN_PRODUCTION),
            date__lte=year_before,
        )
        .order_by()
        .values("project__unit_id")
        .annotate(
            n=Count("project_id", distinct=True),
            done=Count("project_id", distinct=True, filter=Q(at_capacity)),
        )
    )


def _raw_capacity(unit_ids, as_of, out):
    """达产达效: producing for at least 12 months by ``as_of`` (a 投产 or later event dated
    on or before ``as_of`` − 12 months), and of those at capacity by ``as_of``. Driven by
    the few production events rather than by every project; its SQL built once."""
    rows = prepared_rows(
        ("figures.capacity",),
        _capacity_query,
        {"unit_ids": list(unit_ids), "as_of": as_of, "year_before": add_months(as_of, -12)},
    )
    for row in rows:
        sums = out[row["project__unit_id"]]
        sums["cap.eligible"] += row["n"]
        sums["cap.done"] += row["done"]


def _targets_query(*, unit_ids, year, quarter):
    return UnitTarget.objects.filter(unit_id__in=unit_ids, period__in=(year, quarter)).values(
        "unit_id", "period", "indicator", "value"
    )


def _raw_targets(unit_ids, year, quarter, out):
    rows = prepared_rows(
        ("figures.targets",),
        _targets_query,
        {"unit_ids": list(unit_ids), "year": str(year), "quarter": str(quarter)},
    )
    for row in rows:
        tag = "target" if row["period"] == str(year) else "qtarget"
        sums = out[row["unit_id"]]
        sums[f"{tag}.{row['indicator']}"] += row["value"]
        sums[f"{tag}.{row['indicator']}.n"] += 1


def _raw_sums(
    unit_ids, *, year: int, as_of: date, elapsed: int, known_at: datetime | None = None
) -> dict[int, defaultdict]:
    """Raw additive sums per unit id (a fixed number of grouped queries); ``elapsed`` is
    序时进度's m (:func:`elapsed_months`). ``known_at``: every fact as known at that moment,
    read from the history tables (``figures.asknown``); None: as known now."""
    out: dict[int, defaultdict] = defaultdict(lambda: defaultdict(Decimal))
    prev_year = year - 1
    prev_as_of = same_day_last_year(as_of)
    # The quarter whose targets are read: the quarter holding as_of, within the year.
    quarter = quarter_of(min(max(as_of, date(year, 1, 1)), date(year, 12, 31)))
    unit_ids = list(unit_ids)
    if known_at is not None:
        asknown.raw_sums(
            unit_ids,
            year=year,
            as_of=as_of,
            elapsed=elapsed,
            quarter=quarter,
            new_stages=NEW_STAGES,
            cohort_stages=COHORT_STAGES,
            known_at=known_at,
            out=out,
        )
        return out
    if facts.maintained():  # PostgreSQL: the sums of reports and new events kept by triggers
        facts.new_events(
            unit_ids,
            NEW_STAGES,
            (
                (
                    date(year, 1, 1),
                    min(as_of, date(year, 12, 31)),
                    {"new": None, "quarter": quarter.start},
                ),
                (date(prev_year, 1, 1), min(prev_as_of, date(prev_year, 12, 31)), {"prev": None}),
            ),
            out,
        )
        facts.planned_reports(
            unit_ids,
            (
                (
                    date(year, 1, 1),
                    min(month_start(as_of), date(year, 12, 1)),
                    "reports.ytd",
                    quarter.start,
                ),
                (
                    date(prev_year, 1, 1),
                    min(month_start(prev_as_of), date(prev_year, 12, 1)),
                    "reports.prev_ytd",
                    None,
                ),
            ),
            out,
        )
    else:
        _raw_new_events(unit_ids, year, as_of, quarter.start, prev_year, prev_as_of, out)
        _raw_reports(unit_ids, year, as_of, quarter.start, prev_year, prev_as_of, out)
    _raw_signed_cohort(unit_ids, year, as_of, out)
    _raw_plans(unit_ids, year, as_of, prev_year, elapsed, out)
    _raw_capacity(unit_ids, as_of, out)
    _raw_targets(unit_ids, year, quarter, out)
    return out


# --------------------------------------------------------------------------- assembly


def _assemble(
    sums, *, code: str, name: str, year: int, as_of: date, elapsed: int, rate_targets=True
) -> dict:
    """The figures of one unit (or the city) from its raw sums (``elapsed``: 序时进度's m)."""
    quarter = quarter_of(min(max(as_of, date(year, 1, 1)), date(year, 12, 31)))
    cohort_n = int(sums["cohort.count"])
    figures = {
        "unit": code,
        "unit_name": name,
        "year": year,
        "as_of": as_of,
        "signed_cohort": {
            "count": cohort_n,
            "investment_wan": money(sums["cohort.inv"]),
            **{s.value: int(sums[f"cohort.{s.value}"]) for s in COHORT_STAGES},
            **{f"{s.value}_rate": rate(sums[f"cohort.{s.value}"], cohort_n) for s in COHORT_STAGES},
        },
        "new": {
            s.value: {
                "count": int(sums[f"new.{s.value}.count"]),
                "investment_wan": money(sums[f"new.{s.value}.inv"]),
            }
            for s in NEW_STAGES
        },
    }
    plan_total = sums["plan.inv"]
    completion_rate = rate(sums["reports.ytd"], plan_total)
    if plan_total:
        progress = rate(sums["plan.weighted_progress"], plan_total)
    else:
        progress = (Decimal(elapsed) / Decimal(12)).quantize(RATE_PLACES, ROUND_HALF_UP)
    figures["investment"] = {
        "plan_count": int(sums["plan.count"]),
        "annual_plan_wan": money(plan_total),
        "completed_wan": money(sums["reports.ytd"]),
        "completion_rate": completion_rate,
        "time_progress": progress,
        "time_progress_gap": (completion_rate - progress if completion_rate is not None else None),
    }
    figures["completion_production"] = {
        "planned": int(sums["cp.planned"]),
        "done": int(sums["cp.done"]),
        "rate": rate(sums["cp.done"], sums["cp.planned"]),
    }
    figures["capacity"] = {
        "eligible": int(sums["cap.eligible"]),
        "at_capacity": int(sums["cap.done"]),
        "rate": rate(sums["cap.done"], sums["cap.eligible"]),
    }
    figures["size_classes"] = {
        cls.value: {
            "count": int(sums[f"size.{cls.value}.count"]),
            "investment_wan": money(sums[f"size.{cls.value}.inv"]),
        }
        for cls in SIZE_CLASSES
    }
    figures["targets"], figures["target_completion"] = _targets(
        sums, "target", figures, rate_targets
    )
    quarter_figures = {
        "period": str(quarter),
        "new": {
            s.value: {
                "count": int(sums[f"quarter.{s.value}.count"]),
                "investment_wan": money(sums[f"quarter.{s.value}.inv"]),
            }
            for s in NEW_STAGES
        },
        "investment": {"completed_wan": money(sums["reports.quarter"])},
    }
    quarter_view = {
        **figures,
        "new": quarter_figures["new"],
        "investment": {
            **figures["investment"],
            "completed_wan": quarter_figures["investment"]["completed_wan"],
        },
    }
    quarter_figures["targets"], quarter_figures["target_completion"] = _targets(
        sums, "qtarget", quarter_view, rate_targets
    )
    figures["quarter"] = quarter_figures
    avg_plan = sums["plan.inv"] / sums["plan.count"] if sums["plan.count"] else None
    avg_prev = sums["prev_plan.inv"] / sums["prev_plan.count"] if sums["prev_plan.count"] else None
    yoy = {"as_of_previous": same_day_last_year(as_of)}
    for stage, label in ((Stage.SIGNED, "new_signed"), (Stage.STARTED, "new_started")):
        current = figures["new"][stage.value]
        yoy[label] = {
            "count_previous": int(sums[f"prev.{stage.value}.count"]),
            "count_change": change(current["count"], sums[f"prev.{stage.value}.count"]),
            "investment_wan_previous": money(sums[f"prev.{stage.value}.inv"]),
            "investment_change": change(current["investment_wan"], sums[f"prev.{stage.value}.inv"]),
        }
    yoy.update(
        {
            "avg_annual_plan_wan": money(avg_plan) if avg_plan is not None else None,
            "avg_annual_plan_wan_previous": money(avg_prev) if avg_prev is not None else None,
            "avg_annual_plan_change": change(avg_plan, avg_prev),
            "completed_wan_previous": money(sums["reports.prev_ytd"]),
            "completed_change": change(sums["reports.ytd"], sums["reports.prev_ytd"]),
        }
    )
    figures["year_on_year"] = yoy
    return _derived(figures)


def _derived(figures: dict) -> dict:
    """Fill in every registered figure made of other registered figures — a ratio, a
    change on last year or a difference (``Figure.aggregation``) — that the assembly above
    does not compute itself: such a figure is its declaration and nothing else. Done in
    declaration order, so one may be made of another declared before it."""
    for declared in FIGURES.values():
        how, of = declared.aggregation.how, declared.aggregation.of
        if how not in (registry.RATIO, registry.CHANGE, registry.DIFFERENCE):
            continue
        *path, last = declared.key.split(".")
        node = figures
        for part in path:
            node = node.setdefault(part, {})
        if last in node or not all(key in FIGURES for key in of):
            continue
        a, b = (figure_value(figures, key) for key in of)
        if how == registry.CHANGE:
            value = change(a, b)
        elif how == registry.DIFFERENCE:
            value = None if a is None or b is None else a - b
        elif declared.kind == registry.MONEY:
            value = money(Decimal(a or 0) / Decimal(b)) if b else None
        else:
            value = rate(a, b)
        node[last] = value
    return figures


def _targets(sums, tag: str, figures: dict, rate_targets: bool):
    """Targets of a period and the share of each reached (actual / target)."""
    targets, completion = {}, {}
    for indicator in TargetIndicator:
        value = None
        if sums.get(f"{tag}.{indicator.value}.n"):
            value = sums[f"{tag}.{indicator.value}"]
            if _target_kind(indicator.value) == "rate":
                # A rate target is not additive: the city has none of its own.
                value = value if rate_targets else None
        if value is not None:
            kind = _target_kind(indicator.value)
            value = money(value) if kind == "money" else value.normalize()
            if kind == "count":
                value = int(value) if value == value.to_integral() else value
        targets[indicator.value] = value
        actual = figure_value(figures, TARGET_ACTUALS[indicator])
        if _target_kind(indicator.value) == "rate" and sums["cohort.count"]:
            # Compare the exact rate, not the rounded one.
            stage = indicator.value.removesuffix("_rate")
            actual = Decimal(sums[f"cohort.{stage}"]) / Decimal(sums["cohort.count"])
        completion[indicator.value] = (
            rate(actual, value) if value is not None and actual is not None else None
        )
    return targets, completion


# --------------------------------------------------------------------------- entry points


def _added_up(sums) -> defaultdict:
    """The sums of several units (or cities) added up key by key: numerators and
    denominators add, so a larger area's rates are ratios of these."""
    total: defaultdict = defaultdict(Decimal)
    for one in sums:
        for key, value in one.items():
            total[key] += value
    return total


def city_units(city: Region) -> QuerySet[Region]:
    """The assessment units (板块) of ``city`` in their order."""
    return (
        Region.objects.filter(within("", city), is_assessment_unit=True)
        .exclude(pk=city.pk)
        .order_by("sort_order", "code")
    )


def units_figures(
    *, city: Region, year: int, as_of: date, known_at: datetime | None = None
) -> dict[str, dict]:
    """The figures of every assessment unit of ``city``, keyed by unit code, in the units'
    order. All units are computed at once by grouped aggregates (a fixed number of
    queries), the path rankings and assessments use."""
    return city_and_units_figures(city=city, year=year, as_of=as_of, known_at=known_at)[1]


def city_and_units_figures(
    *, city: Region, year: int, as_of: date, known_at: datetime | None = None
) -> tuple[dict, dict]:
    """``(the city's figures, every unit's figures)`` from one set of grouped queries: the
    city's figures add up its units' numerators and denominators (counts, money, plans)
    and its rates are ratios of those sums. Rate targets are set per unit only, so the
    city's rate targets are None; its count and money targets are the units' sums."""
    units = list(city_units(city))
    elapsed = elapsed_months_in(city, year=year, as_of=as_of)
    per_unit = _raw_sums(
        [u.pk for u in units], year=year, as_of=as_of, elapsed=elapsed, known_at=known_at
    )
    total = _added_up(per_unit.values())
    city_figures = _assemble(
        total,
        code=city.code,
        name=city.display_name,
        year=year,
        as_of=as_of,
        elapsed=elapsed,
        rate_targets=False,
    )
    return city_figures, {
        unit.code: _assemble(
            per_unit[unit.pk],
            code=unit.code,
            name=unit.display_name,
            year=year,
            as_of=as_of,
            elapsed=elapsed,
        )
        for unit in units
    }


def area_and_cities_figures(
    *, area: Region, year: int, as_of: date, known_at: datetime | None = None
) -> tuple[dict, dict]:
    """``(the area's figures, every city's figures keyed by city code)`` for a province
    (省级 comparison of its cities). Each city's figures are exactly
    ``city_and_units_figures(city=…)[0]`` — its units' sums, 序时进度 by its own reporting
    calendar — and the area's add up every city's sums the same way. The cities with the
    same calendar are computed together (a fixed number of grouped queries per calendar).
    """
    cities = list(
        Region.objects.filter(within("", area), kind=RegionKind.CITY).order_by("sort_order", "code")
    )
    units_of_city = {city.pk: [u.pk for u in city_units(city)] for city in cities}
    by_calendar: dict[int, list[Region]] = defaultdict(list)
    for city in cities:
        by_calendar[elapsed_months_in(city, year=year, as_of=as_of)].append(city)
    city_sums: dict[int, defaultdict] = {}
    for elapsed, group in by_calendar.items():
        unit_ids = [pk for city in group for pk in units_of_city[city.pk]]
        per_unit = _raw_sums(unit_ids, year=year, as_of=as_of, elapsed=elapsed, known_at=known_at)
        for city in group:
            city_sums[city.pk] = _added_up(per_unit[pk] for pk in units_of_city[city.pk])
    area_total = _added_up(city_sums[city.pk] for city in cities)
    per_city = {}
    for city in cities:
        elapsed = next(e for e, group in by_calendar.items() if city in group)
        per_city[city.code] = _assemble(
            city_sums[city.pk],
            code=city.code,
            name=city.display_name,
            year=year,
            as_of=as_of,
            elapsed=elapsed,
            rate_targets=False,
        )
    area_figures = _assemble(
        area_total,
        code=area.code,
        name=area.display_name,
        year=year,
        as_of=as_of,
        # Without plans, 序时进度 falls back to m/12 by the default calendar.
        elapsed=elapsed_months_in(None, year=year, as_of=as_of),
        rate_targets=False,
    )
    return area_figures, per_city


def unit_figures(*, unit: Region, year: int, as_of: date, known_at: datetime | None = None) -> dict:
    """The figures of ``unit`` (an assessment unit; the city for the whole city, see
    :func:`city_and_units_figures`; a province for the whole province, see
    :func:`area_and_cities_figures`)."""
    if unit.kind == RegionKind.PROVINCE:
        return area_and_cities_figures(area=unit, year=year, as_of=as_of, known_at=known_at)[0]
    if unit.kind == RegionKind.CITY:
        return city_and_units_figures(city=unit, year=year, as_of=as_of, known_at=known_at)[0]
    elapsed = elapsed_months_in(unit.city, year=year, as_of=as_of)
    sums = _raw_sums([unit.pk], year=year, as_of=as_of, elapsed=elapsed, known_at=known_at)
    return _assemble(
        sums[unit.pk],
        code=unit.code,
        name=unit.display_name,
        year=year,
        as_of=as_of,
        elapsed=elapsed,
    )


# --------------------------------------------------------------------------- projects of a region


def projects_of(region: Region) -> QuerySet[Project]:
    """The projects of an assessment unit, or of every unit of a city."""
    if region.kind == RegionKind.CITY:
        return Project.objects.filter(within("unit", region), unit__is_assessment_unit=True)
    return Project.objects.filter(unit=region)


def signed_size_classes(projects: QuerySet[Project], *, start: date, end: date) -> dict:
    """Size-class counts of the projects signed within [start, end] (新签约项目规模分布):
    ``{size_class: {"count", "investment_wan"}}`` for every class, largest first."""
    rows = (
        projects.filter(reached_in_q(Stage.SIGNED, start, end))
        .order_by()
        .annotate(size=size_class_expression())
        .values("size")
        .annotate(n=Count("pk"), inv=Sum("total_investment"))
    )
    found = {row["size"]: row for row in rows}
    return {
        cls.value: {
            "count": found.get(cls.value, {}).get("n", 0),
            "investment_wan": money(found.get(cls.value, {}).get("inv")),
        }
        for cls in SIZE_CLASSES
    }


def reached_in_q(stage: str, start: date, end: date) -> Q:
    return Q(
        Exists(
            StageEvent.objects.filter(
                project=OuterRef("pk"), stage=stage, date__gte=start, date__lte=end
            )
        )
    )


# --------------------------------------------------------------------------- overruns

DELAY_BUCKETS = (
    ("1-12", "1–12个月", 1, 12),
    ("13-24", "13–24个月", 13, 24),
    ("25-60", "25–60个月", 25, 60),
    ("60+", "60个月以上", 61, None),
)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the current time zone (history rows are timed)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _recorded(as_of: date):
    """The project's history rows recorded by the end of ``as_of``, latest first: the
    first is the project as recorded on that date (for a correlated subquery)."""
    return Project.history.model.objects.filter(
        id=OuterRef("pk"), history_date__lt=end_of_day(as_of)
    ).order_by("-history_date", "-history_id")


def _as_recorded(field: str, as_of: date, output_field):
    """The project's ``field`` as recorded at the end of ``as_of`` (from its history)."""
    return Subquery(_recorded(as_of).values(field)[:1], output_field=output_field)


def _months_between(earlier: str, later: str):
    return (
        (ExtractYear(later) - ExtractYear(earlier)) * 12
        + ExtractMonth(later)
        - ExtractMonth(earlier)
    )


def with_overruns(projects: QuerySet[Project], *, as_of: date) -> QuerySet[Project]:
    """Annotate each project with its overruns as recorded at the end of ``as_of`` (read
    from the project's history, so later edits do not change the answer):

    * ``baseline_total_wan`` / ``forecast_total_wan`` — baseline and current total investment;
    * ``cost_overrun_wan`` — forecast − baseline (None without a baseline);
    * ``cost_overrun_rate`` — cost overrun / baseline;
    * ``baseline_completion_on`` / ``forecast_completion_on`` — the two completion dates;
    * ``time_overrun_months`` — calendar months from baseline to forecast completion;
    * ``delay_bucket`` — ``1-12``, ``13-24``, ``25-60``, ``60+`` (None: not delayed).

    Projects without a history row by ``as_of`` (not yet recorded) get None throughout.
    Each overrun is computed on the recorded history row, inside its own subquery: an
    annotation reading another annotation repeats that annotation's SQL, so overruns
    derived from the recorded values outside would run the history look-up dozens of
    times per project.
    """
    history = _recorded(as_of)

    def recorded(value, output_field, **helpers):
        """``value`` as recorded, one subquery: a field of the recorded history row, or
        an expression over it reading the ``helpers`` annotations (only the ones it
        reads: resolving an unread annotation costs as much as a read one)."""
        rows = history.annotate(**helpers) if helpers else history
        if not isinstance(value, str):
            rows, value = rows.annotate(recorded_value=value), "recorded_value"
        return Subquery(rows.values(value)[:1], output_field=output_field)

    overrun_wan = ExpressionWrapper(
        F("total_investment") - F("baseline_total_investment"), output_field=MONEY
    )
    overrun_months = ExpressionWrapper(
        _months_between("baseline_completion", "planned_completion"), output_field=IntegerField()
    )
    buckets = []
    for code, _, low, high in DELAY_BUCKETS:
        condition = Q(overrun_months__gte=low)
        if high is not None:
            condition &= Q(overrun_months__lte=high)
        buckets.append(When(condition, then=Value(code)))
    return projects.annotate(
        baseline_total_wan=recorded("baseline_total_investment", MONEY),
        forecast_total_wan=recorded("total_investment", MONEY),
        baseline_completion_on=recorded("baseline_completion", DateField()),
        forecast_completion_on=recorded("planned_completion", DateField()),
        cost_overrun_wan=recorded(overrun_wan, MONEY),
        time_overrun_months=recorded(overrun_months, IntegerField()),
        cost_overrun_rate=recorded(
            Case(
                When(
                    baseline_total_investment__gt=0,
                    then=Ratio(overrun_wan, F("baseline_total_investment")),
                ),
                default=None,
                output_field=RATIO,
            ),
            RATIO,
        ),
        delay_bucket=recorded(
            Case(*buckets, default=None, output_field=CharField()),
            CharField(),
            overrun_months=overrun_months,
        ),
    )


# A project is late (延期) when its forecast completion is at least one calendar month
# after its baseline completion.
LATE = Q(time_overrun_months__gte=1)


def late_projects(projects: QuerySet[Project], *, as_of: date) -> QuerySet[Project]:
    """The projects of ``projects`` late against their baseline as recorded at the end of
    ``as_of`` (annotated as :func:`with_overruns`), longest delay first."""
    return (
        with_overruns(projects, as_of=as_of)
        .filter(LATE)
        .order_by("-time_overrun_months", "-cost_overrun_wan", "name", "pk")
    )


def new_delays(projects: QuerySet[Project], *, as_of: date) -> QuerySet[Project]:
    """Projects whose time overrun grew since the end of the previous month ("new delays
    since last month"): their forecast completion as recorded at ``as_of`` is later than
    as recorded on the last day of the month before ``as_of``'s month. Annotated with
    ``time_overrun_months`` and ``previous_overrun_months``."""
    last_month_end = month_start(as_of) - timedelta(days=1)
    previous = _as_recorded("planned_completion", last_month_end, DateField())
    return (
        with_overruns(projects, as_of=as_of)
        .annotate(previous_completion_on=previous)
        .annotate(
            previous_overrun_months=ExpressionWrapper(
                _months_between("baseline_completion_on", "previous_completion_on"),
                output_field=IntegerField(),
            )
        )
        .filter(LATE)
        .filter(
            Q(previous_completion_on__isnull=True)
            | Q(forecast_completion_on__gt=F("previous_completion_on"))
        )
        .filter(
            Q(previous_overrun_months__isnull=True)
            | Q(time_overrun_months__gt=F("previous_overrun_months"))
        )
    )


def overrun_summary(projects: QuerySet[Project], *, as_of: date) -> dict:
    """Cost and time overruns of ``projects`` as of ``as_of`` (three grouped queries): how
    many overran their cost baseline, by how much in 万元 and as a share of their
    baselines; how many are late, by delay bucket; and how many are newly delayed since
    the end of last month."""
    annotated = with_overruns(projects, as_of=as_of)
    # Each figure in its own query, each overrun read once a project: SQLite folds a
    # summed subquery into the outer query, where every reference to an overrun would
    # run its history look-up again (four per project for the buckets' counts alone).
    cost = annotated.filter(cost_overrun_wan__gt=0).aggregate(
        n=Count("pk"), wan=Sum("cost_overrun_wan"), base=Sum("baseline_total_wan")
    )
    buckets = {code: 0 for code, _, _, _ in DELAY_BUCKETS}
    late_n = 0
    for row in (
        annotated.values("delay_bucket")
        .annotate(n=Count("pk"), late=Count("pk", filter=LATE))
        .order_by()
    ):
        if row["delay_bucket"] in buckets:
            buckets[row["delay_bucket"]] = row["n"]
        late_n += row["late"]
    return {
        "cost_overrun": {
            "count": cost["n"],
            "overrun_wan": money(cost["wan"]),
            "baseline_wan": money(cost["base"]),
            "rate": rate(cost["wan"], cost["base"]),
        },
        "time_overrun": {
            "count": late_n,
            "buckets": buckets,
            "new_since_last_month": new_delays(projects, as_of=as_of).count(),
        },
    }


# --------------------------------------------------------------------------- confidence


def confidence_by_month(projects: QuerySet[Project], *, start: date, end: date) -> list[dict]:
    """Delivery-confidence ratings by month within [start, end]: for each month with ratings,
    ``{"month", "green", "amber", "red", "total"}`` in month order."""
    rows = (
        ConfidenceAssessment.objects.filter(
            project__in=projects.values("pk"), month__gte=month_start(start), month__lte=end
        )
        .order_by()
        .values("month")
        .annotate(
            **{
                rating.value: Count("pk", filter=Q(rating=rating.value))
                for rating in ConfidenceRating
            },
            total=Count("pk"),
        )
        .order_by("month")
    )
    return [dict(row) for row in rows]


def confidence_by_period(projects: QuerySet[Project], *, period: Period, as_of: date) -> dict:
    """Ratings of a period (a quarter, half, year …): for each project its latest rating of
    a month within ``period`` and up to ``as_of``'s month, counted by rating
    (``{"period", "green", "amber", "red", "unrated"}``)."""
    last = min(month_start(period.end), month_start(as_of))
    latest = (
        ConfidenceAssessment.objects.filter(
            project=OuterRef("pk"), month__gte=period.start, month__lte=last
        )
        .order_by("-month")
        .values("rating")[:1]
    )
    sums = projects.annotate(period_rating=Subquery(latest)).aggregate(
        **{
            rating.value: Count("pk", filter=Q(period_rating=rating.value))
            for rating in ConfidenceRating
        },
        unrated=Count("pk", filter=Q(period_rating__isnull=True)),
    )
    return {"period": str(period), **sums}


def confidence_as_of(projects: QuerySet[Project], *, as_of: date) -> dict:
    """Counts of each project's latest rating of a month up to ``as_of``'s month
    (``{"green", "amber", "red", "unrated"}``)."""
    latest = (
        ConfidenceAssessment.objects.filter(project=OuterRef("pk"), month__lte=month_start(as_of))
        .order_by("-month")
        .values("rating")[:1]
    )
    sums = projects.annotate(latest_rating=Subquery(latest)).aggregate(
        **{
            rating.value: Count("pk", filter=Q(latest_rating=rating.value))
            for rating in ConfidenceRating
        },
        unrated=Count("pk", filter=Q(latest_rating__isnull=True)),
    )
    return sums


# --------------------------------------------------------------------------- JSON


def _kind(path: str) -> str:
    declared = FIGURES.get(path)
    return declared.kind if declared is not None else registry.TEXT


def to_json(value, path: str = ""):
    """The JSON form of figures (the ``figures --json`` command and the API): money →
    "123.40", rates → numbers, dates → ISO strings."""
    if isinstance(value, dict):
        return {k: to_json(v, f"{path}.{k}" if path else k) for k, v in value.items()}
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    kind = _kind(path)
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if isinstance(value, Decimal):
        if kind == "count" and value == value.to_integral_value():
            return int(value)
        return float(value)
    return value
