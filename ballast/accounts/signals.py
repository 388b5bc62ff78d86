"""Login log: every sign-in, sign-out and failure; the security-event signal.

``security_event`` is how the account doors tell the audit trail (``ballast.audit``) what
happened, without depending on it::

    security_event.send(
        sender=User, kind="unlock", user=acting_user, target_user=locked_user,
        detail={"reason": "本人来电确认"}, request=request,
    )

``kind`` is a short word: ``unlock``, ``lockout``, ``2fa_reset``, ``2fa_failed``,
``password_reset``, ``password_change``, ``role_change``, ``permission_change``,
``account_create``, ``account_deactivate``, ``export`` …; ``detail`` a small JSON-ready
dict; ``request`` may be None (the trail then reads the running request's context).
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from ballast.accounts.models import LoginEvent

security_event = Signal()


def data_exported(*, what: str, fmt: str, rows: int | None, filters: dict | None = None) -> None:
    """Tell the trail that the acting person downloaded a list (导出): which list, in which
    format, how many rows, with which filters (by default the running request's query)."""
    from urllib.parse import parse_qsl

    from ballast.core.history import current_actor

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
