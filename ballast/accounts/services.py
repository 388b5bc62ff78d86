"""Account writes (三权分立): the security administrator's, and the console's.

Every web write re-checks :func:`policy.check_account` inside its transaction with the
account row locked: only the security administrator manages accounts, of their own city,
never their own, never an administrator's (系统/安全管理员, 审计员), and never to give an
administrator role. Administrator accounts are made and reset at the console
(``manage.py admin_account``, :func:`admin_account_create` and friends), recorded the
same way. Each change is a row of the account's history with who and why, and a
:data:`~ballast.accounts.signals.security_event`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ballast.accounts import policy
from ballast.accounts.choices import ADMINISTRATOR_ROLES, Role
from ballast.accounts.models import ApiToken, SecuritySettings, User
from ballast.accounts.signals import announce
from ballast.core.history import acting

# What the security administrator may set on an account through the web: never
# is_superuser, is_staff, groups or user_permissions (those follow from the role).
ACCOUNT_FIELDS = ("full_name", "role", "region", "department", "title", "phone")
# Changes of these need a reason (变更原因), as does (de)activation.
REASONED_FIELDS = ("role", "region", "department")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写变更原因。")})
    return reason


def _locked(account: User) -> User:
    # No join: PostgreSQL cannot lock the nullable side of an outer join (region).
    return User.objects.select_for_update().get(pk=account.pk)


def _apply(account: User, data: dict) -> None:
    unknown = set(data) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"unknown account fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(account, field, value)
    if account.role != Role.DEPARTMENT:
        account.department = None
    # The admin site is for the roles whose work is there; never a choice on a form.
    account.is_staff = account.role != Role.ENTERPRISE
    account.is_superuser = False


def _set_password(account: User, password: str) -> None:
    password_validation.validate_password(password, account)
    account.set_password(password)


@transaction.atomic
def user_create(*, user, data: dict, password: str, reason: str, request=None) -> User:
    """The security administrator opens an account with a temporary password that must
    be changed at the first sign-in."""
    reason = _reason(reason)
    policy.check_account(user, policy.ADD, role=data.get("role"), region=data.get("region"))
    account = User(username=(data.pop("username", "") or "").strip())
    _apply(account, data)
    if not account.role:
        raise ValidationError({"role": _("请选择角色。")})
    account.must_change_password = True
    account.full_clean(exclude=["password"])
    _set_password(account, password)
    with acting(user, reason=reason):
        account.save()
    announce(
        "account_created",
        user=user,
        target_user=account,
        detail={"reason": reason, "role": account.role, "region": account.region_id},
        request=request,
    )
    return account


@transaction.atomic
def user_update(*, user, account: User, data: dict, reason: str = "", request=None) -> User:
    """Change an account's person, role, region or department (the last three need a
    reason)."""
    account = _locked(account)
    policy.check_account(
        user, policy.CHANGE, account, role=data.get("role"), region=data.get("region")
    )
    before = {field: getattr(account, field) for field in ACCOUNT_FIELDS}
    _apply(account, data)
    changed = [f for f in ACCOUNT_FIELDS if getattr(account, f) != before[f]]
    if not changed:
        return account
    if any(f in REASONED_FIELDS for f in changed):
        reason = _reason(reason)
    account.full_clean(exclude=["password"])
    with acting(user, reason=reason.strip() or _("修改账户信息")):
        account.save()
    kind = "role_changed" if "role" in changed else "account_changed"
    announce(
        kind,
        user=user,
        target_user=account,
        detail={
            "reason": reason,
            "fields": changed,
            "before": {f: _plain(before[f]) for f in changed},
            "after": {f: _plain(getattr(account, f)) for f in changed},
        },
        request=request,
    )
    return account


def _plain(value):
    return getattr(value, "pk", value)


@transaction.atomic
def user_set_active(*, user, account: User, active: bool, reason: str, request=None) -> User:
    """Deactivate (停用) or reactivate (启用) an account; a reason is required."""
    reason = _reason(reason)
    account = _locked(account)
    policy.check_account(user, policy.CHANGE, account)
    if account.is_active == active:
        return account
    account.is_active = active
    with acting(user, reason=reason):
        account.save()
    if not active:
        _end_sessions(account)
    announce(
        "account_activated" if active else "account_deactivated",
        user=user,
        target_user=account,
        detail={"reason": reason},
        request=request,
    )
    return account


@transaction.atomic
def user_reset_password(*, user, account: User, password: str, reason: str, request=None) -> User:
    """Give an account a temporary password, to be changed at its next sign-in.

    Never an administrator's (the "reset the auditor's password and sign in as the
    auditor" hole): those are reset at the console.
    """
    reason = _reason(reason)
    account = _locked(account)
    policy.check_account(user, policy.CHANGE, account)
    _set_password(account, password)
    account.must_change_password = True
    with acting(user, reason=reason):
        account.save()
    _end_sessions(account)
    announce("password_reset", user=user, target_user=account, detail={"reason": reason},
             request=request)  # fmt: skip
    return account


@transaction.atomic
def user_unlock(*, user, account: User | None = None, ip: str = "", reason: str, request=None):
    """Lift a sign-in lockout (django-axes) of an account, or of an address."""
    from axes.utils import reset

    reason = _reason(reason)
    if account is not None:
        account = _locked(account)
        policy.check_account(user, policy.CHANGE, account)
        removed = reset(username=account.get_username())
    else:
        policy.check_account(user, policy.CHANGE)
        if not ip:
            raise ValidationError({"ip": _("请指定要解除锁定的地址。")})
        removed = reset(ip=ip)
    announce(
        "unlock",
        user=user,
        target_user=account,
        detail={"reason": reason, "ip": ip, "attempts_removed": removed},
        request=request,
    )
    return removed


@transaction.atomic
def user_reset_2fa(*, user, account: User, reason: str, request=None) -> int:
    """Remove an account's TOTP devices: it enrols again at its next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reason = _reason(reason)
    account = _locked(account)
    policy.check_account(user, policy.CHANGE, account)
    removed, _detail = TOTPDevice.objects.filter(user=account).delete()
    _end_sessions(account)
    announce("otp_reset", user=user, target_user=account,
             detail={"reason": reason, "devices_removed": removed}, request=request)  # fmt: skip
    return removed


@transaction.atomic
def security_settings_update(*, user, city, data: dict, reason: str, request=None):
    """The city's password rules (expiry, reuse history), the security administrator's."""
    reason = _reason(reason)
    policy.check_account(user, policy.CHANGE, region=city)
    found = SecuritySettings.objects.select_for_update().filter(city=city).first()
    current = found or SecuritySettings(city=city)
    before = {f: getattr(current, f) for f in data}
    for field, value in data.items():
        if field not in ("password_max_age_days", "password_history_count"):
            raise ValueError(f"unknown security setting: {field}")
        setattr(current, field, value)
    current.full_clean()
    with acting(user, reason=reason):
        current.save()
    announce(
        "security_settings_changed",
        user=user,
        detail={"reason": reason, "before": before, "after": dict(data), "city": city.pk},
        request=request,
    )
    return current


@transaction.atomic
def password_change_own(*, user, password: str, request=None) -> User:
    """A person sets their own new password (after a reset, on expiry, or at will)."""
    account = _locked(user)
    _set_password(account, password)
    account.must_change_password = False
    with acting(account, reason=_("本人修改密码")):
        account.save()
    announce("password_changed", user=account, target_user=account, request=request)
    return account


def _end_sessions(account: User) -> None:
    """Sign the account out everywhere (its sessions are removed)."""
    from django.contrib.sessions.models import Session

    # Sessions store the user id as a string under _auth_user_id; decode each one.
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == str(account.pk):
            session.delete()


# --- the console: administrator accounts (manage.py admin_account) -----------------------


@transaction.atomic
def admin_account_create(
    *, username: str, role: str, region, password: str, full_name: str, reason: str
) -> User:
    """Create one of the three administrators (or any account) at the console."""
    reason = _reason(reason)
    account = User(
        username=username.strip(),
        role=role,
        region=region,
        full_name=full_name,
        is_staff=role != Role.ENTERPRISE,
        must_change_password=True,
    )
    account.full_clean(exclude=["password"])
    _set_password(account, password)
    with acting(reason=reason, source="command"):
        account.save()
    announce("account_created", target_user=account,
             detail={"reason": reason, "role": role, "console": True})  # fmt: skip
    return account


@transaction.atomic
def admin_account_set_password(*, account: User, password: str, reason: str) -> User:
    """Reset any account's password at the console; it must be changed at next sign-in."""
    reason = _reason(reason)
    account = _locked(account)
    _set_password(account, password)
    account.must_change_password = True
    with acting(reason=reason, source="command"):
        account.save()
    _end_sessions(account)
    announce("password_reset", target_user=account, detail={"reason": reason, "console": True})
    return account


@transaction.atomic
def admin_account_set_active(*, account: User, active: bool, reason: str) -> User:
    """(De)activate any account at the console."""
    reason = _reason(reason)
    account = _locked(account)
    account.is_active = active
    with acting(reason=reason, source="command"):
        account.save()
    if not active:
        _end_sessions(account)
    announce(
        "account_activated" if active else "account_deactivated",
        target_user=account,
        detail={"reason": reason, "console": True},
    )
    return account


@transaction.atomic
def admin_account_reset_2fa(*, account: User, reason: str) -> int:
    """Remove an administrator's TOTP devices at the console."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reason = _reason(reason)
    removed, _detail = TOTPDevice.objects.filter(user=account).delete()
    _end_sessions(account)
    announce("otp_reset", target_user=account,
             detail={"reason": reason, "devices_removed": removed, "console": True})  # fmt: skip
    return removed


__all__ = [
    "ADMINISTRATOR_ROLES",
    "admin_account_create",
    "admin_account_reset_2fa",
    "admin_account_set_active",
    "admin_account_set_password",
    "password_change_own",
    "security_settings_update",
    "user_create",
    "user_reset_2fa",
    "user_reset_password",
    "user_set_active",
    "user_unlock",
    "user_update",
]


# --------------------------------------------------------------------------- API tokens

TOKEN_PREFIX = "bst_"
# A use is written to the token (and the trail) at most this often, to keep both small.
TOKEN_USE_RECORD_SECONDS = 60


def token_digest(secret: str) -> str:
    """The stored form of a token's secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, days: int | None = None, request=None):
    """Make a personal API token for ``user``; returns ``(token, secret)``. The secret is
    shown once and stored only as its digest. ``days`` until it expires: the default
    (BALLAST_API_TOKEN_DAYS, 90) and at most BALLAST_API_TOKEN_MAX_DAYS (365)."""

    if not policy.may(user, policy.ADD, ApiToken):
        raise PermissionDenied(_("您的角色不能创建接口令牌。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称。")})
    days = settings.BALLAST_API_TOKEN_DAYS if days in (None, "") else int(days)
    if not 1 <= days <= settings.BALLAST_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("有效期应在 1 至 %(max)s 天之间。")
                % {"max": settings.BALLAST_API_TOKEN_MAX_DAYS}
            }
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    announce(
        "token_created",
        user=user,
        target_user=user,
        detail={"token": token.prefix, "name": token.name, "expires": token.expires_at.isoformat()},
        request=request,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, user, token, request=None):
    """Revoke one of ``user``'s tokens (it answers 401 from then on)."""

    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    policy.check(user, policy.DELETE, locked)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        announce(
            "token_revoked",
            user=user,
            target_user=locked.user,
            detail={"token": locked.prefix, "name": locked.name},
            request=request,
        )
    return locked


def token_used(*, token, ip: str | None, request=None) -> bool:
    """Note a use of ``token`` from ``ip``: written (and audited) at most once a minute per
    token, by an atomic claim so that parallel requests record it once."""

    now = timezone.now()
    stale = now - timedelta(seconds=TOKEN_USE_RECORD_SECONDS)
    claimed = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale))
        .update(last_used_at=now, last_used_ip=ip)
    )
    if claimed:
        token.last_used_at, token.last_used_ip = now, ip
        announce(
            "token_used",
            user=token.user,
            target_user=token.user,
            detail={"token": token.prefix, "name": token.name, "ip": ip or ""},
            request=request,
        )
    return bool(claimed)
