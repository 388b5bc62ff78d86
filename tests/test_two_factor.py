"""TOTP two-factor sign-in (django-otp): required for the three administrators (and the
city roles in production), enrolled on a page with a locally drawn QR code, verified
after the password, reset by the security administrator."""

import secrets
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ballast.accounts.signals import security_event


def code(device, drift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"  # noqa: E501


def _sign_in(client, username):
    response = client.post("/login/", {"username": username, "password": "pass"})
    assert response.status_code == 302
    return response


@pytest.fixture
def required(settings):
    settings.BALLAST_2FA_REQUIRED = "administrators"


def test_administrators_must_enrol_with_a_real_totp_code(client, people, required):
    _sign_in(client, "auditor")
    page = client.get("/admin/accounts/loginevent/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/me/2fa/")
    enrol = client.get("/accounts/me/2fa/")
    body = enrol.content.decode()
    # The QR code is drawn inline; nothing is fetched from outside.
    assert "<svg" in body and 'src="http' not in body and 'href="http' not in body
    device = TOTPDevice.objects.get(user=people["auditor"], confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")
    bad = "000000" if code(device) != "000000" else "111111"
    wrong = client.post("/accounts/me/2fa/", {"token": bad})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles the next try after a failure (1 s, doubling)
    assert client.post("/accounts/me/2fa/", {"token": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/accounts/loginevent/").status_code == 200


def test_the_code_is_asked_after_the_password_at_every_sign_in(client, people, required):
    device = TOTPDevice.objects.create(user=people["security_admin"], name="手机", confirmed=True)
    _sign_in(client, "security_admin")
    page = client.get("/accounts/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/me/2fa/verify/")
    # Nothing but the step, the sign-out and the language switch is open meanwhile.
    assert client.get("/accounts/new/").status_code == 302
    refused = client.post("/accounts/me/2fa/verify/", {"token": "12345"})
    assert refused.status_code == 200
    assert client.post("/accounts/me/2fa/verify/", {"token": code(device)}).status_code == 302
    assert client.get("/accounts/").status_code == 200


def test_a_wrong_code_fires_the_standard_signal(client, people, required):
    from django_otp.forms import otp_verification_failed

    device = TOTPDevice.objects.create(user=people["auditor"], name="手机", confirmed=True)
    failures = []

    def listen(sender, user, **kwargs):
        failures.append(user)

    otp_verification_failed.connect(listen)
    try:
        _sign_in(client, "auditor")
        bad = "000000" if code(device) != "000000" else "111111"
        client.post("/accounts/me/2fa/verify/", {"token": bad})
    finally:
        otp_verification_failed.disconnect(listen)
    assert failures == [people["auditor"]]


def test_other_roles_are_not_required_unless_city_mode(client, people, settings, required):
    _sign_in(client, "clerk_a")
    assert client.get("/projects/").status_code == 200
    client.logout()
    _sign_in(client, "city_reviewer")
    assert client.get("/reports/city/").status_code == 200
    client.logout()
    settings.BALLAST_2FA_REQUIRED = "city"
    _sign_in(client, "city_reviewer")
    assert client.get("/reports/city/")["Location"].startswith("/accounts/me/2fa/")
    client.logout()
    _sign_in(client, "clerk_a")  # unit roles stay optional
    assert client.get("/projects/").status_code == 200


def test_optional_enrolment_is_then_asked_too(client, people):
    # BALLAST_2FA_REQUIRED is off in the test settings (embedded mode).
    device = TOTPDevice.objects.create(user=people["clerk_a"], name="手机", confirmed=True)
    _sign_in(client, "clerk_a")
    assert client.get("/projects/")["Location"].startswith("/accounts/me/2fa/verify/")
    client.post("/accounts/me/2fa/verify/", {"token": code(device)})
    assert client.get("/projects/").status_code == 200


def test_the_security_admin_resets_a_users_2fa(client, people):
    TOTPDevice.objects.create(user=people["clerk_a"], name="手机", confirmed=True)
    events = []

    def listen(sender, kind, **kwargs):
        events.append((kind, kwargs["target_user"], kwargs["detail"]["reason"]))

    security_event.connect(listen)
    try:
        client.force_login(people["security_admin"])
        response = client.post(
            f"/accounts/{people['clerk_a'].pk}/2fa-reset/", {"reason": "手机丢失"}
        )
    finally:
        security_event.disconnect(listen)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people["clerk_a"]).exists()
    assert events == [("otp_reset", people["clerk_a"], "手机丢失")]


def test_production_requires_it_of_city_roles_by_default():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c",
         "import django,os;django.setup();from django.conf import settings;"
         "print(settings.BALLAST_2FA_REQUIRED, settings.SESSION_COOKIE_AGE,"
         " settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)"],
        env={"DJANGO_SETTINGS_MODULE": "ballast.settings", "BALLAST_MODE": "production",
             "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "ballast.example", "PATH": "/usr/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.split() == ["city", "1800", "True"]
