"""Security events reach the trail: sign-in, sign-out, failure, lockout (django-axes, when
installed), the account doors' security_event (unlocks, 2FA, roles), and exports."""

import pytest
from django.apps import apps

from ballast.accounts.signals import security_event
from ballast.audit.models import AuditRecord
from tests.test_web_pages import web_city  # noqa: F401  (fixture)


def test_sign_in_failure_and_sign_out_are_recorded(client, people):
    client.post(
        "/login/",
        {"username": "clerk_a", "password": "wrong"},
        REMOTE_ADDR="10.1.1.1",
        HTTP_USER_AGENT="Chromium/140",
    )
    client.post("/login/", {"username": "clerk_a", "password": "pass"}, REMOTE_ADDR="10.1.1.2")
    client.post("/logout/", REMOTE_ADDR="10.1.1.2")

    events = list(
        AuditRecord.objects.exclude(kind="change")
        .order_by("seq")
        .values_list("kind", "actor_username", "ip")
    )
    assert events == [
        ("login_failed", "clerk_a", "10.1.1.1"),
        ("login", "clerk_a", "10.1.1.2"),
        ("logout", "clerk_a", "10.1.1.2"),
    ]
    failed = AuditRecord.objects.get(kind="login_failed")
    assert failed.actor is None  # nobody signed in: the name tried is kept as text
    assert failed.user_agent == "Chromium/140" and len(failed.request_id) == 32
    login = AuditRecord.objects.get(kind="login")
    assert login.actor == people["clerk_a"] and login.actor_role == "unit_clerk"
    assert login.model_label == "accounts.User" and login.object_id == str(people["clerk_a"].pk)


def test_the_login_log_is_kept_as_before(client, people):
    """accounts.LoginEvent stays the admin's login log beside the trail."""
    from ballast.accounts.models import LoginEvent

    # Through the sign-in page: django-axes needs the request.
    assert client.post("/login/", {"username": "clerk_a", "password": "pass"}).status_code == 302
    assert LoginEvent.objects.filter(kind="login", username="clerk_a").exists()
    assert AuditRecord.objects.filter(kind="login", actor_username="clerk_a").exists()


@pytest.mark.skipif(not apps.is_installed("axes"), reason="django-axes is not installed")
def test_a_lockout_is_recorded(client, people, settings):
    for _ in range(int(getattr(settings, "AXES_FAILURE_LIMIT", 5)) + 1):
        client.post("/login/", {"username": "clerk_a", "password": "wrong"})
    assert AuditRecord.objects.filter(kind="lockout").exists()


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("unlock", "unlock"),
        ("2fa_reset", "2fa"),
        ("2fa_failed", "2fa"),
        ("password_reset", "password"),
        ("role_change", "permission"),
        ("account_deactivate", "account"),
    ],
)
def test_account_doors_report_through_security_event(people, kind, expected):
    security_event.send(
        sender=None,
        kind=kind,
        user=people["security_admin"],
        target_user=people["clerk_a"],
        detail={"reason": "本人来电确认", "role": "unit_clerk"},
        request=None,
    )
    record = AuditRecord.objects.get(action=kind)
    assert record.kind == expected
    assert record.actor_username == "security_admin" and record.actor_role == "security_admin"
    assert record.object_repr == str(people["clerk_a"]) and record.model_label == "accounts.User"
    assert record.reason == "本人来电确认"
    assert record.changes == {"role": "unit_clerk"}


def test_an_export_is_recorded_with_its_filters_and_rows(client, people, web_city):  # noqa: F811
    client.force_login(people["clerk_a"])
    response = client.get("/projects/?export=csv&q=项目&page=2", REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 200
    record = AuditRecord.objects.get(kind="export")
    assert record.actor_username == "clerk_a" and record.ip == "10.2.2.2"
    rows = response.content.decode("utf-8-sig").strip().count("\n")
    assert record.changes["rows"] == rows
    assert record.changes["format"] == "csv" and record.changes["what"] == "项目清单"
    assert record.changes["filters"] == {"path": "/projects/", "q": "项目"}


def test_a_ledger_export_is_recorded(client, people, web_city):  # noqa: F811
    client.force_login(people["clerk_a"])
    response = client.get("/imports/export/ledger/?year=2026")
    assert response.status_code == 200
    record = AuditRecord.objects.get(kind="export")
    assert record.changes["what"] == "2026年项目台账" and record.changes["format"] == "xlsx"
    assert record.changes["rows"] >= 1
