"""Personal API tokens: made on /accounts/tokens/ (the secret shown once, stored only
hashed), listed with their last use, revoked; expired or revoked ones are 401; their
creation, revocation and use (at most once a minute, with the address) are audited;
administrators hold none; each token has its own rate limit (429)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from ballast.accounts.models import ApiToken
from ballast.accounts.services import token_create, token_digest, token_revoke
from ballast.audit.models import AuditRecord


def _api(secret, **extra):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)
    return client


def test_a_clerk_makes_a_token_on_the_page_and_sees_the_secret_once(people):
    client = Client()
    client.force_login(people["clerk_a"])
    response = client.post("/accounts/tokens/", {"name": "县里的台账系统", "days": 30})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("bst_") and secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=people["clerk_a"])
    assert token.digest == token_digest(secret) and secret not in (token.digest, token.prefix)
    assert token.expires_at - timezone.now() > timedelta(days=29, hours=23)
    # The list shows the token by name and prefix, never the secret again.
    page = client.get("/accounts/tokens/").content.decode()
    assert "县里的台账系统" in page and token.prefix in page and secret not in page
    assert _api(secret).get("/api/v1/projects/").status_code == 200


def test_the_default_is_ninety_days_and_a_year_at_most(people):
    token, _secret = token_create(user=people["clerk_a"], name="默认")
    assert (token.expires_at - timezone.now()).days == 89
    with pytest.raises(ValidationError):
        token_create(user=people["clerk_a"], name="太长", days=366)
    client = Client()
    client.force_login(people["clerk_a"])
    response = client.post("/accounts/tokens/", {"name": "太长", "days": 400})
    assert response.context["secret"] is None
    assert ApiToken.objects.filter(name="太长").count() == 0


def test_revoked_and_expired_tokens_are_refused_with_401(people):
    token, secret = token_create(user=people["clerk_a"], name="将吊销")
    assert _api(secret).get("/api/v1/regions/").status_code == 200
    client = Client()
    client.force_login(people["clerk_a"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    response = _api(secret).get("/api/v1/regions/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "令牌无效、已过期或已被吊销。"
    assert response["WWW-Authenticate"].startswith("Bearer")
    old, old_secret = token_create(user=people["clerk_a"], name="过期", days=1)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _api(old_secret).get("/api/v1/regions/").status_code == 401
    assert _api("bst_not-a-token").get("/api/v1/regions/").status_code == 401
    assert APIClient().get("/api/v1/regions/").status_code == 401


def test_nobody_revokes_another_persons_token(people):
    token, secret = token_create(user=people["clerk_a"], name="甲的")
    client = Client()
    client.force_login(people["clerk_b"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    with pytest.raises(PermissionDenied):
        token_revoke(user=people["clerk_b"], token=token)
    assert _api(secret).get("/api/v1/regions/").status_code == 200


@pytest.mark.parametrize("role", ["auditor", "system_admin", "security_admin"])
def test_administrators_hold_no_tokens(people, role):
    with pytest.raises(PermissionDenied):
        token_create(user=people[role], name="管理员")
    client = Client()
    client.force_login(people[role])
    assert client.get("/accounts/tokens/").status_code == 403


def test_a_token_made_before_a_promotion_to_administrator_stops_working(people):
    from ballast.accounts.choices import Role

    person = people["city_reviewer"]
    _token, secret = token_create(user=person, name="旧")
    person.role = Role.SYSTEM_ADMIN
    person.save()
    assert _api(secret).get("/api/v1/regions/").status_code == 401


def test_use_is_recorded_once_a_minute_with_the_address_and_audited(people):
    token, secret = token_create(user=people["clerk_a"], name="审计")
    assert AuditRecord.objects.filter(
        action="token_created", object_id=str(people["clerk_a"].pk)
    ).exists()
    client = _api(secret, REMOTE_ADDR="10.1.2.3")
    for _ in range(3):
        assert client.get("/api/v1/regions/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_ip == "10.1.2.3" and token.last_used_at is not None
    uses = AuditRecord.objects.filter(action="token_used")
    assert uses.count() == 1
    assert uses.get().changes["token"] == token.prefix and uses.get().ip == "10.1.2.3"
    # A minute later the next use is recorded again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get("/api/v1/regions/")
    assert uses.count() == 2
    token_revoke(user=people["clerk_a"], token=token)
    assert AuditRecord.objects.filter(action="token_revoked").count() == 1


def test_each_token_has_its_rate_limit(people, settings):
    cache.clear()
    settings.BALLAST_API_RATE = "3/min"
    _t1, first = token_create(user=people["clerk_a"], name="一")
    _t2, second = token_create(user=people["clerk_a"], name="二")
    client = _api(first)
    assert [client.get("/api/v1/regions/").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/regions/")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0
    assert _api(second).get("/api/v1/regions/").status_code == 200
    cache.clear()
