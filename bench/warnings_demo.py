"""Per-rule timings of the early warnings (预警) on an existing database.

    .venv/bin/python bench/warnings_demo.py --sqlite /tmp/alerts-demo/ballast.sqlite3
    .venv/bin/python bench/warnings_demo.py --url postgres://postgres@127.0.0.1:5432/NAME
    .venv/bin/python bench/warnings_demo.py --var-dir /tmp/alerts-demo --as-of 2026-11-22

The database must already hold data (e.g. the demo city: ``manage.py load_demo``). For
every registered rule it runs the rule's evaluator over all active projects of each city
(as ``warnings_as_of`` does, including reading the city's rules) and prints the best wall
and CPU time of ``--repeat`` runs after a warm-up, the number of hits and the number of
queries; then the same for the whole
``warnings_as_of(projects=Project.objects.all(), as_of=...)``. Nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_of(fn, repeat: int) -> tuple[float, float, object]:
    """The best wall time and the best CPU time of this process over ``repeat`` runs after
    a warm-up (on SQLite the database works inside this process, so CPU time counts the
    queries too and is less disturbed by other work on a shared machine)."""
    result = fn()  # warm-up
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--sqlite", help="path of a SQLite database file")
    where.add_argument("--url", help="a DATABASE_URL (postgres://…/name or sqlite:///…)")
    where.add_argument("--var-dir", help="a BALLAST_VAR_DIR (its ballast.sqlite3)")
    parser.add_argument("--as-of", default="2026-11-22", help="the as-of date (YYYY-MM-DD)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rule", action="append", help="only these rule keys (repeatable)")
    args = parser.parse_args()

    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.sqlite).resolve()}"
    elif args.url:
        os.environ["DATABASE_URL"] = args.url
    elif args.var_dir:
        os.environ["BALLAST_VAR_DIR"] = args.var_dir
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from ballast.alerts import registry
    from ballast.alerts.selectors import rules_for_city, warnings_as_of
    from ballast.projects.models import Project
    from ballast.projects.selectors import active_q
    from ballast.regions.models import Region

    as_of = date.fromisoformat(args.as_of)
    active = Project.objects.all().filter(active_q(as_of)).order_by()
    cities = list(
        Region.objects.filter(
            pk__in=active.values_list("unit__parent_id", flat=True).distinct()
        ).order_by("code")
    )
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: "
        f"{Project.objects.count()} projects ({active.count()} active), as of {as_of}, "
        f"best of {args.repeat}"
    )
    print(f"{'rule':<22}{'wall ms':>9}{'cpu ms':>9}{'hits':>7}{'queries':>9}")
    total = total_cpu = 0.0
    for registered in registry.all_rules():
        if args.rule and registered.key not in args.rule:
            continue

        def run(registered=registered):
            hits = 0
            for city in cities:
                rule = next(r for r in rules_for_city(city) if r.key == registered.key)
                city_projects = active.filter(unit__parent=city)
                hits += sum(
                    1 for _ in registered.evaluator(projects=city_projects, as_of=as_of, rule=rule)
                )
            return hits

        seconds, cpu, hits = best_of(run, args.repeat)
        with CaptureQueriesContext(connection) as queries:
            run()
        total += seconds
        total_cpu += cpu
        print(
            f"{registered.key:<22}{seconds * 1000:>9.1f}{cpu * 1000:>9.1f}{hits:>7}"
            f"{len(queries):>9}"
        )
    print(f"{'sum of rules':<22}{total * 1000:>9.1f}{total_cpu * 1000:>9.1f}")
    seconds, cpu, found = best_of(
        lambda: warnings_as_of(projects=Project.objects.all(), as_of=as_of, rules=args.rule),
        args.repeat,
    )
    print(f"{'warnings_as_of':<22}{seconds * 1000:>9.1f}{cpu * 1000:>9.1f}{len(found):>7}")
    reset_queries()


if __name__ == "__main__":
    main()
