"""The read-replica scenario, run in a fresh process by tests/test_replica_router.py (not
collected by pytest): Ballast's settings with ``REPLICA_DATABASE_URL`` set, so the
``replica`` alias and the router exist as in production.

    DATABASE_URL=… REPLICA_DATABASE_URL=… python tests/replica_scenario.py snapshot|run

``snapshot`` migrates the primary and builds a clerk's draft report (then the caller
copies the primary to the replica: a replica that has caught up to that moment and no
further). ``run`` makes the clerk submit the report on the primary — the replica, not
streaming, keeps the old state, as a lagging replica would — and prints, as one JSON
line, how many queries each page sent to each database and what each database holds.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from ballast.accounts.choices import Role  # noqa: E402
from ballast.accounts.models import User  # noqa: E402
from ballast.core import replica  # noqa: E402
from ballast.projects import services as project_services  # noqa: E402
from ballast.projects.models import IndustryCluster, Project  # noqa: E402
from ballast.regions.models import Region  # noqa: E402
from ballast.regions.services import init_city  # noqa: E402
from ballast.reports import services as report_services  # noqa: E402
from ballast.reports.models import MonthlyReport  # noqa: E402


def make_user(username, role, region):
    user = User(username=username, role=role, region=region, full_name=username, is_staff=True)
    user.set_password("pass")
    user.full_clean()
    user.save()
    return user


def snapshot() -> None:
    call_command("migrate", verbosity=0)
    city = init_city(code="321000", parks=[])
    unit = Region.objects.get(code="321081")
    clerk = make_user("clerk_a", Role.UNIT_CLERK, unit)
    make_user("reviewer_a", Role.UNIT_REVIEWER, unit)
    cluster = IndustryCluster.objects.create(city=city, code="new-energy", name="新能源")
    project = project_services.project_create(
        user=clerk,
        data={
            "name": "副本测试项目",
            "unit": unit,
            "total_investment": Decimal("100000.00"),
            "category": "industrial",
            "cluster": cluster,
        },
    )
    project_services.stage_record(user=clerk, project=project, stage="started", on=date(2023, 1, 5))
    report_services.report_save(
        user=clerk, project=project, month=date(2023, 2, 1), data={"investment": Decimal("500")}
    )
    print("RESULT " + json.dumps({"ok": True}))


def counted(client: Client, method: str, path: str, **data) -> dict:
    counts = {"default": 0, "replica": 0}

    def counter(alias):
        def wrapper(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return wrapper

    with (
        connections["default"].execute_wrapper(counter("default")),
        connections["replica"].execute_wrapper(counter("replica")),
    ):
        response = getattr(client, method)(path, data)
    counts["status"] = response.status_code
    return counts


def run() -> None:
    clerk_user = User.objects.get(username="clerk_a")
    reviewer_user = User.objects.get(username="reviewer_a")
    report = MonthlyReport.objects.get()
    clerk, reviewer = Client(), Client()
    clerk.force_login(clerk_user)
    reviewer.force_login(reviewer_user)
    out = {}
    out["before: clerk warnings"] = counted(clerk, "get", "/warnings/")
    out["before: clerk cockpit"] = counted(clerk, "get", "/cockpit/")
    out["clerk submits"] = counted(
        clerk, "post", f"/reports/{report.pk}/submit/", version=str(report.version)
    )
    out["after: clerk warnings"] = counted(clerk, "get", "/warnings/")
    out["after: clerk export"] = counted(clerk, "get", "/warnings/", export="xlsx")
    out["after: reviewer warnings"] = counted(reviewer, "get", "/warnings/")
    out["after: reviewer queue"] = counted(reviewer, "get", "/reports/review/")
    out["status on primary"] = MonthlyReport.objects.using("default").get(pk=report.pk).status
    out["status on replica"] = MonthlyReport.objects.using("replica").get(pk=report.pk).status
    connections["replica"].close()  # its snapshot of the first read is not kept
    if os.environ.get("REPLICA_IS_STREAMING"):
        # a real standby: read-only, and it catches up with the primary by itself
        try:
            with connections["replica"].cursor() as cursor:
                cursor.execute("CREATE TABLE ballast_replica_probe (id int)")
            out["replica refuses writes"] = False
        except Exception as exc:  # psycopg's ReadOnlySqlTransaction, wrapped by Django
            out["replica refuses writes"] = "read-only" in str(exc)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if MonthlyReport.objects.using("replica").get(pk=report.pk).status == "submitted":
                break
            time.sleep(0.1)
        out["status on replica, caught up"] = (
            MonthlyReport.objects.using("replica").get(pk=report.pk).status
        )
    with replica.heavy_read():
        out["heavy read, outside a transaction"] = Project.objects.all().db
        with transaction.atomic():
            out["heavy read, inside a transaction"] = Project.objects.all().db
    time.sleep(replica.sticky_seconds() + 0.5)
    out["later: clerk warnings"] = counted(clerk, "get", "/warnings/")
    print("RESULT " + json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    {"snapshot": snapshot, "run": run}[sys.argv[1]]()
