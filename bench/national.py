"""The national-scale benchmark (issue 16 item 5): every province and city of China,
``--projects`` projects (1,000,000 by default), 36 monthly reports each (January 2021 to
December 2023: 36,000,000 at full scale), built by COPY into PostgreSQL with the monthly
reports partitioned (by year, or by city code: the Citus path); then the figures timed
both ways — read from the maintained facts (``ballast/figures/facts.py``) and computed
from scratch — with their answers asserted equal.

    .venv/bin/python bench/national.py                      # 1,000,000 projects (quiet machine)
    .venv/bin/python bench/national.py --projects 100000    # 100,000 projects, 3.6 M reports
    .venv/bin/python bench/national.py --partition city     # reports partitioned by city

The database is ``BENCH_PG_RUN_NAME`` (default ``ballast_national``) on ``BENCH_PG``
(default ``postgres://postgres@127.0.0.1:5432``); it is built once and reused
(``--rebuild`` drops it first). Projects go 3 % to the timed city (Jiangsu's first), 7 %
to Jiangsu's other cities and the rest evenly to every other city, so the timed city
and province are the large ones a national installation has.

Timed, best of ``--repeat`` runs after a warm-up, maintained and from scratch: the
city's figures, the province's (its cities compared), every unit's figures, a
quarterly assessment of the city, the cockpit's figures of a city leader; all warnings of
the city (they read no facts: one time).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR, AS_OF = 2023, date(2023, 9, 30)
MONTHS = [date(y, m, 1) for y in (2021, 2022, 2023) for m in range(1, 13)]
TIMED_PROVINCE = "320000"


def configure(name: str, rebuild: bool) -> str:
    import psycopg

    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(f"DROP DATABASE {name}")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")
    return f"{server}/{name}"


PARTITIONED = {
    "year": (
        "PARTITION BY RANGE (month)",
        ["(id, month)", "(project_id, month)"],
        [f"FOR VALUES FROM ('{y}-01-01') TO ('{y + 1}-01-01')" for y in range(2019, 2026)],
    ),
    "city": (
        "PARTITION BY LIST (city_code)",
        ["(id, city_code)", "(project_id, month, city_code)"],
        [],
    ),
}


def partition_reports(kind: str, city_codes: list[str]) -> None:
    """Replace the (empty) monthly reports table by a partitioned one with the same
    columns, keys (each holding the partition key), indexes and figures triggers. By
    city: a ``city_code`` column (the distribution column under Citus) and one
    partition per city code."""
    from django.db import connection

    how, (pk, unique), bounds = PARTITIONED[kind]
    if kind == "city":
        bounds = [f"FOR VALUES IN ('{code}')" for code in city_codes]
    statements = [
        "ALTER TABLE reports_monthlyreport RENAME TO reports_monthlyreport_plain",
        "CREATE TABLE reports_monthlyreport (LIKE reports_monthlyreport_plain "
        "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY"
        + (", city_code varchar(12) NOT NULL DEFAULT ''" if kind == "city" else "")
        + f") {how}",
        "DROP TABLE reports_monthlyreport_plain",
        f"ALTER TABLE reports_monthlyreport ADD PRIMARY KEY {pk}",
        f"ALTER TABLE reports_monthlyreport ADD CONSTRAINT report_once_per_project_month "
        f"UNIQUE {unique}",
        "CREATE INDEX report_accepted_sums ON reports_monthlyreport "
        "(project_id, status, month, investment)",
        "CREATE INDEX report_status_month ON reports_monthlyreport (status, month)",
    ]
    for i, bound in enumerate(bounds):
        statements.append(
            f"CREATE TABLE reports_monthlyreport_p{i} PARTITION OF reports_monthlyreport {bound}"
        )
    statements.append(
        "CREATE TABLE reports_monthlyreport_rest PARTITION OF reports_monthlyreport DEFAULT"
    )
    sql = (ROOT / "ballast" / "figures" / "sql" / "facts.sql").read_text()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(sql)  # the triggers again, on the new table


def build(n_projects: int, partition: str, log=print) -> dict:
    from django.db import connection, transaction

    from ballast.core.db import refresh_statistics
    from ballast.projects.models import AnnualPlan, Project, StageEvent
    from ballast.regions.choices import RegionKind
    from ballast.regions.models import Region
    from ballast.regions.services import china_data, init_city, init_province
    from ballast.reports.models import MonthlyReport
    from bench.build import CATEGORIES, PRODUCING, SIZES, Table, _money, _weighted

    rng = random.Random(2023)
    started = time.perf_counter()
    for entry in china_data()["provinces"]:
        if entry.get("municipality"):
            init_city(code=entry["code"])
        else:
            init_province(code=entry["code"])
    cities = list(Region.objects.filter(kind=RegionKind.CITY).order_by("code"))
    units = {
        c.pk: list(Region.objects.filter(is_assessment_unit=True, path__startswith=f"{c.path}/"))
        for c in cities
    }
    cities = [c for c in cities if units[c.pk]]
    regions_seconds = time.perf_counter() - started
    log(
        f"  regions: {len(cities)} cities, {sum(map(len, units.values()))} units "
        f"({regions_seconds:.0f} s)"
    )
    if partition != "none":
        partition_reports(partition, [c.code for c in cities])
    jiangsu = [c for c in cities if c.code.startswith(TIMED_PROVINCE[:2])]
    timed, others_js = jiangsu[0], jiangsu[1:]
    rest = [c for c in cities if c not in jiangsu]
    share = {timed.pk: 0.03}
    share.update({c.pk: 0.07 / len(others_js) for c in others_js})
    share.update({c.pk: 0.90 / len(rest) for c in rest})

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
    plans = Table(AnnualPlan, ["id", "project_id", "year", "planned_investment"])
    reports = Table(MonthlyReport, ["project_id", "month", "investment", "status"])
    if partition == "city":
        reports.columns.append("city_code")
        reports.template.append("")
        reports.positions.append(len(reports.columns) - 1)
    counts = dict.fromkeys(("projects", "events", "plans", "reports"), 0)
    project_id = plan_id = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Neither the figures triggers nor the foreign-key checks row by row: the
            # facts are rebuilt once at the end (figures_rebuild), the keys are made here.
            cursor.execute("SET LOCAL session_replication_role = replica")
        for city in cities:
            n_city = round(n_projects * share[city.pk])
            for _ in range(n_city):
                project_id += 1
                unit = rng.choice(units[city.pk])
                category = _weighted(rng, CATEGORIES)[0]
                low, high, _w = _weighted(rng, SIZES)
                total = rng.randint(low, high) * 100
                day = date(2018, 1, 1) + timedelta(days=rng.randint(0, 6 * 365 - 90))
                stages = {"signed": day}
                day += timedelta(days=rng.randint(15, 90))
                stages["landed"] = day
                day += timedelta(days=rng.randint(30, 150))
                stages["started"] = day
                stages["in_statistics"] = day + timedelta(days=rng.randint(20, 70))
                day += timedelta(days=rng.randint(600, 1800))
                stages["completed"] = day
                if category in PRODUCING:
                    stages["in_production"] = day + timedelta(days=rng.randint(30, 90))
                planned_start = stages["signed"] + timedelta(days=90)
                planned_completion = planned_start + timedelta(days=rng.randint(500, 1300))
                projects.add(
                    project_id,
                    f"全国基准项目{project_id}",
                    unit.pk,
                    category,
                    "city",
                    "domestic",
                    _money(total),
                    _money(total),
                    planned_start,
                    planned_completion,
                    planned_completion,
                )
                for stage, on in stages.items():
                    if on <= date(2023, 12, 31):
                        events.add(project_id, stage, on)
                monthly = max(1, total // 48)
                for year in (2021, 2022, 2023):
                    if rng.random() < 0.8:
                        plan_id += 1
                        plans.add(plan_id, project_id, year, _money(monthly * 12))
                for month in MONTHS:
                    if month < date(2023, 11, 1):
                        status = "accepted" if rng.random() > 0.002 else "returned"
                    elif month == date(2023, 11, 1):
                        status = "accepted" if rng.random() < 0.7 else "submitted"
                    else:
                        status = "draft"
                    amount = _money(int(monthly * rng.uniform(0.0, 2.0)))
                    if partition == "city":
                        reports.add(project_id, month, amount, status, city.code)
                    else:
                        reports.add(project_id, month, amount, status)
                if len(reports.rows) > 200_000:
                    counts["reports"] += reports.flush()
            for name, table in (("projects", projects), ("events", events), ("plans", plans)):
                counts[name] += table.flush()
            counts["reports"] += reports.flush()
        log(f"  rows loaded: {counts} ({time.perf_counter() - started:.0f} s)")
        with connection.cursor() as cursor:
            for table in ("projects_project", "projects_annualplan"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            facts_started = time.perf_counter()
            cursor.execute("SELECT figures_rebuild()")
            counts["facts_seconds"] = round(time.perf_counter() - facts_started, 1)
    refresh_statistics()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def timed(fn, repeat: int) -> tuple[float, object]:
    answer = fn()  # warm-up, and the answer compared
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--partition", choices=("year", "city", "none"), default="year")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = configure(os.environ.get("BENCH_PG_RUN_NAME", "ballast_national"), args.rebuild)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ballast.projects.models import Project

    call_command("migrate", verbosity=0)
    build_counts = None
    if not Project.objects.exists():
        print(
            f"building {args.projects:,} projects (reports partitioned by {args.partition}) …",
            flush=True,
        )
        build_counts = build(args.projects, args.partition)
        print(f"built: {build_counts}", flush=True)

    from ballast.accounts.models import User
    from ballast.alerts import services as alert_services
    from ballast.alerts.selectors import warnings_as_of
    from ballast.assessments.selectors import assess
    from ballast.assessments.services import ensure_default_schemes
    from ballast.core.history import acting
    from ballast.dashboards.selectors import cockpit
    from ballast.figures import facts
    from ballast.figures.selectors import (
        area_and_cities_figures,
        city_units,
        unit_figures,
        units_figures,
    )
    from ballast.regions.models import Region
    from ballast.reports.models import MonthlyReport
    from bench.run import machine

    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    province = Region.objects.get(code=TIMED_PROVINCE)
    city = Region.objects.filter(kind="city", code__startswith="32").order_by("code").first()
    units = list(city_units(city))
    leader = User.objects.filter(username="national_leader").first()
    if leader is None:
        leader = User.objects.create(
            username="national_leader", role="leader", region=city, is_active=True
        )
    with acting(reason="基准测试", source="command"):
        alert_services.ensure_default_rules(city)
        scheme = {s.slug: s for s in ensure_default_schemes(city)}["quarterly"]
    period = f"{AS_OF.year}Q{(AS_OF.month - 1) // 3 + 1}"
    cases = [
        ("city figures", lambda: unit_figures(unit=city, year=YEAR, as_of=AS_OF)),
        (
            "province figures (and its cities)",
            lambda: area_and_cities_figures(area=province, year=YEAR, as_of=AS_OF),
        ),
        ("every unit's figures", lambda: units_figures(city=city, year=YEAR, as_of=AS_OF)),
        (
            f"quarterly assessment {period} of the city",
            lambda: assess(scheme=scheme, period=period, as_of=AS_OF, city=city),
        ),
        ("cockpit figures (city leader)", lambda: cockpit(user=leader, region=city, as_of=AS_OF)),
    ]
    rows, mismatches = [], []
    for label, fn in cases:
        kept, kept_answer = timed(fn, args.repeat)
        with facts.from_scratch():
            scratch, scratch_answer = timed(fn, args.repeat)
        same = repr(kept_answer) == repr(scratch_answer)
        if not same:
            mismatches.append(label)
        rows.append((label, kept, scratch, same))
        print(
            f"  {label}: maintained {kept * 1000:.0f} ms, from scratch {scratch * 1000:.0f} ms, "
            f"{'equal' if same else 'DIFFERENT'} (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    city_projects = Project.objects.filter(unit__in=units)
    warn, _ = timed(lambda: warnings_as_of(projects=city_projects, as_of=AS_OF), args.repeat)
    print()
    print(
        f"Machine: {machine()}; PostgreSQL {connection.pg_version // 10000}; "
        f"{url.split('@')[-1]}; jit off"
    )
    data = {
        "projects": Project.objects.count(),
        "monthly reports": MonthlyReport.objects.count(),
        "projects in the timed city": city_projects.count(),
        "units of the timed city": len(units),
    }
    print("Data: " + "; ".join(f"{k} {v:,}" for k, v in data.items()))
    if build_counts:
        print(
            f"Build: {build_counts['seconds']:.0f} s (facts rebuild "
            f"{build_counts['facts_seconds']:.0f} s); reports partitioned by {args.partition}"
        )
    print(
        f"Figures for {YEAR} as of {AS_OF}, {city.name}; best of {args.repeat} after a "
        f"warm-up; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}."
    )
    print()
    print("| measured | maintained facts | from scratch | ratio | answers |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, kept, scratch, same in rows:
        print(
            f"| {label} | {kept * 1000:.0f} ms | {scratch * 1000:.0f} ms | "
            f"{scratch / kept:.1f}× | {'equal' if same else 'DIFFERENT'} |"
        )
    print(f"| all warnings of the city (read no facts) | {warn * 1000:.0f} ms | — | — | — |")
    if mismatches:
        raise SystemExit(f"maintained and from-scratch answers differ: {mismatches}")


if __name__ == "__main__":
    main()
