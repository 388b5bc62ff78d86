"""A conflict between people acting at once is never a 500 (issue 10, hole 6): a lock wait
that ran out — SQLite "database is locked", PostgreSQL serialization failure, deadlock,
lock timeout — is a 503 "请稍后重试" page with ``Retry-After`` and the input kept; a stale
save that reaches no form is a 409. Even with DEBUG on (embedded mode), no traceback page.
Other database errors are not hidden as conflicts."""

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, OperationalError
from django.test import Client

from ballast.core.conflicts import is_conflict, is_lock_conflict
from ballast.reports import services as report_services
from ballast.reports.choices import ReportStatus
from tests.test_web_pages import web_city  # noqa: F401  (fixture)


def wrapped(driver_error):
    """A driver error as Django raises it: its own class, the driver's as ``__cause__``."""
    try:
        try:
            raise driver_error
        except Exception as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as django_error:
        return django_error


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database is locked"),
        OperationalError("database table is locked: reports_monthlyreport"),
        wrapped(psycopg.errors.SerializationFailure("could not serialize access")),
        wrapped(psycopg.errors.DeadlockDetected("deadlock detected")),
        wrapped(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")),
    ],
)
def test_lock_conflicts_are_recognised(error):
    assert is_lock_conflict(error) and is_conflict(error)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("no such table: reports_monthlyreport"),
        IntegrityError("UNIQUE constraint failed"),
        wrapped(psycopg.errors.UndefinedTable("relation does not exist")),
        ValueError("database is locked"),  # not a database error
    ],
)
def test_other_errors_are_not_conflicts(error):
    assert not is_lock_conflict(error)


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True  # the embedded mode's default
    return settings


def test_locked_database_gives_retry_page_not_debug_500(
    web_city,  # noqa: F811
    people,
    debug_on,
    monkeypatch,
):
    octo = web_city["oct"]

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(report_services, "report_approve", locked)
    client = Client(raise_request_exception=False)
    client.force_login(people["reviewer_a"])
    response = client.post(
        f"/reports/{octo.pk}/approve/", {"version": 7, "next": "/reports/review/"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "请稍后重试" in html and "您的操作未执行" in html
    assert "Traceback" not in html and "OperationalError" not in html
    # The input comes back in a form that sends it again (with a fresh CSRF token).
    assert '<input type="hidden" name="version" value="7">' in html
    assert '<input type="hidden" name="next" value="/reports/review/">' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 1
    octo.refresh_from_db()
    assert octo.status == ReportStatus.SUBMITTED


def test_postgres_lock_timeout_on_a_form_keeps_the_typed_figures(
    web_city,  # noqa: F811
    people,
    debug_on,
    monkeypatch,
):
    a1 = web_city["a1"]

    def timed_out(**kwargs):
        raise wrapped(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"))

    monkeypatch.setattr(report_services, "report_save", timed_out)
    client = Client(raise_request_exception=False)
    client.force_login(people["clerk_a"])
    response = client.post(
        f"/reports/entry/{a1.pk}/2026-08/",
        {"investment": "321.50", "progress": "钢结构吊装", "version": 0, "save": "1"},
    )
    assert response.status_code == 503
    html = response.content.decode()
    assert 'value="321.50"' in html and 'value="钢结构吊装"' in html
    assert f'action="/reports/entry/{a1.pk}/2026-08/"' in html


def test_stale_save_outside_a_form_is_409(web_city, people, debug_on, monkeypatch):  # noqa: F811
    """A door without a form of its own (a flow step raising past the view) still answers
    with the service's message, never a 500."""
    from ballast.core.concurrency import check_version
    from ballast.reports import views as report_views

    octo = web_city["oct"]
    octo.refresh_from_db()

    def stale_step(self, request, *args, **kwargs):
        check_version(octo, octo.version - 1, flow=True)

    # the approve button's view, raising past its own handling of a refused step
    monkeypatch.setattr(report_views.ReportApprove, "post", stale_step)
    client = Client(raise_request_exception=False)
    client.force_login(people["reviewer_a"])
    response = client.post(f"/reports/{octo.pk}/approve/", {"version": octo.version - 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "该月度填报已被他人处理" in html
    # Sent again, it carries the stored version (a decision after reading the message).
    assert f'<input type="hidden" name="version" value="{octo.version}">' in html


def test_other_database_errors_still_fail_loudly(web_city, people, monkeypatch):  # noqa: F811
    def broken(**kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(report_services, "report_approve", broken)
    client = Client(raise_request_exception=False)
    client.force_login(people["reviewer_a"])
    response = client.post(f"/reports/{web_city['oct'].pk}/approve/")
    assert response.status_code == 500
