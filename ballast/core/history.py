"""The one mechanism that records who changed what, and why.

Every model derived from :class:`ballast.core.models.BallastModel` keeps a historical
table (django-simple-history). The acting user, the reason and the source of a change
(web, admin, import, command, api) come from a context variable set here, so a page, the
admin, an import and a management command all write the same kind of history row:

    with acting(user, reason="更正: 统计口径调整", source="command"):
        services.report_amend(...)

Inside a web request the middleware sets the user and the source; a service that needs a
reason (amendments, returns, terminations) wraps its write in ``acting(..., reason=...)``.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    reason: str = ""
    source: str = "system"
    # Where the change comes from, while a request is running (the audit trail's
    # "from where"): the client address, its user agent and the request's id.
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""
    path: str = ""
    query: str = ""


# Actor is a frozen dataclass, so sharing the default instance is safe.
_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("ballast_actor", default=Actor())  # noqa: B039


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def acting(user=None, *, reason: str | None = None, source: str | None = None):
    """Attribute every change made inside the block to ``user`` with ``reason``.

    Nested blocks inherit what they do not override, so a service can add a reason to
    the user and source its caller set.
    """
    previous = _actor.get()
    actor = replace(
        previous,
        user=user if user is not None else previous.user,
        reason=reason if reason is not None else previous.reason,
        source=source if source is not None else previous.source,
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR (a reverse proxy in front must set it, e.g.
    gunicorn's ``--forwarded-allow-ips`` with the proxy's X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR") or None


def history_user(instance=None, request=None, **kwargs):
    """``get_user`` for HistoricalRecords: the acting user, else the request's user."""
    user = _actor.get().user
    if user is not None and getattr(user, "pk", None):
        return user
    if request is not None and getattr(request.user, "is_authenticated", False):
        return request.user
    return None


@receiver(pre_create_historical_record)
def _stamp_reason_and_source(sender, instance, history_instance, **kwargs):
    actor = _actor.get()
    if not history_instance.history_change_reason and actor.reason:
        history_instance.history_change_reason = actor.reason[:100]
    if hasattr(history_instance, "history_source"):
        history_instance.history_source = actor.source
        history_instance.history_reason_text = actor.reason


class HistoryActorMiddleware:
    """Attributes changes made during a request to its signed-in user, with the client's
    address, user agent and a request id (also sent back as ``X-Request-ID``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        source = "admin" if request.path.startswith("/admin/") else "web"
        if request.path.startswith("/api/"):
            source = "api"
        request.request_id = uuid.uuid4().hex
        previous = _actor.get()
        actor = replace(
            previous,
            user=user if getattr(user, "is_authenticated", False) else previous.user,
            source=source,
            ip=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            request_id=request.request_id,
            path=request.path[:300],
            query=request.GET.urlencode()[:2000],
        )
        token = _actor.set(actor)
        try:
            response = self.get_response(request)
        finally:
            _actor.reset(token)
        response.headers.setdefault("X-Request-ID", request.request_id)
        return response
