"""The import benchmark: a project ledger of 10,000 (and 50,000) rows, planned (dry
run), applied, and imported again unchanged, then a 12-month wide report file for the
same projects, the same three ways; times and peak memory beside the goals of issue 14.
First it checks answers: on a small file the bulk path must leave exactly what one
service call at a time leaves (data, history, audit trail) — a mismatch fails.

    .venv/bin/python bench/import_bench.py --db sqlite --rows 10000
    .venv/bin/python bench/import_bench.py --db sqlite --db postgres --rows 10000 --rows 50000

Each run is its own process on a fresh database (SQLite ``var/bench/import_bench.sqlite3``;
PostgreSQL the database ``ballast_bulk_bench`` on ``BENCH_PG``, default
``postgres://postgres@127.0.0.1:5432``), ``--repeat`` times per size (default 3): the
minimum and the median are printed, with the CPU time of the process (the machine is
shared; on SQLite the database's work is in it) and the load average around each run.
Peak memory is the process's peak resident set (``ru_maxrss``), Django included, the
schema being made by another process (a worker does not migrate).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_NAME = os.environ.get("BENCH_PG_NAME", "ballast_bulk_bench")
TODAY = date(2024, 6, 30)


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


def report_file(path: Path, units, rows: int, *, prefix: str, year: int = 2023) -> Path:
    """A wide report file: one row per project of the ledger, one column per month of
    ``year`` (12 months of completed investment)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("月度填报")
    sheet.append(["项目名称", "所属板块", *(f"{year}年{m}月" for m in range(1, 13))])
    for i in range(rows):
        amounts = [Decimal(40 + (i + m) % 30) for m in range(12)]
        sheet.append([f"{prefix}{i:06d}", units[i % len(units)].name, *amounts])
    workbook.save(path)
    return path


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def once(db: str, rows: int, with_reports: bool = True) -> dict:
    """One size on a fresh database, in this process: the ledger planned, applied and
    imported again; then a 12-month wide report file planned, applied and again."""
    configure(db)
    # The schema is made by another process: an importing worker does not migrate, and
    # loading every migration would count some 50 MB into this process's peak memory.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], check=True)

    import django

    django.setup()
    from ballast.imports.services import apply_plan, plan_ledger_import, plan_report_import
    from ballast.projects.models import Project
    from ballast.regions.models import Region
    from ballast.reports.models import MonthlyReport

    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    city, admin = city_and_admin()
    units = list(Region.objects.filter(parent=city, is_assessment_unit=True).order_by("code"))
    prefix = f"基准{rows}项目"
    path = ledger(workdir / f"ledger-{rows}.xlsx", units, rows, prefix=prefix)
    reports = report_file(workdir / f"reports-{rows}.xlsx", units, rows, prefix=prefix)
    out = {"db": db, "rows": rows, "load before": os.getloadavg()[0], "start MB": peak_mb()}

    plan, out["dry run"], out["dry run cpu"] = timed(
        lambda: plan_ledger_import(path, user=admin, today=TODAY)
    )
    assert plan.is_valid, plan.error_listing()[:2000]
    _result, applied, applied_cpu = timed(apply_plan, plan, user=admin)
    out["apply"], out["apply cpu"] = out["dry run"] + applied, out["dry run cpu"] + applied_cpu
    del plan
    again, out["re-import"], out["re-import cpu"] = timed(
        lambda: apply_plan(plan_ledger_import(path, user=admin, today=TODAY), user=admin)
    )
    assert again.unchanged == rows, again
    assert Project.objects.filter(name__startswith=prefix).count() == rows
    out["peak memory"] = peak_mb()
    if not with_reports:
        out["load after"] = os.getloadavg()[0]
        return out

    plan, out["reports dry run"], out["reports dry run cpu"] = timed(
        lambda: plan_report_import(reports, user=admin, today=TODAY)
    )
    assert plan.is_valid, plan.error_listing()[:2000]
    _result, applied, applied_cpu = timed(apply_plan, plan, user=admin)
    out["reports apply"] = out["reports dry run"] + applied
    out["reports apply cpu"] = out["reports dry run cpu"] + applied_cpu
    del plan
    again, out["reports re-import"], out["reports re-import cpu"] = timed(
        lambda: apply_plan(plan_report_import(reports, user=admin, today=TODAY), user=admin)
    )
    assert again.unchanged == rows, again
    assert MonthlyReport.objects.filter(status="accepted").count() == rows * 12
    out["reports peak memory"] = peak_mb()
    out["load after"] = os.getloadavg()[0]
    return out


# Goals of issue 14 (seconds, MB), for the ledger; the report file has none in the issue
# (None: printed without a verdict; a 12-month file has twelve reports a row).
GOALS = {
    "dry run": 5.0,
    "apply": 10.0,
    "re-import": 5.0,
    "peak memory": 200.0,
    "reports dry run": None,
    "reports apply": None,
    "reports re-import": None,
    "reports peak memory": None,
}


def summary(runs: list[dict]) -> list[str]:
    """One line per goal: min and median of the runs, with the loads they ran at."""
    lines = []
    for what, goal in GOALS.items():
        if what not in runs[0]:
            continue
        values = sorted(run[what] for run in runs)
        unit = "MB" if "memory" in what else "s"
        cpus = sorted(run.get(f"{what} cpu", 0) for run in runs)
        cpu = f", cpu min {cpus[0]:.2f} s" if unit == "s" else ""
        if goal is None:
            verdict = "no goal in the issue"
        else:
            verdict = f"goal < {goal:g} {unit}: " + ("met" if values[0] < goal else "NOT met")
        lines.append(
            f"  {what:<20} min {values[0]:7.2f} {unit:<2} median "
            f"{statistics.median(values):7.2f} {unit:<2}{cpu}; {verdict}"
        )
    loads = ", ".join(f"{run['load before']:.1f}→{run['load after']:.1f}" for run in runs)
    lines.append(f"  loads (1-min average before→after each run): {loads}")
    return lines


def flat_memory(db: str, peaks: dict[int, float]) -> str:
    """Issue 14's memory goal over the sizes run: < 200 MB at each, flat in the rows
    (the ledger's peak; the growth from the smallest to the largest file per 1,000 rows)."""
    goal = GOALS["peak memory"]
    sizes = sorted(peaks)
    low, high = sizes[0], sizes[-1]
    growth = peaks[high] - peaks[low]
    per_k = growth / ((high - low) / 1000)
    shown = ", ".join(f"{rows:,} rows {peaks[rows]:.1f} MB" for rows in sizes)
    verdict = "met" if max(peaks.values()) < goal else "NOT met"
    return (
        f"{db}, ledger peak memory by size (goal < {goal:g} MB at every size, flat in the "
        f"rows): {shown}; {growth:+.1f} MB from {low:,} to {high:,} rows "
        f"({per_k:+.2f} MB per 1,000 rows); < {goal:g} MB at every size: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), action="append")
    parser.add_argument("--rows", type=int, action="append", help="ledger size (repeatable)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (min, median)")
    parser.add_argument("--no-check", action="store_true", help="skip the answers check")
    parser.add_argument(
        "--no-reports", action="store_true", help="the ledger only, no 12-month report file"
    )
    parser.add_argument("--once", nargs=2, metavar=("DB", "ROWS"), help=argparse.SUPPRESS)
    parser.add_argument("--check", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        result = once(args.once[0], int(args.once[1]), with_reports=not args.no_reports)
        print("RESULT " + json.dumps(result), flush=True)
        return
    if args.check:
        configure(args.check)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], check=True)
        import django

        django.setup()
        from ballast.regions.models import Region

        city, admin = city_and_admin()
        units = list(Region.objects.filter(parent=city, is_assessment_unit=True).order_by("code"))
        check_answers(admin, units, ROOT / "var" / "bench")
        return
    print(f"load {load()} (uptime: {os.getloadavg()})", flush=True)
    for db in args.db or ["sqlite"]:
        peaks = {}
        if not args.no_check:
            subprocess.run([sys.executable, __file__, "--check", db], check=True)
        for rows in args.rows or [10_000]:
            runs = []
            for _ in range(args.repeat):
                done = subprocess.run(
                    [sys.executable, __file__, "--once", db, str(rows)]
                    + (["--no-reports"] if args.no_reports else []),
                    check=True,
                    capture_output=True,
                    text=True,
                )
                result = next(
                    json.loads(line[len("RESULT ") :])
                    for line in done.stdout.splitlines()
                    if line.startswith("RESULT ")
                )
                runs.append(result)
                print(
                    f"  run: {db} {rows:,} rows: "
                    + ", ".join(f"{k} {v:.2f}" for k, v in result.items() if isinstance(v, float)),
                    flush=True,
                )
            what = "" if args.no_reports else " and its 12-month wide report file"
            print(f"{db}, {rows:,}-row ledger{what}:")
            print("\n".join(summary(runs)), flush=True)
            peaks[rows] = min(run["peak memory"] for run in runs)
        if len(peaks) > 1:
            print(flat_memory(db, peaks), flush=True)


if __name__ == "__main__":
    main()
