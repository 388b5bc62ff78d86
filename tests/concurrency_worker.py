"""Races run for real: a fresh process, a real database file (or PostgreSQL database),
threads that each make a request as a different person at the same moment.

Run by ``tests/test_concurrent_approvals.py`` (not collected by pytest itself):

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python tests/concurrency_worker.py

It migrates the database, builds one submitted report of 仪征市 and prints one JSON line
with what each request answered. The settings are the installation's own (embedded mode:
DEBUG on, the SQLite options of ``ballast/settings.py``), so the test proves what a real
server does, which an in-memory test database cannot (its shared cache fails at once
instead of waiting).

Scenarios, one after the other:
- ``two_approvals``: two unit reviewers approve the same report from the same page; both
  are inside the service at once (each pauses 0.5 s after reading the report).
- ``two_creations``: two clerks enter the same month's report, none there yet, at once.
- ``held_lock``: another writer holds the database longer than the lock timeout while a
  reviewer approves.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from ballast.accounts import policy  # noqa: E402
from ballast.accounts.choices import Role  # noqa: E402
from ballast.accounts.models import User  # noqa: E402
from ballast.projects import services as project_services  # noqa: E402
from ballast.regions.models import Region  # noqa: E402
from ballast.regions.services import init_city  # noqa: E402
from ballast.reports import services as report_services  # noqa: E402
from ballast.reports.models import MonthlyReport  # noqa: E402

PAUSE = 0.5


def person(username, role, region):
    user = User(username=username, role=role, region=region, full_name=username, is_staff=True)
    user.set_unusable_password()
    user.save()
    return user


def build():
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a scratch database: no need to wait for the disk
            cursor.execute("PRAGMA synchronous=OFF")
    call_command("migrate", verbosity=0)
    init_city(code="321000")
    unit = Region.objects.get(code="321081")
    clerk = person("clerk_a", Role.UNIT_CLERK, unit)
    person("clerk_a2", Role.UNIT_CLERK, unit)
    reviewers = [person(f"reviewer_{n}", Role.UNIT_REVIEWER, unit) for n in (1, 2)]
    project = project_services.project_create(
        user=clerk,
        data={
            "name": "仪征光伏组件项目",
            "unit": unit,
            "total_investment": Decimal("250000.00"),
            "category": "industrial",
        },
    )
    reports = []
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        report = report_services.report_save(
            user=clerk, project=project, month=month, data={"investment": Decimal("150")}
        )
        reports.append(report_services.report_submit(user=clerk, report=report))
    return reports, reviewers


def answer(response) -> dict:
    text = response.content.decode()
    # From the page itself: the test client's captured context is process-wide, and the
    # threads' pages would mix.
    messages = [html.unescape(m) for m in re.findall(r'<li class="msg-\w+">(.*?)</li>', text)]
    return {
        "status": response.status_code,
        "messages": messages,
        "traceback": "Traceback" in text,
        "text": text,
        "retry_after": response.get("Retry-After"),
    }


def logged_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def two_approvals(report, reviewers):
    """Both reviewers are inside report_approve at once: each pauses after its read."""
    check = policy.check

    def slow_check(user, action, obj=None, *args, **kwargs):
        result = check(user, action, obj, *args, **kwargs)
        if action == policy.APPROVE:
            time.sleep(PAUSE)
        return result

    policy.check = slow_check
    clients = [logged_in(r) for r in reviewers]
    barrier = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def approve(n):
        try:
            barrier.wait()
            response = clients[n].post(
                f"/reports/{report.pk}/approve/",
                {"version": report.version, "next": "/reports/review/"},
                follow=True,
            )
            answers[n] = answer(response)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    policy.check = check
    report = MonthlyReport.objects.get(pk=report.pk)
    return {
        "answers": answers,
        "status": report.status,
        "approved_by": report.unit_approved_by.username if report.unit_approved_by else None,
        "approvals_in_history": report.history.filter(history_reason_text="板块审核通过").count(),
    }


def two_creations(report):
    """Two clerks enter the same month's report (none yet) at the same moment: both are
    inside report_save at once (each pauses after its access check)."""
    check_unit = policy.check_unit

    def slow_check_unit(user, action, *args, **kwargs):
        result = check_unit(user, action, *args, **kwargs)
        if action == policy.ADD:
            time.sleep(PAUSE)
        return result

    policy.check_unit = slow_check_unit
    clerks = [User.objects.get(username=name) for name in ("clerk_a", "clerk_a2")]
    clients = [logged_in(c) for c in clerks]
    barrier = threading.Barrier(len(clients))
    answers = [None] * len(clients)
    url = f"/reports/entry/{report.project_id}/2026-08/"

    def enter(n):
        try:
            barrier.wait()
            response = clients[n].post(
                url, {"investment": str(100 + n), "version": 0, "save": "1"}, follow=True
            )
            answers[n] = answer(response)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enter, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    policy.check_unit = check_unit
    saved = MonthlyReport.objects.filter(project_id=report.project_id, month=date(2026, 8, 1))
    return {
        "answers": answers,
        "saved": [str(r.investment) for r in saved],
    }


def held_lock(report, reviewers):
    """Another writer holds the write lock longer than the timeout."""
    client = logged_in(reviewers[0])
    holding, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    MonthlyReport.objects.select_for_update().get(pk=report.pk)
                else:  # any write takes SQLite's one write lock (IMMEDIATE: at BEGIN)
                    User.objects.filter(pk=reviewers[1].pk).update(full_name="占用")
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(30)
    response = client.post(
        f"/reports/{report.pk}/approve/",
        {"version": report.version, "next": "/reports/review/"},
    )
    release.set()
    thread.join()
    report = MonthlyReport.objects.get(pk=report.pk)
    return {"answers": [answer(response)], "status": report.status}


def settings_lock_timeout() -> int:
    return int(os.environ.get("DATABASE_LOCK_TIMEOUT") or 20)


def main():
    setup_test_environment()  # the test client's environment (hosts, e-mail); DEBUG kept
    (first, second), reviewers = build()
    result = {"two_approvals": two_approvals(first, reviewers)}
    result["two_creations"] = two_creations(first)
    # The lock wait that runs out: a short timeout for the connections opened from now on.
    options = settings.DATABASES["default"]["OPTIONS"]
    if connection.vendor == "sqlite":
        options["timeout"] = 1
    else:
        options["options"] = options.get("options", "").replace(
            f"lock_timeout={settings_lock_timeout()}s", "lock_timeout=1s"
        )
    connections.close_all()
    result["held_lock"] = held_lock(second, reviewers)
    result["vendor"] = connection.vendor
    result["options"] = {k: str(v) for k, v in settings.DATABASES["default"]["OPTIONS"].items()}
    print("RESULT " + json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
