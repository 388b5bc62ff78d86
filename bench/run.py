"""The figures benchmark: build a dataset, then time each figure against its SQL bound.

    .venv/bin/python bench/run.py --db sqlite --scale city
    .venv/bin/python bench/run.py --db postgres --scale province [--rebuild]

* ``city``: one city (8,000 projects); ``province``: Jiangsu's 13 cities (10,000 projects
  each, 130,000 in all), 3 years of monthly reports (2021–2023).
* SQLite: ``var/bench/ballast_bench_<scale>.sqlite3``; PostgreSQL: the database
  ``ballast_bench`` (or ``BENCH_PG_RUN_NAME``) on ``BENCH_PG`` (default
  ``postgres://postgres@127.0.0.1:5432``). The
  dataset is built once (raw bulk SQL, see ``bench/build.py``) and reused; ``--rebuild``
  drops it first.

For each of: the city's figures, one unit's figures, every unit's figures at once, all
warnings of the city, a quarterly assessment — it prints the best time of
``--repeat`` runs (after a warm-up) and its ratio to the best time of the hand-written
plain SQL aggregate that is the lower bound for it (``bench/lower_bounds.py``).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {"city": (1, 8_000), "province": (13, 10_000)}
PG_NAME = os.environ.get("BENCH_PG_RUN_NAME", "ballast_bench")
YEAR, AS_OF = 2023, date(2023, 9, 30)


def configure(db: str, scale: str, rebuild: bool) -> str:
    if db == "sqlite":
        path = ROOT / "var" / "bench" / f"ballast_bench_{scale}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]
            ).fetchone()
            if exists and rebuild:
                conn.execute(f"DROP DATABASE {PG_NAME}")
                exists = None
            if not exists:
                conn.execute(f"CREATE DATABASE {PG_NAME}")
        url = f"{server}/{PG_NAME}"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")
    return url


def timed(fn, repeat: int) -> tuple[float, float]:
    """The best wall time and the best CPU time of this process over ``repeat`` runs after
    a warm-up. The machine is shared, so the best run is the least disturbed one; on
    SQLite the database works inside this process, so its CPU time counts the query work
    too (on PostgreSQL it counts only the Python side)."""
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        mem = "? RAM"
    return f"{cpu}, {os.cpu_count()} cores, {mem}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", choices=tuple(SCALES), default="city")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the dataset")
    parser.add_argument("--build-only", action="store_true", help="build, do not time")
    parser.add_argument(
        "--jit",
        choices=("default", "off"),
        default="default",
        help="PostgreSQL: 'off' runs SET jit = off (recommended for these short aggregates)",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--imports",
        action="store_true",
        help="also run bench/import_bench.py (10,000 rows) on the same database kind",
    )
    parser.add_argument(
        "--pages", action="store_true", help="also run bench/pages.py (the demo city's pages)"
    )
    parser.add_argument(
        "--only",
        action="append",
        help="figures|unit|units|warnings|assessment|attraction (repeatable)",
    )
    args = parser.parse_args()
    url = configure(args.db, args.scale, args.rebuild)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ballast.projects.models import Project
    from bench import lower_bounds
    from bench.build import build, city_codes

    call_command("migrate", verbosity=0)
    n_cities, per_city = SCALES[args.scale]
    if not Project.objects.exists():
        print(f"building {args.scale} dataset on {args.db} …", flush=True)
        counts = build(n_cities=n_cities, projects_per_city=per_city)
        print(f"built: {counts}", flush=True)
    if args.build_only:
        return

    from ballast.figures.selectors import city_units, unit_figures, units_figures
    from ballast.regions.models import Region
    from ballast.reports.models import MonthlyReport

    if connection.vendor == "postgresql" and args.jit == "off":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    city = Region.objects.get(code=city_codes(1)[0])
    unit = city_units(city).first()
    rows = {
        "projects": Project.objects.count(),
        "monthly reports": MonthlyReport.objects.count(),
    }
    with connection.cursor() as cursor:
        total = 0
        for table in connection.introspection.table_names(cursor):
            if table.startswith(("projects_", "reports_")) and "historical" not in table:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                total += cursor.fetchone()[0]
        rows["rows in projects_* and reports_*"] = total
        rows["projects in the timed city"] = Project.objects.filter(unit__parent=city).count()
    db_version = (
        f"SQLite {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    )

    measures = []
    ratios: dict[str, float] = {}
    answers: list[str] = []  # answers compared, and equal
    mismatches: list[str] = []  # answers compared, and not equal: the run fails

    def measure(key, label, fn, bound):
        if args.only and key not in args.only:
            return
        wall, cpu = timed(fn, args.repeat)
        bound_wall, bound_cpu = timed(bound, args.repeat)
        measures.append((label, wall, cpu, bound_wall, bound_cpu))
        ratios[key] = wall / bound_wall
        print(
            f"  {label}: {_ms(wall)} (cpu {_ms(cpu)}); bound {_ms(bound_wall)} "
            f"(cpu {_ms(bound_cpu)}); {wall / bound_wall:.1f}×",
            flush=True,
        )

    city_scope = ("u.parent_id = %s", city.pk)
    unit_scope = ("p.unit_id = %s", unit.pk)
    measure(
        "figures",
        f"city figures ({city.name}, unit_figures)",
        lambda: unit_figures(unit=city, year=YEAR, as_of=AS_OF),
        lambda: lower_bounds.figures_bound(
            scope=city_scope[0], scope_id=city_scope[1], year=YEAR, as_of=AS_OF
        ),
    )
    measure(
        "unit",
        f"one unit's figures ({unit.name})",
        lambda: unit_figures(unit=unit, year=YEAR, as_of=AS_OF),
        lambda: lower_bounds.figures_bound(
            scope=unit_scope[0], scope_id=unit_scope[1], year=YEAR, as_of=AS_OF
        ),
    )
    measure(
        "units",
        "every unit's figures at once (units_figures)",
        lambda: units_figures(city=city, year=YEAR, as_of=AS_OF),
        lambda: lower_bounds.figures_bound(
            scope=city_scope[0], scope_id=city_scope[1], year=YEAR, as_of=AS_OF, group=True
        ),
    )
    try:
        from ballast.alerts import services as alert_services
        from ballast.alerts.selectors import warnings_as_of
        from ballast.core.history import acting
    except ImportError:
        print("  warnings: ballast.alerts.selectors.warnings_as_of not available")
    else:
        with acting(reason="基准测试", source="command"):
            alert_services.ensure_default_rules(city)
        city_projects = Project.objects.filter(unit__parent=city)
        # Answers before times: the bound must find what the product finds.
        found: dict = {}
        bound_rows = lower_bounds.warnings_bound(city_id=city.pk, as_of=AS_OF, answers=found)
        bound_leaders = lower_bounds.leaders_bound(bound_rows)
        product: dict[str, set[int]] = {rule: set() for rule in found}
        leaders_differ: list[int] = []
        warnings = warnings_as_of(projects=city_projects, as_of=AS_OF)
        for warning in warnings:
            product.setdefault(warning.rule, set()).add(warning.project_id)
            if sorted(warning.leaders) != bound_leaders.get(warning.project_id, []):
                leaders_differ.append(warning.project_id)
        # The linked leaders each warning names: the product's against the bound's.
        if leaders_differ:
            mismatches.append(
                f"warnings' leaders differ for {len(leaders_differ)} warnings "
                f"(projects {sorted(set(leaders_differ))[:5]})"
            )
        else:
            linked = sum(1 for w in warnings if w.leaders)
            answers.append(
                f"warnings' leaders: {linked} of {len(warnings)} warnings name linked "
                "leaders, product = bound"
            )
        for rule, ids in sorted(product.items()):
            if rule not in found:
                mismatches.append(f"warnings {rule}: the bound does not find it")
            elif ids != found[rule]:
                mismatches.append(
                    f"warnings {rule}: product {len(ids)}, bound {len(found[rule])} "
                    f"(only product: {sorted(ids - found[rule])[:5]}, "
                    f"only bound: {sorted(found[rule] - ids)[:5]})"
                )
            else:
                answers.append(f"warnings {rule}: {len(ids)} projects, product = bound")
        measure(
            "warnings",
            "all warnings of the city (warnings_as_of)",
            lambda: warnings_as_of(projects=city_projects, as_of=AS_OF),
            lambda: lower_bounds.warnings_bound(city_id=city.pk, as_of=AS_OF),
        )
    try:
        from ballast.assessments.selectors import assess
        from ballast.assessments.services import ensure_default_schemes
    except ImportError:
        print("  assessment: ballast.assessments.selectors.assess not available")
    else:
        schemes = {s.slug: s for s in ensure_default_schemes(city)}
        scheme = schemes.get("quarterly")
        if scheme is None:
            print("  assessment: no quarterly scheme")
        else:
            period = f"{AS_OF.year}Q{(AS_OF.month - 1) // 3 + 1}"
            measure(
                "assessment",
                f"quarterly assessment {period} (assess, with previous period)",
                lambda: assess(scheme=scheme, period=period, as_of=AS_OF, city=city),
                lambda: [
                    lower_bounds.figures_bound(
                        scope=city_scope[0],
                        scope_id=city_scope[1],
                        year=YEAR,
                        as_of=day,
                        group=True,
                    )
                    for day in (AS_OF, date(2023, 6, 30))
                ],
            )

    try:
        from ballast.attraction.selectors import attraction_figures, city_leads
    except ImportError:
        print("  attraction: ballast.attraction.selectors.attraction_figures not available")
    else:
        first_day = date(YEAR, 1, 1)
        leads = city_leads(city)
        rows["leads in the timed city"] = leads.count()
        # Answers before times: every attraction figure of the product = its bound's.
        product = lower_bounds.attraction_answers(
            attraction_figures(leads=leads, start=first_day, end=AS_OF)
        )
        bound = lower_bounds.attraction_bound(city_id=city.pk, start=first_day, end=AS_OF)
        for key, value in product.items():
            if value != bound[key]:
                mismatches.append(f"attraction {key}: product {value}, bound {bound[key]}")
            else:
                shown = len(value) if isinstance(value, dict) else value
                answers.append(f"attraction {key}: {shown}, product = bound")
        measure(
            "attraction",
            "attraction figures of the city (funnel, signed by size, channel, cluster, unit)",
            lambda: attraction_figures(leads=city_leads(city), start=first_day, end=AS_OF),
            lambda: lower_bounds.attraction_bound(city_id=city.pk, start=first_day, end=AS_OF),
        )

    print()
    jit = f"; jit {args.jit}" if connection.vendor == "postgresql" else ""
    print(f"Machine: {machine()}; {db_version}{jit}; {url.split('@')[-1]}")
    print("Data: " + "; ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(
        f"Figures for {YEAR} as of {AS_OF}; best of {args.repeat} runs after a warm-up; "
        f"load average {os.getloadavg()[0]:.1f}."
    )
    print()
    print(
        f"| measured ({args.db}, {args.scale}) | time | CPU (this process) "
        "| SQL lower bound | bound CPU | ratio (time) | ratio (CPU) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, wall, cpu, bound_wall, bound_cpu in measures:
        cpu_ratio = f"{cpu / bound_cpu:.1f}×" if bound_cpu > 0.002 else "—"
        print(
            f"| {label} | {_ms(wall)} | {_ms(cpu)} | {_ms(bound_wall)} | {_ms(bound_cpu)} "
            f"| {wall / bound_wall:.1f}× | {cpu_ratio} |"
        )
    goals(args, ratios, connection.vendor)
    report_answers(answers, mismatches)


# The goals of issue 14 this run measures: (key of the measure, what, scale, database).
RATIO_GOALS = [
    ("warnings", "all warnings of a city, 8,000 projects", "city", "sqlite"),
    ("warnings", "all warnings, province (130,000 projects)", "province", "postgresql"),
    ("unit", "one unit's figures", "city", "sqlite"),
]


def goals(args, ratios: dict, vendor: str) -> None:
    """Every goal of issue 14's table with what this run measured (or how to measure it)."""
    load = os.getloadavg()[0]
    print()
    print(f"Goals of issue 14 (load average {load:.1f}):")
    print("| goal | measured | verdict |")
    print("| --- | --- | --- |")
    for key, what, scale, db in RATIO_GOALS:
        if key in ratios and scale == args.scale and vendor == db:
            ratio = ratios[key]
            verdict = "met" if ratio <= 1.5 else "NOT met"
            print(f"| {what}: ≤ 1.5× its bound | {ratio:.2f}× | {verdict} |")
        else:
            print(
                f"| {what}: ≤ 1.5× its bound | not in this run "
                f"(`--db {'postgres' if db == 'postgresql' else db} --scale {scale}`) | — |"
            )
    print(
        "| signed cohort on PostgreSQL (`_raw_signed_cohort`): ≤ 1.5× a plain join "
        "| not measured separately (inside the city figures above) | — |"
    )
    if args.imports:
        db = "postgres" if vendor == "postgresql" else "sqlite"
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "import_bench.py"),
                "--db",
                db,
                "--rows",
                "10000",
                "--repeat",
                "1",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stdout.splitlines():
            if "goal" in line:
                print(f"| import {line.strip()} | | |")
    else:
        print(
            "| ledger import, 10,000 rows: dry run < 5 s, apply < 10 s, re-import < 5 s, "
            "peak < 200 MB | `--imports` (bench/import_bench.py) | — |"
        )
    if args.pages:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "pages.py"), "--budget", "300"],
            capture_output=True,
            text=True,
        )
        times = [
            float(part.split(" ms")[0])
            for line in done.stdout.splitlines()
            if line.startswith("| ") and " ms" in line
            for part in [line.split("|")[4].strip()]
        ]
        worst = max(times, default=0.0)
        verdict = "met" if worst < 300 else "NOT met"
        print(
            f"| demo-city pages: all < 300 ms uncached | {len(times)} pages, slowest "
            f"{worst:.0f} ms, {sum(t >= 200 for t in times)} at 200 ms or more | {verdict} |"
        )
    else:
        print("| demo-city pages: all < 300 ms uncached | `--pages` (bench/pages.py) | — |")


def report_answers(answers: list[str], mismatches: list[str]) -> None:
    print()
    for line in answers:
        print(f"answers: {line}")
    if mismatches:
        for line in mismatches:
            print(f"MISMATCH: {line}")
        raise SystemExit("the product and its lower bound disagree")


def _ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
