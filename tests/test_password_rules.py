"""Password complexity in both modes, reuse history and expiry as the city's settings,
and the temporary password that must be changed at the next sign-in."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from ballast.accounts import services
from ballast.accounts.choices import Role
from ballast.accounts.models import SecuritySettings, User


@pytest.fixture
def zhangsan(unit_a):
    return User.objects.create(username="zhangsan", role=Role.UNIT_CLERK, region=unit_a)


@pytest.mark.parametrize(
    "password, reason",
    [
        ("1", "too short, numeric"),
        ("qwmnbvzx", "one character class"),
        ("zhangsan2026", "two classes and the username"),
        ("Zhangsan2026", "the username, any case"),
        ("Password1", "common"),
        ("Ab1!", "too short"),
    ],
)
def test_weak_passwords_are_refused(zhangsan, password, reason):
    with pytest.raises(ValidationError):
        validate_password(password, zhangsan)


def test_a_password_of_three_classes_passes(zhangsan):
    validate_password("Yangzhou#2026", zhangsan)
    validate_password("lvse-gongcheng-7", zhangsan)  # lower, digit, symbol


def test_rules_hold_in_production_mode_too(settings):
    # The validators are not switched by the mode any more (they were off in embedded).
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"CharacterClassesValidator", "MinimumLengthValidator", "CommonPasswordValidator",
            "NotUsernameValidator", "ReuseHistoryValidator"} <= names  # fmt: skip


def test_the_security_admin_cannot_set_a_weak_temporary_password(client, people):
    client.force_login(people["security_admin"])
    response = client.post(
        f"/accounts/{people['clerk_a'].pk}/password/",
        {"password1": "1", "password2": "1", "reason": "遗忘密码"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    people["clerk_a"].refresh_from_db()
    assert people["clerk_a"].check_password("pass")


def test_a_reset_password_must_be_changed_at_next_sign_in(client, people):
    clerk = people["clerk_a"]
    services.user_reset_password(
        user=people["security_admin"], account=clerk, password="Temp#2026a", reason="遗忘密码"
    )
    response = client.post("/login/", {"username": "clerk_a", "password": "Temp#2026a"})
    assert response.status_code == 302
    # Every page leads to the password page until a new one is set.
    page = client.get("/projects/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/me/password/")
    refused = client.post(
        "/accounts/me/password/",
        {"old_password": "Temp#2026a", "password1": "qwmnbvzx", "password2": "qwmnbvzx"},
    )
    assert refused.status_code == 200
    done = client.post(
        "/accounts/me/password/",
        {"old_password": "Temp#2026a", "password1": "Xinmima#2026", "password2": "Xinmima#2026"},
    )
    assert done.status_code == 302
    assert client.get("/projects/").status_code == 200
    clerk.refresh_from_db()
    assert not clerk.must_change_password and clerk.check_password("Xinmima#2026")
    assert clerk.history.latest().history_reason_text == "本人修改密码"


def test_the_last_passwords_cannot_be_reused(people, city):
    clerk = people["clerk_a"]
    SecuritySettings.objects.create(city=city, password_history_count=3)
    for password in ("Mima#2026a", "Mima#2026b", "Mima#2026c"):
        services.password_change_own(user=clerk, password=password)
    with pytest.raises(ValidationError, match="最近 3 次"):
        services.password_change_own(user=clerk, password="Mima#2026a")
    services.password_change_own(user=clerk, password="Mima#2026d")
    # Only the last three are kept; the oldest is usable again.
    assert clerk.password_history.count() == 3
    services.password_change_own(user=clerk, password="Mima#2026a")


def test_an_expired_password_must_be_changed(client, people, city):
    clerk = people["clerk_a"]
    User.objects.filter(pk=clerk.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(clerk)
    assert client.get("/projects/")["Location"].startswith("/accounts/me/password/")
    # The city lengthens the period (the security administrator's setting, with history).
    services.security_settings_update(
        user=people["security_admin"],
        city=city,
        data={"password_max_age_days": 180},
        reason="按市网信办要求调整",
    )
    assert client.get("/projects/").status_code == 200
    row = SecuritySettings.objects.get(city=city).history.latest()
    assert row.history_user == people["security_admin"]
    assert row.history_reason_text == "按市网信办要求调整"


def test_security_settings_are_the_security_admins(client, people, city):
    client.force_login(people["system_admin"])
    assert client.get("/accounts/settings/").status_code == 403
    client.force_login(people["security_admin"])
    assert client.get("/accounts/settings/").status_code == 200
    response = client.post(
        "/accounts/settings/",
        {"password_max_age_days": 60, "password_history_count": 5, "reason": "收紧"},
    )
    assert response.status_code == 302
    assert SecuritySettings.objects.get(city=city).password_max_age_days == 60
    bad = client.post(
        "/accounts/settings/",
        {"password_max_age_days": 0, "password_history_count": 5, "reason": "x"},
    )
    assert bad.status_code == 200
    assert SecuritySettings.objects.get(city=city).password_max_age_days == 60
