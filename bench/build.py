"""Build the benchmark dataset fast: regions through ``init_city``, everything else by raw
bulk SQL (COPY on PostgreSQL, ``executemany`` on SQLite) — no ORM saves, no history rows.

The data is deterministic (a seeded generator): projects with signing, landing, start,
statistics, completion, production and capacity dates; annual plans for 2021–2023 (one in
ten with its own monthly curve); monthly reports for every month of construction from
January 2021 to December 2023 (the last months partly unaccepted); unit targets for 2023;
and the attraction pipeline (招商线索): 13 clusters and 7 channels per city, and half as many
leads as projects raised from 2021 to 2023 — most contacted, over half of those
negotiated, about half of those signed, some terminated, one in a hundred a duplicate
the city resolved, one signed in ten with foreign capital.

And what real cities have beside (drawn by a second generator, so the projects, stages,
plans and reports stay exactly as they were): suspensions (停缓建, some resumed) and
terminations (终止), leaders linked to projects (挂钩领导), amended reports (更正) with
their history rows (the original and the amendment), coordination issues (协调问题) —
open, resolved or closed, some past their deadline — and projects that stop reporting
or miss a month's report.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from ballast.accounts.models import User
from ballast.attraction.models import Channel, Lead
from ballast.coordination.models import Issue
from ballast.core.db import refresh_statistics
from ballast.projects.models import (
    AnnualPlan,
    IndustryCluster,
    PlanMonth,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)
from ballast.regions.models import Region
from ballast.regions.services import init_city, province_data
from ballast.reports.models import MonthlyReport

FIRST_YEAR, LAST_YEAR = 2021, 2023
END = date(LAST_YEAR, 12, 31)
CATEGORIES = [
    ("industrial", 55),
    ("services", 15),
    ("infrastructure", 15),
    ("social", 10),
    ("ecology", 5),
]
PRODUCING = {"industrial", "services"}
SIZES = [  # (low, high, weight) in 万元
    (2_000, 9_999, 40),
    (10_000, 99_999, 40),
    (100_000, 499_999, 15),
    (500_000, 999_999, 4),
    (1_000_000, 3_000_000, 1),
]


class Table:
    """Rows for one model's table: every concrete column, defaults filled in once."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        self.table = model._meta.db_table
        now = timezone.now()
        if connection.vendor == "sqlite":
            now = now.replace(tzinfo=None)  # Django stores naive UTC in SQLite
        pk = model._meta.pk.column
        fields = [f for f in model._meta.concrete_fields if f.column != pk or pk in columns]
        self.columns = [f.column for f in fields]
        template = []
        for f in fields:
            if f.name in ("created_at", "updated_at"):
                template.append(now)
            elif f.has_default():
                template.append(f.get_default())
            elif f.null:
                template.append(None)
            elif f.get_internal_type() in ("CharField", "TextField", "SlugField"):
                template.append("")
            else:
                template.append(None)
        self.template = template
        self.positions = [self.columns.index(c) for c in columns]
        self.rows: list[list] = []

    def add(self, *values) -> None:
        row = self.template.copy()
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        self.rows.append(row)

    def flush(self) -> int:
        n = len(self.rows)
        if not n:
            return 0
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if connection.vendor == "postgresql":
            raw = connection.connection  # the psycopg connection
            copy_sql = f"COPY {self.table} ({cols}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows)
        self.rows = []
        return n


def _weighted(rng, pairs):
    total = sum(w for *_, w in pairs)
    x = rng.uniform(0, total)
    for item in pairs:
        x -= item[-1]
        if x <= 0:
            return item
    return pairs[-1]


def _month_first(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


CLUSTERS = [
    "新能源", "新材料", "高端装备", "汽车及零部件", "生物医药", "集成电路", "软件和信息服务",
    "食品", "纺织服装", "现代物流", "文化旅游", "数字经济", "节能环保",
]  # fmt: skip
CHANNELS = ["产业链招商", "基金招商", "乡贤招商", "驻点招商", "以商招商", "展会", "其他"]
LEADS_PER_PROJECT = 0.5  # the pipeline beside the projects (demo: ~420 leads, 13 clusters)


def _leads(rng, leads: Table, lead_id: int, city, units, clusters, channels, n: int) -> int:
    """``n`` leads of ``city`` raised 2021–2023, each moving on with the chances below
    (dates after the dataset's end are cut: the lead is still where it was then)."""
    raised: list[int] = []
    for _ in range(n):
        lead_id += 1
        unit = rng.choice(units)
        low, high, _w = _weighted(rng, SIZES)
        amount = _money(rng.randint(low, high) * 100)
        info = date(FIRST_YEAR, 1, 1) + timedelta(days=rng.randint(0, 3 * 365 - 1))
        contacted = negotiating = signed = terminated = None
        stage, reason = "info", ""
        day = info
        if rng.random() < 0.8:
            day += timedelta(days=rng.randint(5, 60))
            contacted, stage = day, "contact"
            if rng.random() < 0.6:
                day += timedelta(days=rng.randint(10, 90))
                negotiating, stage = day, "negotiating"
                if rng.random() < 0.5:
                    day += timedelta(days=rng.randint(10, 120))
                    signed, stage = day, "signed"
        if stage != "signed" and rng.random() < 0.25:
            day += timedelta(days=rng.randint(10, 120))
            terminated, stage, reason = day, "terminated", "elsewhere"
        dates = [contacted, negotiating, signed, terminated]
        if any(d is not None and d > END for d in dates):  # cut at the end of the data
            contacted, negotiating, signed, terminated = (
                d if d is not None and d <= END else None for d in dates
            )
            stage = (
                "signed" if signed else "negotiating" if negotiating
                else "contact" if contacted else "info"
            )  # fmt: skip
            reason = ""
        duplicate_of = rng.choice(raised) if raised and rng.random() < 0.01 else None
        usd = _money(rng.randint(100, 5000) * 100) if signed and rng.random() < 0.1 else None
        investor = f"基准投资方{lead_id}有限公司"
        leads.add(
            lead_id,
            unit.pk,
            investor,
            f"基准线索项目{lead_id}",
            amount,
            usd,
            rng.choice(clusters) if rng.random() < 0.9 else None,
            rng.choice(channels),
            stage,
            info,
            contacted,
            negotiating,
            signed,
            terminated,
            reason,
            duplicate_of,
            investor,
            f"基准线索项目{lead_id}",
        )
        raised.append(lead_id)
    return lead_id


def _additions(rng, project_id, stages, leaders, suspensions, terminations) -> None:
    """停缓建 for about 3 in 100 started projects (half of them resumed), 终止 for about
    1 in 100 projects: dated within the reported years."""
    start = stages.get("started")
    if start is not None and start <= END and rng.random() < 0.03:
        on = max(start, date(FIRST_YEAR, 1, 1)) + timedelta(days=rng.randint(30, 700))
        if on <= END:
            resumed = on + timedelta(days=rng.randint(60, 400)) if rng.random() < 0.5 else None
            suspensions.add(
                project_id, rng.choice(("stopped", "deferred")), "funding", on, resumed, ""
            )
    if rng.random() < 0.01:
        on = date(FIRST_YEAR, 1, 1) + timedelta(days=rng.randint(0, 3 * 365 - 1))
        terminations.add(project_id, on, "investor_withdrew", "投资方撤资")


def _issues(rng, project_id, stages, leaders, issues) -> None:
    """协调问题 for about 1 in 12 projects (1–3 each), raised in 2022–2023 with a deadline
    30–120 days on: resolved (and perhaps closed) some time after, or still open."""
    if rng.random() >= 1 / 12:
        return
    for _ in range(rng.randint(1, 3)):
        raised = date(2022, 1, 1) + timedelta(days=rng.randint(0, 2 * 365 - 1))
        deadline = raised + timedelta(days=rng.randint(30, 120))
        resolved = closed = None
        status = rng.choice(ISSUE_STATUSES)
        if rng.random() < 0.6:
            resolved = raised + timedelta(days=rng.randint(10, 200))
            status = "resolved"
            if rng.random() < 0.7:
                closed = resolved + timedelta(days=rng.randint(1, 30))
                status = "closed"
        issues.add(
            project_id,
            rng.choice(ISSUE_CATEGORIES),
            "基准测试协调问题",
            raised,
            rng.choice(leaders).pk,
            deadline,
            status,
            resolved,
            closed,
        )


def city_codes(n_cities: int) -> list[str]:
    return [c["code"] for c in province_data("320000")["cities"]][:n_cities]


LEADERS_PER_CITY = 40
ISSUE_CATEGORIES = ("land", "planning", "permit", "funding", "utilities")
ISSUE_STATUSES = ("open", "accepted", "in_progress")


def build(*, n_cities: int, projects_per_city: int, seed: int = 2023, log=print) -> dict:
    """Build the dataset into the (empty) current database; returns row counts."""
    rng = random.Random(seed)
    lead_rng = random.Random(seed + 1)  # its own, so the projects stay as they were
    # The additions of real cities (suspensions, issues, …) come from their own
    # generator: the core data does not change with them.
    extra = random.Random(seed + 2)
    started_at = time.perf_counter()
    cities = [init_city(code=code) for code in city_codes(n_cities)]
    units = {
        city.pk: list(Region.objects.filter(parent=city, is_assessment_unit=True))
        for city in cities
    }
    projects = Table(
        Project,
        [
            "id",
            "name",
            "unit_id",
            "category",
            "level",
            "origin",
            "total_investment",
            "baseline_total_investment",
            "planned_start",
            "planned_completion",
            "baseline_completion",
        ],
    )
    events = Table(StageEvent, ["project_id", "stage", "date"])
    plans = Table(
        AnnualPlan, ["id", "project_id", "year", "planned_investment", "completion_month"]
    )
    months = Table(PlanMonth, ["plan_id", "month", "planned_investment"])
    reports = Table(MonthlyReport, ["id", "project_id", "month", "investment", "status"])
    targets = Table(UnitTarget, ["unit_id", "period", "indicator", "value"])
    leads = Table(
        Lead,
        [
            "id", "unit_id", "investor", "project_name", "amount", "amount_usd", "cluster_id",
            "channel_id", "stage", "info_on", "contacted_on", "negotiating_on", "signed_on",
            "terminated_on", "termination_reason", "duplicate_of_id", "investor_key",
            "project_key",
        ],
    )  # fmt: skip
    suspensions = Table(
        Suspension, ["project_id", "kind", "reason", "started_on", "resumed_on", "note"]
    )
    terminations = Table(Termination, ["project_id", "terminated_on", "reason", "note"])
    leader_links = Table(Project.leaders.through, ["project_id", "user_id"])
    issues = Table(
        Issue,
        [
            "project_id",
            "category",
            "description",
            "raised_on",
            "raised_by_id",
            "deadline",
            "status",
            "resolved_on",
            "closed_on",
        ],
    )
    history = MonthlyReport.history.model
    report_history = Table(
        history,
        [
            "id",
            "project_id",
            "month",
            "investment",
            "status",
            "amendment_count",
            "version",
            "history_date",
            "history_type",
            "history_change_reason",
            "history_source",
            "history_reason_text",
        ],
    )
    counts = dict.fromkeys(
        (
            "projects",
            "events",
            "plans",
            "months",
            "reports",
            "targets",
            "suspensions",
            "terminations",
            "leader links",
            "issues",
            "report history",
            "leads",
        ),
        0,
    )
    report_id = 0
    history_at = timezone.now()
    if connection.vendor == "sqlite":
        history_at = history_at.replace(tzinfo=None)
    project_id = plan_id = lead_id = 0
    with transaction.atomic():
        for city in cities:
            leaders = [
                User.objects.create(
                    username=f"bench-leader-{city.code}-{n}",
                    full_name=f"领导{city.code[-2:]}{n:02d}",
                    region=city,
                )
                for n in range(LEADERS_PER_CITY)
            ]
            clusters = [
                IndustryCluster.objects.create(city=city, code=f"c{i}", name=name, sort_order=i).pk
                for i, name in enumerate(CLUSTERS, start=1)
            ]
            channels = [
                Channel.objects.create(city=city, code=f"ch{i}", name=name, sort_order=i).pk
                for i, name in enumerate(CHANNELS, start=1)
            ]
            lead_id = _leads(
                lead_rng,
                leads,
                lead_id,
                city,
                units[city.pk],
                clusters,
                channels,
                int(projects_per_city * LEADS_PER_PROJECT),
            )
            for unit in units[city.pk]:
                for period, factor in (("2023", 4), ("2023Q3", 1)):
                    n = projects_per_city // len(units[city.pk])
                    targets.add(unit.pk, period, "signed_count", Decimal(n // 5 * factor // 4))
                    targets.add(unit.pk, period, "started_count", Decimal(n // 6 * factor // 4))
                    targets.add(unit.pk, period, "landed_rate", Decimal("0.8"))
            for _ in range(projects_per_city):
                project_id += 1
                unit = rng.choice(units[city.pk])
                category = _weighted(rng, CATEGORIES)[0]
                low, high, _w = _weighted(rng, SIZES)
                total = rng.randint(low, high) * 100  # cents of 万元 in whole 万元
                stages = {}
                day = date(2018, 1, 1) + timedelta(days=rng.randint(0, 6 * 365 - 90))
                if rng.random() < 0.9:
                    stages["signed"] = day
                if rng.random() < 0.85:
                    day += timedelta(days=rng.randint(15, 90))
                    stages["landed"] = day
                    if rng.random() < 0.85:
                        day += timedelta(days=rng.randint(30, 150))
                        stages["started"] = day
                        start = day
                        if rng.random() < 0.9:
                            stages["in_statistics"] = day + timedelta(days=rng.randint(20, 70))
                        day = start + timedelta(days=rng.randint(600, 1800))
                        stages["completed"] = day
                        if category in PRODUCING:
                            day += timedelta(days=rng.randint(30, 90))
                            stages["in_production"] = day
                            if rng.random() < 0.6:
                                stages["at_capacity"] = day + timedelta(days=rng.randint(300, 600))
                signed = stages.get("signed") or stages.get("landed") or day
                planned_start = signed + timedelta(days=90)
                planned_completion = planned_start + timedelta(days=rng.randint(500, 1300))
                late = rng.random() < 0.3
                baseline_completion = (
                    planned_completion - timedelta(days=rng.randint(30, 2000))
                    if late
                    else planned_completion
                )
                baseline_total = total - rng.randint(0, total // 5) * (rng.random() < 0.2)
                projects.add(
                    project_id,
                    f"基准项目{project_id}",
                    unit.pk,
                    category,
                    "city",
                    "domestic",
                    _money(total),
                    _money(baseline_total),
                    planned_start,
                    planned_completion,
                    baseline_completion,
                )
                for stage, on in stages.items():
                    if on <= END:
                        events.add(project_id, stage, on)
                _additions(extra, project_id, stages, leaders, suspensions, terminations)
                _issues(extra, project_id, stages, leaders, issues)
                for leader in extra.sample(leaders, extra.choice((0, 0, 1, 1, 2))):
                    leader_links.add(project_id, leader.pk)
                start = stages.get("started")
                if start is None or start > END:
                    continue
                completed = stages["completed"]
                span_months = max(1, (completed - start).days // 30)
                monthly = total // span_months  # cents per month on average
                for year in range(FIRST_YEAR, LAST_YEAR + 1):
                    if start.year > year or completed.year < year:
                        continue
                    plan_id += 1
                    first = max(start, date(year, 1, 1))
                    last = min(completed, date(year, 12, 31))
                    n_months = last.month - first.month + 1
                    planned = monthly * n_months
                    plans.add(
                        plan_id,
                        project_id,
                        year,
                        _money(planned),
                        completed.month if completed.year == year else None,
                    )
                    if rng.random() < 0.1 and n_months:
                        share = planned // n_months
                        for m in range(first.month, last.month + 1):
                            amount = share if m < last.month else planned - share * (n_months - 1)
                            months.add(plan_id, m, _money(amount))
                month = _month_first(max(start, date(FIRST_YEAR, 1, 1)))
                stop = _month_first(min(completed, END))
                # Some projects fall silent in 2023 (no report from a month on), some miss
                # one month's report (August 2023, the month due before the as-of date).
                silent_from = date(2023, extra.randint(3, 8), 1) if extra.random() < 0.02 else None
                missing = date(2023, 8, 1) if extra.random() < 0.02 else None
                while month <= stop:
                    amount = int(monthly * rng.uniform(0.0, 2.0)) if rng.random() > 0.05 else 0
                    if month < date(2023, 11, 1):
                        status = "accepted" if rng.random() > 0.002 else "returned"
                    elif month == date(2023, 11, 1):
                        status = "accepted" if rng.random() < 0.7 else "submitted"
                    else:
                        status = "draft"
                    if month == missing or (silent_from and month >= silent_from):
                        month = _next_month(month)
                        continue
                    report_id += 1
                    reports.add(report_id, project_id, month, _money(amount), status)
                    if status == "accepted" and extra.random() < 0.02:
                        # 更正: an amended report, its history the original and the change
                        # (the report row keeps the amended amount).
                        before = int(amount * extra.uniform(0.5, 1.5))
                        reports.rows[-1][reports.columns.index("amendment_count")] = 1
                        reports.rows[-1][reports.columns.index("version")] = 2
                        for version, value, kind, reason in (
                            (1, before, "+", "验收"),
                            (2, amount, "~", "更正：核对发票后更正"),
                        ):
                            report_history.add(
                                report_id,
                                project_id,
                                month,
                                _money(value),
                                status,
                                version - 1,
                                version,
                                history_at,
                                kind,
                                reason[:100],
                                "command",
                                reason,
                            )
                    month = _next_month(month)
                if len(reports.rows) > 200_000:
                    counts["reports"] += reports.flush()
            for name, table in (
                ("projects", projects),
                ("events", events),
                ("plans", plans),
                ("months", months),
                ("reports", reports),
                ("targets", targets),
                ("leads", leads),
                ("suspensions", suspensions),
                ("terminations", terminations),
                ("leader links", leader_links),
                ("issues", issues),
                ("report history", report_history),
            ):
                counts[name] += table.flush()
            log(f"  {city.name}: {sum(counts.values()):,} rows so far")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Project, AnnualPlan, MonthlyReport, Lead):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
    refresh_statistics()
    counts["seconds"] = round(time.perf_counter() - started_at, 1)
    return counts
