"""The built-in early-warning rules (预警规则) of DOMAIN.md, registered on import.

Every evaluator gets the active projects of one city in the caller's scope, the as-of
date and the city's :class:`~ballast.alerts.models.WarningRule`, and finds the projects
that fire with one or two database queries (subqueries and aggregates over stage events
and accepted reports). Python only turns the firing rows into :class:`Hit` objects.

"More than n months after a date" is always read the same way: the warning fires on
``as_of`` when ``date < as_of − n months`` (calendar months, clamped at month ends). So
with n = 0 it fires the day after the date, with n = 3 the day after the date three
months on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce

from ballast.alerts.choices import LEVEL_RANK, Level, ThresholdUnit
from ballast.alerts.registry import Hit, RuleDefaults, register
from ballast.core.db import IdIn, MonthStart
from ballast.core.known import known_rows
from ballast.core.periods import add_months, month_start
from ballast.figures import selectors as figure_selectors
from ballast.figures.asknown import reached_by_known
from ballast.projects.choices import STATISTICS_THRESHOLD_WAN, Stage, stages_from
from ballast.projects.models import AnnualPlan, StageEvent
from ballast.projects.selectors import reached_by, stage_seq_expression
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport
from ballast.reports.services import deadline_for

MONEY = DecimalField(max_digits=20, decimal_places=4)
# A month is compared with the project's usual pace only when it has at least this many
# other accepted months: fewer say nothing about a pace.
PACE_MIN_OTHER_MONTHS = 3
# Only months of the last 12 (up to the as-of month) are checked for an unusual pace, so
# an old, explained peak does not warn for ever.
PACE_WINDOW_MONTHS = 12


# --- shared pieces -------------------------------------------------------------------


def accepted_reports(as_of: date) -> QuerySet[MonthlyReport]:
    """Reports that count as of ``as_of`` — the figures' own definition, so warnings and
    figures always count the same reports (accepted by the city, months up to ``as_of``)."""
    return figure_selectors.accepted_reports(as_of=as_of)


def _first_stage_date(stage: str, as_of: date) -> Subquery:
    """The first date on which the project reached ``stage`` (or a later one) by ``as_of``."""
    return Subquery(
        StageEvent.objects.filter(
            project=OuterRef("pk"), stage__in=stages_from(stage), date__lte=as_of
        )
        .order_by()
        .values("project")
        .annotate(first=Min("date"))
        .values("first"),
        output_field=DateField(),
    )


def _more_than_months_ago(day: date, months: int, as_of: date) -> bool:
    return day < add_months(as_of, -months)


@lru_cache(maxsize=4096)
def _first_day_past(day: date, months: int) -> date:
    """The first as-of date on which ``day`` lies more than ``months`` months back."""
    since = add_months(day, months) + timedelta(days=1)
    while not _more_than_months_ago(day, months, since):  # only at clamped month ends
        since += timedelta(days=1)
    return since


def _overdue_hits(
    rows: Iterable[tuple[int, date]], *, as_of: date, rule, describe
) -> Iterator[Hit]:
    """Hits for "more than n months after a date" rules."""
    yellow = rule.months("yellow")
    red_before = add_months(as_of, -rule.months("red"))
    for pk, day in rows:
        level = Level.RED if day < red_before else Level.YELLOW
        yield Hit(pk, level, _first_day_past(day, yellow), describe(day, (as_of - day).days))


def _ym(day: date) -> str:
    return f"{day.year}年{day.month}月"


# --- start_overdue --------------------------------------------------------------------


def evaluate_start_overdue(*, projects, as_of, rule) -> Iterator[Hit]:
    """开工逾期: the planned start lies more than n months back and the project has not started."""
    rows = (
        projects.filter(planned_start__lt=add_months(as_of, -rule.months("yellow")))
        .exclude(reached_by(Stage.STARTED, as_of))
        .values_list("pk", "planned_start")
    )
    return _overdue_hits(
        rows,
        as_of=as_of,
        rule=rule,
        describe=lambda day, days: f"计划开工日期 {day} 已过 {days} 天，尚未开工。",
    )


# --- completion_overdue ---------------------------------------------------------------


def evaluate_completion_overdue(*, projects, as_of, rule) -> Iterator[Hit]:
    """竣工逾期: the planned completion lies more than n months back, not completed."""
    rows = (
        projects.filter(planned_completion__lt=add_months(as_of, -rule.months("yellow")))
        .exclude(reached_by(Stage.COMPLETED, as_of))
        .values_list("pk", "planned_completion")
    )
    return _overdue_hits(
        rows,
        as_of=as_of,
        rule=rule,
        describe=lambda day, days: f"计划竣工日期 {day} 已过 {days} 天，尚未竣工。",
    )


# --- not_in_statistics ----------------------------------------------------------------


def evaluate_not_in_statistics(*, projects, as_of, rule) -> Iterator[Hit]:
    """开工未列统: a project of ≥ 500 万元 started more than n months ago, not in statistics."""
    rows = (
        projects.filter(total_investment__gte=STATISTICS_THRESHOLD_WAN)
        .annotate(started_on=_first_stage_date(Stage.STARTED, as_of))
        .filter(started_on__lt=add_months(as_of, -rule.months("yellow")))
        .exclude(reached_by(Stage.IN_STATISTICS, as_of))
        .values_list("pk", "started_on")
    )
    return _overdue_hits(
        rows,
        as_of=as_of,
        rule=rule,
        describe=lambda day, days: f"{day} 开工，已 {days} 天尚未入库纳统。",
    )


# --- stalled (只开工不施工) ----------------------------------------------------------------


def _started_month(as_of: date, project: str = "pk") -> Subquery:
    """The first day of the month in which the project (``OuterRef(project)``) started."""
    return Subquery(
        StageEvent.objects.filter(
            project=OuterRef(project), stage__in=stages_from(Stage.STARTED), date__lte=as_of
        )
        .order_by()
        .values("project")
        .annotate(m=MonthStart(Min("date")))
        .values("m"),
        output_field=DateField(),
    )


def _under_construction(projects, as_of: date):
    """Started by ``as_of`` and not completed by it."""
    return projects.filter(reached_by(Stage.STARTED, as_of)).exclude(
        reached_by(Stage.COMPLETED, as_of)
    )


def evaluate_stalled(*, projects, as_of, rule) -> Iterator[Hit]:
    """只开工不施工: the project's latest n reported months (since its start) all show no
    investment. Counted: the accepted reports after its last month with investment.

    One grouped query over the accepted zero reports (from the start month on) of the
    projects under construction that have no later report with investment — exactly the
    reports after the last month with investment. Each report row needs only two index
    look-ups (no subquery nested in another), so it stays linear on PostgreSQL too."""
    reports = accepted_reports(as_of)
    later_positive = reports.filter(
        project=OuterRef("project"), month__gt=OuterRef("month"), investment__gt=0
    )
    # Only a project whose latest accepted report shows no investment (≤ 0) can have zero
    # reports with no later positive one: one index look-up per project spares reading
    # the reports of every other project under construction.
    latest_amount = Subquery(
        reports.filter(project=OuterRef("pk")).order_by("-month").values("investment")[:1],
        output_field=MONEY,
    )
    candidates = (
        _under_construction(projects, as_of)
        .alias(latest_amount=latest_amount)
        .filter(latest_amount__lte=0)
        .values("pk")
    )
    rows = (
        reports.filter(
            project__in=candidates,
            investment=0,
        )
        .alias(started_month=_started_month(as_of, "project"))
        .filter(month__gte=F("started_month"))
        .exclude(Exists(later_positive))
        .order_by()
        .values("project")
        .annotate(zero_months=Count("pk"), zero_since=Min("month"))
        .filter(zero_months__gte=max(rule.months("yellow"), 1))
        .values_list("project", "zero_months", "zero_since")
    )
    red = rule.months("red")
    for pk, months, since in rows:
        level = Level.RED if months >= red else Level.YELLOW
        yield Hit(pk, level, since, f"自{_ym(since)}起连续 {months} 个已报月份完成投资为 0。")


# --- silent (开工之后再无下文) ---------------------------------------------------------------


def evaluate_silent(*, projects, as_of, rule) -> Iterator[Hit]:
    """开工之后再无下文: started, not completed, and no accepted report for each of the
    last n months (the months before the as-of month, from the start month on).

    Started by the end of the window's first month, no accepted report of a month from
    it on: two index look-ups per project; the start and the last report are then read
    for the firing projects only."""
    last_month = add_months(month_start(as_of), -1)

    def window_start(months: int) -> date:
        return add_months(last_month, -(max(months, 1) - 1))

    yellow_start = window_start(rule.months("yellow"))
    red_start = window_start(rule.months("red"))
    reports = accepted_reports(as_of).filter(project=OuterRef("pk"))
    last_report = Subquery(
        reports.order_by().values("project").annotate(last=Max("month")).values("last"),
        output_field=DateField(),
    )
    rows = (
        projects.filter(reached_by(Stage.STARTED, add_months(yellow_start, 1) - timedelta(days=1)))
        .exclude(reached_by(Stage.COMPLETED, as_of))
        .exclude(Exists(reports.filter(month__gte=yellow_start)))
        .annotate(started_month=_started_month(as_of), last_report=last_report)
        .values_list("pk", "started_month", "last_report")
    )
    for pk, started_month, last in rows:
        since = max(started_month, add_months(last, 1)) if last else started_month
        level = Level.RED if since <= red_start else Level.YELLOW
        silent_months = (last_month.year - since.year) * 12 + last_month.month - since.month + 1
        tail = f"最近一次月报为{_ym(last)}" if last else "开工以来没有月报"
        yield Hit(pk, level, since, f"自{_ym(since)}起连续 {silent_months} 个月无月报（{tail}）。")


# --- lagging (低于序时进度) -------------------------------------------------------------

RATIO = figure_selectors.RATIO
POINT_PLACES = Decimal("0.0001")
# Points of lag a float may be trusted to decide by (see _lagging_since).
GAP_MARGIN = 0.01


def _lagging_rows(projects, as_of: date, yellow_points: Decimal, city, known_at=None):
    """Started projects with a plan for ``as_of``'s year whose completion rate is at least
    ``yellow_points`` below 序时进度, with the progress figures of the one figure selector
    (its stages, plans and reports as known at ``known_at``; None: now)."""
    started = (
        reached_by(Stage.STARTED, as_of)
        if known_at is None
        else reached_by_known(Stage.STARTED, as_of, known_at, ref="id")
    )
    # The database compares in binary floating point on SQLite; a hair of slack here,
    # the exact comparison below on decimals rounded to 1/10000 of a point.
    bar = yellow_points / 100 - Decimal("0.000001")
    return (
        figure_selectors.with_investment_progress(
            projects.filter(started),
            year=as_of.year,
            as_of=as_of,
            city=city,
            known_at=known_at,
        )
        .filter(annual_plan_wan__gt=0)
        .annotate(
            gap=ExpressionWrapper(F("time_progress") - F("completion_rate"), output_field=RATIO)
        )
        .filter(gap__gte=Value(bar, output_field=RATIO))
        # Evaluated for the firing rows only: the walk back needs the start date.
        .annotate(started_on=_first_stage_date(Stage.STARTED, as_of))
        .values_list(
            "pk",
            "annual_plan_wan",
            "ytd_investment_wan",
            "time_progress",
            "completion_rate",
            "started_on",
        )
    )


def _points(time_progress, completion_rate) -> Decimal:
    return ((Decimal(time_progress) - Decimal(completion_rate)) * 100).quantize(POINT_PLACES)


def _lagging_since(lagging: dict[int, date | None], as_of: date, yellow: Decimal):
    """For each currently lagging project (pk → the date it started), the first day of the
    earliest month of the year from whose end on it has lagged without a break.

    The figures at every earlier month-end k of the year come from the per-month form of
    the figures' own selector (:func:`ballast.figures.selectors.month_end_progress`: two
    grouped queries for all month-ends at once); the walk back over the at most 11
    month-ends of each firing project is done on those rows.
    """
    since = {pk: month_start(as_of) for pk in lagging}
    months = range(1, as_of.month)
    if not lagging or not months:
        return since
    year = as_of.year
    progress = figure_selectors.month_end_progress(list(lagging), year=year, months=months)
    month_ends = {k: add_months(date(year, k, 1), 1) - timedelta(days=1) for k in months}
    month_starts = {k: date(year, k, 1) for k in months}
    # Most month-ends are far from the bar: a float decides those (its error, under
    # 0.0002 points, is far inside the margin); the exact decimals decide the rest.
    above, below = float(yellow) + GAP_MARGIN, float(yellow) - GAP_MARGIN
    for pk, started_on in lagging.items():
        figures = progress.get(pk)
        if figures is None or started_on is None:
            continue
        for k in reversed(months):
            if started_on > month_ends[k]:
                break
            points = figures.approximate_gap(k) * 100
            if points < below or (
                points < above
                and _points(figures.time_progress(k), figures.completion_rate(k)) < yellow
            ):
                break
            since[pk] = month_starts[k]
    return since


def evaluate_lagging(*, projects, as_of, rule, known_at=None) -> Iterator[Hit]:
    """低于序时进度: a started project with an annual plan whose year-to-date completion
    rate is at least n points below 序时进度 (10 yellow, 20 red by default). ``since`` is
    the first day of the earliest month of the year from whose end on it has lagged
    without a break. Two queries: the current figures, then the month-ends of the firing
    projects (:func:`_lagging_since`). ``known_at``: whether and how much a project lags
    as known at K (stages, plan, curve, reports); the walk back of ``since`` reads the
    month-ends as known now."""
    yellow, red = rule.yellow_threshold, rule.red_threshold
    current, started = {}, {}
    for pk, plan, ytd, progress, rate, started_on in _lagging_rows(
        projects, as_of, yellow, rule.city, known_at
    ):
        points = _points(progress, rate)
        if points >= yellow:
            current[pk] = (plan, ytd, progress, rate, points)
            started[pk] = started_on
    since = _lagging_since(started, as_of, yellow)
    for pk, (plan, ytd, progress, rate, points) in current.items():
        level = Level.RED if points >= red else Level.YELLOW
        yield Hit(
            pk,
            level,
            since[pk],
            f"年度计划投资 {figure_selectors.money(plan)} 万元，已完成 {figure_selectors.money(ytd)} 万元，"
            f"完成率 {Decimal(rate) * 100:.1f}%，低于序时进度 {Decimal(progress) * 100:.1f}% "
            f"{points:.1f} 个百分点。",
        )


# --- report_missing -------------------------------------------------------------------


def evaluate_report_missing(*, projects, as_of, rule, known_at=None) -> Iterator[Hit]:
    """月报逾期未报: the report of the latest month whose deadline has passed is missing
    (not even submitted) for a project that had to report for that month. ``known_at``:
    the reports and stages as known at K — a report filed after K was missing then."""
    month = add_months(month_start(as_of), -1)
    deadline = deadline_for(city=rule.city, month=month)
    if as_of <= deadline:
        month = add_months(month, -1)
        deadline = deadline_for(city=rule.city, month=month)
    days_late = (as_of - deadline).days
    if days_late <= rule.months("yellow"):
        return
    level = Level.RED if days_late > rule.months("red") else Level.YELLOW
    month_end = add_months(month, 1) - timedelta(days=1)
    if known_at is None:
        reports = MonthlyReport.objects.all()
        started = reached_by(Stage.STARTED, month_end)
        completed = reached_by(Stage.COMPLETED, month - timedelta(days=1))
    else:
        reports = known_rows(MonthlyReport, known_at)
        started = reached_by_known(Stage.STARTED, month_end, known_at, ref="id")
        completed = reached_by_known(Stage.COMPLETED, month - timedelta(days=1), known_at, ref="id")
    filed = reports.filter(project_id=OuterRef("id"), month=month).exclude(
        status=ReportStatus.DRAFT
    )
    rows = (
        projects.filter(started)
        .exclude(completed)
        .exclude(Exists(filed))
        .values_list("pk", flat=True)
    )
    since = deadline + timedelta(days=1)
    detail = f"{_ym(month)}月报截止 {deadline}，已逾期 {days_late} 天未报送。"
    for pk in rows:
        yield Hit(pk, level, since, detail)


# --- data_anomaly ---------------------------------------------------------------------


# Slack for the candidate filter below: sums compared in another order may differ by a
# rounding error on SQLite (binary floating point); far below a cent.
CANDIDATE_SLACK = Decimal("0.01")


def _report_candidates(projects, as_of: date, rule) -> list[int]:
    """The projects whose accepted reports may hold a finding, by one grouped aggregate
    (cheap: no window): cumulative sum above the total, a negative amount, or a month of
    the last 12 whose amount ``a`` can reach the pace bar — ``a · (n − 1) ≥ yellow ·
    (S − a)`` for some month is ``max(a) · (n − 1 + yellow) ≥ yellow · S`` (S the sum, n
    the count of the project's accepted months). A superset of the projects that fire:
    :func:`_report_findings` decides on the reports of these only."""
    recent = add_months(month_start(as_of), -PACE_WINDOW_MONTHS)
    yellow = Value(rule.yellow_threshold, output_field=MONEY)
    slack = Value(CANDIDATE_SLACK, output_field=MONEY)
    rows = (
        accepted_reports(as_of)
        .filter(project__in=projects)
        .order_by()
        .values("project")
        .annotate(
            total_sum=Sum("investment"),
            months=Count("pk"),
            lowest=Min("investment"),
            recent_peak=Max("investment", filter=Q(month__gt=recent)),
            total=Max("project__total_investment"),
        )
        .annotate(
            peak_scaled=ExpressionWrapper(
                Coalesce(F("recent_peak"), Value(Decimal(0), output_field=MONEY))
                * (F("months") - 1 + yellow)
                + slack,
                output_field=MONEY,
            ),
            sum_scaled=ExpressionWrapper(yellow * F("total_sum"), output_field=MONEY),
            over_bar=ExpressionWrapper(F("total") - slack, output_field=MONEY),
        )
        .filter(
            Q(total_sum__gt=F("over_bar"))
            | Q(lowest__lt=0)
            | Q(months__gt=PACE_MIN_OTHER_MONTHS, peak_scaled__gte=F("sum_scaled"))
        )
        .values_list("project", flat=True)
    )
    return list(rows)


def _report_findings(projects, as_of: date, rule):
    """The findings on accepted reports, from one pass with window sums and counts:

    * red — the accepted investment of all months up to ``as_of`` exceeds the total; since
      the month whose report took the running sum over it;
    * red — a negative amount; since the first such month;
    * a month of the last 12 at least ``yellow`` times the mean of the project's other
      accepted months (red: ``red`` times).

    Returns ``{project_id: {"over": Hit, "negative": Hit, "pace": [Hit, …]}}``.
    """
    by_project = {"partition_by": [F("project_id")]}
    recent = add_months(month_start(as_of), -PACE_WINDOW_MONTHS)
    crossing = Q(cumulative__gt=F("total"), running__gt=F("total"), before__lte=F("total"))
    unusual = Q(others_count__gte=PACE_MIN_OTHER_MONTHS, others_sum__gt=0) & Q(
        scaled__gte=F("yellow_bar")
    )
    candidates = _report_candidates(projects, as_of, rule)
    if not candidates:
        return {}
    rows = (
        accepted_reports(as_of)
        .filter(IdIn("project_id", candidates))
        .annotate(
            running=Window(Sum("investment"), order_by=F("month").asc(), **by_project),
            cumulative=Window(Sum("investment"), **by_project),
            all_count=Window(Count("pk"), **by_project),
            total=F("project__total_investment"),
            # Months outside the pace window weigh 0, so they never pass the bar below.
            candidate=Case(
                When(month__gt=recent, then=F("investment")),
                default=Value(Decimal(0)),
                output_field=MONEY,
            ),
        )
        .annotate(
            before=ExpressionWrapper(F("running") - F("investment"), output_field=MONEY),
            others_sum=ExpressionWrapper(F("cumulative") - F("investment"), output_field=MONEY),
            others_count=ExpressionWrapper(F("all_count") - 1, output_field=IntegerField()),
        )
        .annotate(
            scaled=ExpressionWrapper(F("candidate") * F("others_count"), output_field=MONEY),
            yellow_bar=ExpressionWrapper(
                Value(rule.yellow_threshold, output_field=MONEY) * F("others_sum"),
                output_field=MONEY,
            ),
        )
        .annotate(
            is_over=Case(When(crossing, then=Value(1)), default=Value(0)),
            is_unusual=Case(When(unusual, then=Value(1)), default=Value(0)),
        )
        .filter(Q(is_over=1) | Q(is_unusual=1) | Q(investment__lt=0))
        .order_by("project_id", "month")
        .values_list(
            "project_id",
            "month",
            "investment",
            "cumulative",
            "total",
            "others_sum",
            "others_count",
            "is_over",
            "is_unusual",
        )
    )
    found: dict[int, dict] = {}
    for pk, month, amount, cumulative, total, others_sum, count, over, pace in rows:
        mine = found.setdefault(pk, {"pace": []})
        # Only with negative amounts can the sum cross twice: the first crossing counts.
        if over and "over" not in mine:
            mine["over"] = Hit(
                pk,
                Level.RED,
                month,
                f"累计完成投资 {figure_selectors.money(cumulative)} 万元超过总投资 {figure_selectors.money(total)} 万元",
            )
        if amount < 0 and "negative" not in mine:
            mine["negative"] = Hit(pk, Level.RED, month, "月报完成投资为负数")
        if pace:
            ratio = Decimal(amount) * count / Decimal(others_sum)
            level = Level.RED if ratio >= rule.red_threshold else Level.YELLOW
            mean = Decimal(others_sum) / count
            mine["pace"].append(
                Hit(
                    pk,
                    level,
                    month,
                    f"{_ym(month)}完成投资 {figure_selectors.money(amount)} 万元，为其他月份平均 "
                    f"{figure_selectors.money(mean)} 万元的 {ratio:.1f} 倍",
                )
            )
    return found


def _negative_project_amounts(projects, as_of: date):
    """Red: an annual plan of a year up to ``as_of``'s year, or the total, below 0. One
    query. Returns ``{project_id: [Hit, …]}`` (plan first, then total)."""
    first_negative_plan = Subquery(
        AnnualPlan.objects.filter(
            project=OuterRef("pk"), year__lte=as_of.year, planned_investment__lt=0
        )
        .order_by()
        .values("project")
        .annotate(first=Min("year"))
        .values("first"),
        output_field=IntegerField(),
    )
    rows = (
        projects.annotate(negative_plan_year=first_negative_plan)
        .filter(Q(negative_plan_year__isnull=False) | Q(total_investment__lt=0))
        .values_list("pk", "negative_plan_year", "total_investment")
    )
    found: dict[int, list[Hit]] = {}
    for pk, year, total in rows:
        hits = found.setdefault(pk, [])
        if year is not None:
            hits.append(Hit(pk, Level.RED, date(year, 1, 1), f"{year}年度计划投资为负数"))
        if total is not None and total < 0:
            hits.append(Hit(pk, Level.RED, as_of, "总投资为负数"))
    return found


def _stage_dates_out_of_order(projects, as_of: date):
    """Red: an event dated after an event of a later stage of the same project; since the
    earliest such event. One pass with a window: each event against the earliest date of
    the project's later stages (the rows before it in descending stage order)."""
    later_min = Window(
        Min("date"),
        partition_by=[F("project_id")],
        order_by=F("seq").desc(),
        frame=RowRange(start=None, end=-1),
    )
    rows = (
        StageEvent.objects.filter(project__in=projects, date__lte=as_of)
        .annotate(seq=stage_seq_expression())
        .annotate(later_min=later_min)
        .filter(later_min__lt=F("date"))
        .order_by()
        .values_list("project_id", "date")
    )
    first: dict[int, date] = {}
    for pk, day in rows:
        first[pk] = min(day, first.get(pk, day))
    for pk in sorted(first):
        yield Hit(pk, Level.RED, first[pk], "阶段日期前后颠倒（后一阶段早于前一阶段）")


def evaluate_data_anomaly(*, projects, as_of, rule) -> Iterator[Hit]:
    """数据异常: cumulative investment above the total, negative amounts, a month far
    above the project's usual pace (yellow/red ratio thresholds), stage dates out of
    order. One warning per project: the worst level, the earliest date, every finding
    (in that order). Three queries: one pass over the accepted reports with window sums,
    the negative plans and totals, the stage dates."""
    reported = _report_findings(projects, as_of, rule)
    negative = _negative_project_amounts(projects, as_of)
    out_of_order = {hit.project_id: hit for hit in _stage_dates_out_of_order(projects, as_of)}
    for pk in sorted(reported.keys() | negative.keys() | out_of_order.keys()):
        mine = reported.get(pk, {})
        hits = [
            *([mine["over"]] if "over" in mine else []),
            *([mine["negative"]] if "negative" in mine else []),
            *negative.get(pk, []),
            *mine.get("pace", []),
            *([out_of_order[pk]] if pk in out_of_order else []),
        ]
        yield Hit(
            pk,
            min((h.level for h in hits), key=LEVEL_RANK.__getitem__),
            min(h.since for h in hits),
            "；".join(h.detail for h in hits) + "。",
        )


# --- registration ---------------------------------------------------------------------

register(
    "start_overdue",
    "开工逾期",
    evaluate_start_overdue,
    defaults=RuleDefaults(
        Decimal(0),
        Decimal(3),
        ThresholdUnit.MONTHS,
        "计划开工日期已过仍未开工：过期即黄色，超过 3 个月红色。",
    ),
)
register(
    "stalled",
    "只开工不施工",
    evaluate_stalled,
    defaults=RuleDefaults(
        Decimal(2),
        Decimal(3),
        ThresholdUnit.MONTHS,
        "已开工未竣工，最近连续 2 个已报月份完成投资为 0 黄色，3 个及以上红色。",
    ),
)
register(
    "silent",
    "开工之后再无下文",
    evaluate_silent,
    defaults=RuleDefaults(
        Decimal(2),
        Decimal(3),
        ThresholdUnit.MONTHS,
        "已开工未竣工，最近连续 2 个月没有月报黄色，3 个月及以上红色。",
    ),
)
register(
    "lagging",
    "低于序时进度",
    evaluate_lagging,
    defaults=RuleDefaults(
        Decimal(10),
        Decimal(20),
        ThresholdUnit.POINTS,
        "已开工且有年度计划的项目，年度投资完成率低于序时进度 10 个百分点黄色，20 个百分点红色。",
    ),
)
register(
    "completion_overdue",
    "竣工逾期",
    evaluate_completion_overdue,
    defaults=RuleDefaults(
        Decimal(0),
        Decimal(6),
        ThresholdUnit.MONTHS,
        "计划竣工日期已过仍未竣工：过期即黄色，超过 6 个月红色。",
    ),
)
register(
    "not_in_statistics",
    "开工未列统",
    evaluate_not_in_statistics,
    defaults=RuleDefaults(
        Decimal(1),
        Decimal(2),
        ThresholdUnit.MONTHS,
        "计划总投资 500 万元及以上的项目开工超过 1 个月未入库纳统黄色，超过 2 个月红色。",
    ),
)
register(
    "report_missing",
    "月报逾期未报",
    evaluate_report_missing,
    defaults=RuleDefaults(
        Decimal(0),
        Decimal(10),
        ThresholdUnit.DAYS,
        "应报项目在填报截止日后仍未报送上月月报：逾期即黄色，超过 10 天红色。",
    ),
)
register(
    "data_anomaly",
    "数据异常",
    evaluate_data_anomaly,
    defaults=RuleDefaults(
        Decimal(5),
        Decimal(10),
        ThresholdUnit.RATIO,
        "累计完成投资超过总投资、金额为负、阶段日期颠倒为红色；某月完成投资达到其他月份平均的"
        " 5 倍黄色、10 倍红色。",
    ),
)
