"""Login log and security events.

Every sign-in, sign-out and failure goes to the login log (Django's own signals). The
account changes that Django has no signal for are announced on :data:`security_event`,
which the audit trail subscribes to:

    security_event.send(
        sender=None, kind="unlock", user=actor, target_user=account,
        detail={"reason": "…"}, request=None,
    )

``kind`` is one of :data:`SECURITY_EVENT_KINDS`; ``user`` is who acted (None at the
console), ``target_user`` whose account it is (None for a locked address), ``detail`` a
JSON-able dict (always with ``reason`` where one was given), ``request`` the request or
None.
"""

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver
from django.utils import timezone

from ballast.accounts.middleware import SESSION_CLEARED
from ballast.accounts.models import LoginEvent, User
from ballast.core.history import current_actor

security_event = Signal()

SECURITY_EVENT_KINDS = {
    "account_created": "创建账户",
    "account_changed": "修改账户",
    "role_changed": "变更角色",
    "account_activated": "启用账户",
    "account_deactivated": "停用账户",
    "password_reset": "重置密码",
    "password_changed": "修改密码",
    "unlock": "解除锁定",
    "otp_enrolled": "绑定双因素认证",
    "otp_verified": "双因素认证通过",
    "otp_failed": "双因素认证失败",
    "otp_reset": "重置双因素认证",
    "security_settings_changed": "修改安全设置",
    "export": "导出数据",  # sent by data_exported below
    "token_created": "创建接口令牌",
    "token_revoked": "吊销接口令牌",
    "token_used": "使用接口令牌",  # at most once a minute per token
}


def announce(kind: str, *, user=None, target_user=None, detail=None, request=None) -> None:
    """Send :data:`security_event` (the one way account code reports one)."""
    assert kind in SECURITY_EVENT_KINDS, kind
    security_event.send(
        sender=User,
        kind=kind,
        user=user,
        target_user=target_user,
        detail=detail or {},
        request=request,
    )


# A sign-in updates last_login by a plain UPDATE, so it is in the login log and not a
# row of the account's history (which holds the changes people make to it).
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="ballast_update_last_login")
def _stamp_last_login(sender, request, user, **kwargs):
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
    session = getattr(request, "session", None)
    if session is not None:
        # Each sign-in checks the password's age and the second factor afresh.
        session.pop(SESSION_CLEARED, None)


def data_exported(*, what: str, fmt: str, rows: int | None, filters: dict | None = None) -> None:
    """Tell the trail that the acting person downloaded a list (导出): which list, in which
    format, how many rows, with which filters (by default the running request's query)."""
    from urllib.parse import parse_qsl

    actor = current_actor()
    if filters is None:
        filters = {"path": actor.path} if actor.path else {}
        for key, value in parse_qsl(actor.query):
            if key not in ("export", "page") and value:
                filters[key] = value
    security_event.send(
        sender=None,
        kind="export",
        user=actor.user,
        target_user=None,
        detail={"what": what, "format": fmt, "rows": rows, "filters": filters},
        request=None,
    )


def _client(request):
    if request is None:
        return None, ""
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:255]


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    ip, agent = _client(request)
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.LOGIN, user=user, username=user.get_username(), ip=ip, user_agent=agent
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    ip, agent = _client(request)
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.LOGOUT,
        user=user,
        username=user.get_username(),
        ip=ip,
        user_agent=agent,
    )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    ip, agent = _client(request)
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.FAILED,
        username=str(credentials.get("username", ""))[:150],
        ip=ip,
        user_agent=agent,
    )
