"""The import benchmark: a project ledger of 10,000 (and 50,000) rows, planned (dry
run), applied, and imported again unchanged, with peak memory; each beside its goal
(issue 14). First it checks answers: on a small file the bulk path must leave exactly
what one service call at a time leaves (data, history, audit trail) — a mismatch fails.

    .venv/bin/python bench/import_bench.py --db sqlite --rows 10000
    .venv/bin/python bench/import_bench.py --db postgres --rows 10000 --rows 50000

Each size runs on a fresh database: SQLite ``var/bench/import_bench.sqlite3``;
PostgreSQL the database ``ballast_bulk_bench`` on ``BENCH_PG`` (default
``postgres://postgres@127.0.0.1:5432``). Times are wall times of one run (an import is
not repeatable on the same data); the machine is shared, so the load is printed too.
Peak memory is the process's peak resident set (``ru_maxrss``), Django included.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_NAME = "ballast_bulk_bench"
TODAY = date(2024, 6, 30)
GOALS = {"dry run": 5.0, "apply": 10.0, "re-import": 5.0, "peak memory": 200.0}


def configure(db: str) -> None:
    if db == "sqlite":
        path = ROOT / "var" / "bench" / "import_bench.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
        url = f"{server}/{PG_NAME}"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def city_and_admin():
    from ballast.accounts.models import Role, User
    from ballast.regions.services import init_city

    city = init_city(code="321000")
    admin = User(username="bench_admin", role=Role.CITY_ADMIN, region=city, full_name="测试")
    admin.set_password("x")
    admin.save()
    return city, admin


def ledger(path: Path, units, rows: int, *, changed: int = 0, prefix: str = "基准项目") -> Path:
    """A ledger of ``rows`` projects with two stages and a 2024 plan each; the first
    ``changed`` rows carry a new investment, a third stage and a new plan."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append(
        [
            "项目名称",
            "所属板块",
            "项目类别",
            "总投资（万元）",
            "签约日期",
            "开工日期",
            "竣工日期",
            "计划年度",
            "年度计划投资",
        ]
    )
    for i in range(rows):
        change = i < changed
        sheet.append(
            [
                f"{prefix}{i:06d}",
                units[i % len(units)].name,
                "工业",
                Decimal(10000 + i) + (Decimal(500) if change else 0),
                date(2023, 1 + i % 12, 1 + i % 28),
                date(2024, 1 + i % 5, 1 + i % 28),
                date(2024, 6, 1 + i % 28) if change else None,
                2024,
                Decimal(2000 + i % 700) + (Decimal(100) if change else 0),
            ]
        )
    workbook.save(path)
    return path


def check_answers(admin, units, workdir: Path) -> int:
    """Bulk and one-at-a-time leave the same data, history and trail on a small file
    with creations, changes, stages and plans; returns the number of rows compared."""
    from ballast.imports.services import apply_plan, plan_ledger_import
    from tests.test_import_bulk_path_is_identical import run

    first = ledger(workdir / "small.xlsx", units, 200, prefix="核对项目")
    apply_plan(plan_ledger_import(first, user=admin, today=TODAY), user=admin)
    second = ledger(workdir / "small-changed.xlsx", units, 260, changed=80, prefix="核对项目")
    plan = plan_ledger_import(second, user=admin, today=TODAY)
    assert plan.is_valid, plan.error_listing()
    started = time.perf_counter()
    one_by_one = run(plan, admin, bulk=False)
    slow = time.perf_counter() - started
    started = time.perf_counter()
    bulk = run(plan, admin, bulk=True)
    fast = time.perf_counter() - started
    if bulk != one_by_one:
        for key in one_by_one:
            if bulk[key] != one_by_one[key]:
                print(f"MISMATCH in {key}")
        raise SystemExit("the bulk path differs from the one-at-a-time path")
    print(
        f"answers: bulk == one at a time on {len(plan.rows)} rows ({plan.counts}); "
        f"apply {slow:.2f} s one at a time, {fast:.2f} s bulk",
        flush=True,
    )
    return len(plan.rows)


def line(what: str, value: float, unit: str = "s") -> None:
    goal = GOALS[what]
    verdict = "met" if value < goal else "NOT met"
    print(f"  {what:<12} {value:8.2f} {unit:<3} goal < {goal:g} {unit}  {verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, action="append", help="ledger size (repeatable)")
    parser.add_argument("--no-check", action="store_true", help="skip the answers check")
    args = parser.parse_args()
    configure(args.db)
    # The schema is made by another process: an importing worker does not migrate, and
    # loading every migration would count some 50 MB into this process's peak memory.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], check=True)

    import django

    django.setup()
    from ballast.imports.services import apply_plan, plan_ledger_import
    from ballast.regions.models import Region

    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    city, admin = city_and_admin()
    units = list(Region.objects.filter(parent=city, is_assessment_unit=True).order_by("code"))
    print(f"{args.db}, load {load()} (uptime: {os.getloadavg()})", flush=True)
    if not args.no_check:
        check_answers(admin, units, workdir)
    for rows in args.rows or [10_000]:
        from ballast.projects.models import Project

        prefix = f"基准{rows}项目"
        path = ledger(workdir / f"ledger-{rows}.xlsx", units, rows, prefix=prefix)
        names = [f"{prefix}{i:06d}" for i in range(rows)]
        print(f"{rows:,} rows, load {load()}, peak so far {peak_mb():.0f} MB", flush=True)
        started = time.perf_counter()
        plan = plan_ledger_import(path, user=admin, today=TODAY)
        dry = time.perf_counter() - started
        assert plan.is_valid, plan.error_listing()[:2000]
        started = time.perf_counter()
        result = apply_plan(plan, user=admin)
        applied = time.perf_counter() - started
        del plan
        started = time.perf_counter()
        again = plan_ledger_import(path, user=admin, today=TODAY)
        apply_plan(again, user=admin)
        reimport = time.perf_counter() - started
        assert again.counts["unchanged"] == rows, again.counts
        line("dry run", dry)
        line("apply", dry + applied)
        print(f"    (of which writing {applied:.2f} s; {result})")
        line("re-import", reimport)
        line("peak memory", peak_mb(), "MB")
        assert Project.objects.filter(name__in=names[:500]).count() == min(rows, 500)
        print(f"  load after: {load()}", flush=True)


if __name__ == "__main__":
    main()
