"""Repeated wrong passwords lock the account and the address (django-axes); the right
password is then refused until the security administrator unlocks or the cool-off ends."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from ballast.accounts.models import LoginEvent


def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_twenty_wrong_passwords_lock_the_account_until_unlocked(client, people):
    statuses = [_login(client, "clerk_a", f"wrong{n}").status_code for n in range(20)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit:]) == {429}
    locked = _login(client, "clerk_a", "pass")
    assert locked.status_code == 429
    assert "登录已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Every failure reached the login log (Django's user_login_failed signal).
    assert LoginEvent.objects.filter(kind="failed", username="clerk_a").count() >= limit

    # Another address is refused too: the lock is the account's.
    assert _login(client, "clerk_a", "pass", ip="10.0.0.2").status_code == 429

    # The security administrator unlocks it from the account page, with a reason.
    client.force_login(people["security_admin"])
    page = client.get(f"/accounts/{people['clerk_a'].pk}/")
    assert "解除登录锁定" in page.content.decode()
    response = client.post(f"/accounts/{people['clerk_a'].pk}/unlock/", {"reason": "本人来电确认"})
    assert response.status_code == 302
    client.logout()
    assert _login(client, "clerk_a", "pass", ip="10.0.0.3").status_code == 302


def test_repeated_failures_from_one_address_lock_the_address(client, people):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "x", ip="10.9.9.9")
    # Even a right password of another person is refused from that address…
    assert _login(client, "reviewer_a", "pass", ip="10.9.9.9").status_code == 429
    # …and accepted from another.
    assert _login(client, "reviewer_a", "pass", ip="10.9.9.8").status_code == 302
    client.logout()

    client.force_login(people["security_admin"])
    page = client.get("/accounts/locks/")
    assert "10.9.9.9" in page.content.decode()
    client.post("/accounts/locks/unlock/", {"ip": "10.9.9.9", "reason": "办公网出口"})
    client.logout()
    assert _login(client, "reviewer_a", "pass", ip="10.9.9.9").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, people):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "clerk_b", f"wrong{n}")
    assert _login(client, "clerk_b", "pass").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert _login(client, "clerk_b", "pass").status_code == 302


def test_unlock_needs_the_security_administrator(client, people):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "clerk_a", f"wrong{n}")
    client.force_login(people["city_admin"])
    assert (
        client.post(f"/accounts/{people['clerk_a'].pk}/unlock/", {"reason": "x"}).status_code == 403
    )
    client.logout()
    assert _login(client, "clerk_a", "pass").status_code == 429
