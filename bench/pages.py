"""Page speed on the demo city: every page for every demo role, uncached.

    .venv/bin/python bench/pages.py [--repeat N] [--rebuild] [--roles a,b] [--budget MS]

Builds the demo city once in ``var/bench/pages_demo.sqlite3`` (``load_demo``), signs in as
one demo user of each role and renders each page the role may open, with the
dashboards' cache switched off (the first view of a page after the data changed). Prints
the best of ``--repeat`` renders after a warm-up, the queries the page asked, and marks
pages over the budget of issue #5 (300 ms). Exit status 1 when a page is over it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MS = 300
# One demo user per role (see `load_demo --logins`).
ROLES = (
    "city_admin",
    "city_reviewer",
    "leader_city1",
    "auditor",
    "dept_fgw",
    "clerk_321081",
    "reviewer_321081",
    "leader_321081",
)


def configure(rebuild: bool) -> Path:
    path = ROOT / "var" / "bench" / "pages_demo.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")
    return path


def pages() -> list[str]:
    """The pages to time: every list and dashboard, and one of each detail page."""
    from django.contrib.auth import get_user_model

    from ballast.coordination.models import Tour
    from ballast.projects.models import Project
    from ballast.reports.models import MonthlyReport

    project = Project.objects.filter(unit__code="321081").order_by("-total_investment").first()
    report = MonthlyReport.objects.filter(project=project).order_by("-month").first()
    tour = Tour.objects.order_by("pk").first()
    leader = get_user_model().objects.get(username="leader_city1")
    found = [
        "/",
        "/cockpit/321081/",
        "/cockpit/projects/?reached=started",
        "/warnings/",
        "/issues/",
        "/rankings/",
        "/visits/",
        "/tours/",
        "/leaders/",
        f"/leaders/{leader.pk}/",
        "/map/",
        "/projects/",
        "/projects/new/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        "/reports/",
        "/reports/review/",
        "/reports/city/",
        # the pages added since (issues 12, 13 and 15): every list the menu offers
        "/overruns/",
        "/mujun/",
        "/targets/",
        "/projects/confidence/",
        "/projects/nodes/",
        "/integrity/",
        "/integrity/checks/",
        "/imports/",
        "/imports/bureau/",
        "/bulletins/",
        "/inbox/",
        "/attraction/leads/",
        "/attraction/leads/figures/",
        "/attraction/chain-map/",
        "/attraction/reserve/",
        "/attraction/campaigns/",
    ]
    if report:
        found.append(f"/reports/{report.pk}/")
    if tour:
        found.append(f"/tours/{tour.pk}/")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build the demo city again")
    parser.add_argument("--roles", help="comma-separated demo usernames (default: one per role)")
    parser.add_argument("--budget", type=int, default=BUDGET_MS, help="milliseconds per page")
    args = parser.parse_args()
    path = configure(args.rebuild)

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # the 403s of pages a role may not open
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ballast.accounts.models import User
    from ballast.demo import services as demo_services

    call_command("migrate", verbosity=0)
    if not demo_services.demo_loaded():
        print(f"building the demo city in {path} …", flush=True)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", verbosity=0, stdout=quiet)
    settings.BALLAST_DASHBOARD_CACHE_SECONDS = 0  # every render computes its figures
    settings.ALLOWED_HOSTS = ["*"]

    over = []
    print(f"| user | page | status | time (best of {args.repeat}) | queries |")
    print("| --- | --- | ---: | ---: | ---: |")
    for username in args.roles.split(",") if args.roles else ROLES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for page in pages():
            response = client.get(page)  # warm-up
            if response.status_code != 200:
                continue  # a page this role may not open (403) or is sent on from (302)
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(page)
                best = min(best, time.perf_counter() - started)
            with CaptureQueriesContext(connection) as queries:
                client.get(page)
            ms = best * 1000
            flag = " **over budget**" if ms > args.budget else ""
            if flag:
                over.append((username, page, ms))
            print(f"| {username} | `{page}` | 200 | {ms:.0f} ms{flag} | {len(queries)} |")
    print()
    print(f"load average {os.getloadavg()[0]:.1f}; budget {args.budget} ms per page")
    for username, page, ms in over:
        print(f"OVER BUDGET: {username} {page} {ms:.0f} ms")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
