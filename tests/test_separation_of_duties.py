"""三权分立: only the security administrator manages accounts, never above their own
powers; administrator accounts are made at the console; every change has who and why."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from ballast.accounts import services
from ballast.accounts.choices import Role
from ballast.accounts.models import User
from ballast.projects.models import Project

GOOD = "Yangzhou#2026"


def _create_clerk(client, unit, **extra):
    data = {
        "username": "new_clerk",
        "full_name": "新填报员",
        "role": Role.UNIT_CLERK,
        "region": unit.pk,
        "password1": GOOD,
        "password2": GOOD,
        "reason": "新任填报员",
        **extra,
    }
    return client.post("/accounts/new/", data)


def test_a_clerk_cannot_be_made_superuser_through_any_web_form(
    client, people, unit_a, make_project, unit_b
):
    make_project(unit_b, name="高邮的项目")
    clerk = people["clerk_a"]
    # The security administrator's forms ignore powers smuggled into the POST.
    client.force_login(people["security_admin"])
    response = _create_clerk(
        client, unit_a, is_superuser="on", is_staff="on", groups="1", user_permissions="1"
    )
    assert response.status_code == 302
    created = User.objects.get(username="new_clerk")
    assert not created.is_superuser and created.groups.count() == 0
    assert created.user_permissions.count() == 0
    response = client.post(
        f"/accounts/{clerk.pk}/edit/",
        {
            "full_name": "填报员甲",
            "role": Role.UNIT_CLERK,
            "region": unit_a.pk,
            "is_superuser": "on",
            "reason": "",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_superuser and clerk.full_name == "填报员甲"
    # The admin site shows accounts read-only to the security administrator…
    assert client.get(f"/admin/accounts/user/{clerk.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/accounts/user/{clerk.pk}/change/", {"is_superuser": "on"}).status_code
        == 403
    )
    # …and the city administrator, who used to tick is_superuser, has no door at all.
    client.force_login(people["city_admin"])
    for url in (f"/admin/accounts/user/{clerk.pk}/change/", "/admin/accounts/user/add/"):
        assert client.post(url, {"is_superuser": "on", "username": "x"}).status_code == 403
    clerk.refresh_from_db()
    assert not clerk.is_superuser
    # So the clerk still reads only their own unit.
    assert not Project.objects.restrict(clerk).filter(unit=unit_b).exists()


def test_city_admin_has_no_account_powers(client, people, unit_a):
    admin = people["city_admin"]
    client.force_login(admin)
    assert client.get("/accounts/").status_code == 403
    assert client.get(f"/accounts/{people['auditor'].pk}/").status_code == 403
    assert _create_clerk(client, unit_a).status_code == 403
    assert (
        client.post(f"/accounts/{people['auditor'].pk}/deactivate/", {"reason": "x"}).status_code
        == 403
    )
    assert client.get("/admin/accounts/user/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.user_reset_password(
            user=admin, account=people["auditor"], password=GOOD, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.user_update(
            user=admin, account=admin, data={"role": Role.SECURITY_ADMIN}, reason="x"
        )
    people["auditor"].refresh_from_db()
    assert people["auditor"].is_active


@pytest.mark.parametrize("role", ["system_admin", "auditor", "clerk_a", "city_reviewer"])
def test_nobody_else_manages_accounts(client, people, role):
    client.force_login(people[role])
    assert client.get("/accounts/").status_code == 403
    assert client.get("/accounts/new/").status_code == 403


def test_security_admin_cannot_give_an_administrator_role(client, people, city, unit_a):
    secadmin = people["security_admin"]
    client.force_login(secadmin)
    response = _create_clerk(client, city, role=Role.AUDITOR, username="audit2")
    assert response.status_code == 200  # the role is not among the form's choices
    assert not User.objects.filter(username="audit2").exists()
    for role in (Role.AUDITOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        with pytest.raises(PermissionDenied):
            services.user_create(
                user=secadmin,
                data={"username": "x", "role": role, "region": city},
                password=GOOD,
                reason="x",
            )
        with pytest.raises(PermissionDenied):
            services.user_update(
                user=secadmin, account=people["clerk_a"], data={"role": role}, reason="x"
            )
    assert people["clerk_a"].role == Role.UNIT_CLERK


def test_security_admin_cannot_change_their_own_account(client, people, city):
    secadmin = people["security_admin"]
    client.force_login(secadmin)
    assert client.get(f"/accounts/{secadmin.pk}/edit/").status_code == 403
    assert client.get(f"/accounts/{secadmin.pk}/password/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.user_update(user=secadmin, account=secadmin, data={"full_name": "我"}, reason="x")


def test_security_admin_cannot_reset_the_auditors_password_or_touch_admins(client, people):
    secadmin, auditor = people["security_admin"], people["auditor"]
    client.force_login(secadmin)
    response = client.post(
        f"/accounts/{auditor.pk}/password/",
        {"password1": GOOD, "password2": GOOD, "reason": "登录审计员账户"},
    )
    assert response.status_code == 403
    auditor.refresh_from_db()
    assert auditor.check_password("pass") and not auditor.check_password(GOOD)
    # So the "reset the auditor's password and sign in as the auditor" hole is closed.
    client.logout()
    assert client.post("/login/", {"username": "auditor", "password": GOOD}).status_code == 200
    client.force_login(secadmin)
    for target in ("auditor", "system_admin"):
        pk = people[target].pk
        assert client.post(f"/accounts/{pk}/deactivate/", {"reason": "x"}).status_code == 403
        assert client.post(f"/accounts/{pk}/2fa-reset/", {"reason": "x"}).status_code == 403
        assert client.get(f"/accounts/{pk}/edit/").status_code == 403
    assert User.objects.get(pk=auditor.pk).is_active


def test_security_admin_manages_ordinary_accounts_with_reasons_in_history(
    client, people, unit_a, unit_b
):
    secadmin, clerk = people["security_admin"], people["clerk_a"]
    client.force_login(secadmin)
    assert client.get("/accounts/?q=clerk").status_code == 200
    assert _create_clerk(client, unit_a).status_code == 302
    created = User.objects.get(username="new_clerk")
    assert created.must_change_password and created.check_password(GOOD)
    row = created.history.get()
    assert row.history_type == "+" and row.history_user == secadmin
    assert row.history_reason_text == "新任填报员"

    # A change of unit needs a reason, and nothing is lost when it is missing.
    form = {"full_name": clerk.full_name, "role": Role.UNIT_CLERK, "region": unit_b.pk}
    response = client.post(f"/accounts/{clerk.pk}/edit/", {**form, "reason": ""})
    assert response.status_code == 200
    assert "请填写变更原因" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.region == unit_a
    response = client.post(f"/accounts/{clerk.pk}/edit/", {**form, "reason": "调岗到高邮"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.region == unit_b
    latest = clerk.history.latest()
    assert latest.history_user == secadmin and latest.history_reason_text == "调岗到高邮"
    assert latest.prev_record.region_id == unit_a.pk

    assert client.post(f"/accounts/{clerk.pk}/deactivate/", {"reason": ""}).status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_active  # no reason, no change
    client.post(f"/accounts/{clerk.pk}/deactivate/", {"reason": "离职"})
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert clerk.history.latest().history_reason_text == "离职"
    # The password hash never goes to the history table.
    assert not hasattr(clerk.history.latest(), "password")


def test_security_events_are_announced(people, unit_a):
    from ballast.accounts.signals import security_event

    seen = []

    def listen(sender, kind, user, target_user, detail, request, **kwargs):
        seen.append((kind, user, target_user, detail.get("reason")))

    security_event.connect(listen)
    try:
        services.user_update(
            user=people["security_admin"],
            account=people["clerk_a"],
            data={"role": Role.UNIT_REVIEWER},
            reason="改任审核员",
        )
    finally:
        security_event.disconnect(listen)
    assert seen == [("role_changed", people["security_admin"], people["clerk_a"], "改任审核员")]


def test_administrator_accounts_are_made_at_the_console(city, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    call_command(
        "admin_account",
        "create",
        "--role",
        "auditor",
        "--username",
        "audit2",
        "--region",
        city.code,
        "--full-name",
        "新审计员",
        "--reason",
        "新任审计员",
        stdout=io.StringIO(),
    )
    account = User.objects.get(username="audit2")
    assert account.role == Role.AUDITOR and account.must_change_password
    assert not account.is_superuser
    row = account.history.get()
    assert row.history_source == "command" and row.history_reason_text == "新任审计员"

    monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
    with pytest.raises(Exception, match="密码"):
        call_command(
            "admin_account", "set-password", "--username", "audit2", "--reason", "x",
            stdout=io.StringIO(),
        )  # fmt: skip


def test_a_person_holds_exactly_one_role(people):
    # One role field: holding two of the three administrators is not representable, and
    # no form or service offers a second one (groups, permissions).
    with pytest.raises(ValidationError):
        user = User(username="two", role="auditor,security_admin", region=people["auditor"].region)
        user.full_clean(exclude=["password"])


def test_the_security_admin_lands_on_the_accounts(client, people):
    client.force_login(people["security_admin"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    page = client.get("/accounts/").content.decode()
    assert "clerk_a" in page and "账户管理" in page
    # The menu offers the accounts to the security administrator only.
    client.force_login(people["city_admin"])
    assert "账户管理" not in client.get("/projects/").content.decode()
