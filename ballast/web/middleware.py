"""Conflicts between people acting at once are answered with a clear page, never a 500.

A lock wait that ran out (SQLite "database is locked", a PostgreSQL lock timeout,
deadlock or serialization failure) becomes HTTP 503 "系统繁忙，请稍后重试" with a
``Retry-After``; a stale save that reached no form (:class:`StaleObjectError` raised
outside one) becomes HTTP 409 with the service's message. Either way nothing was written
(the transaction rolled back), and the page offers to send the same input again, so a
form's content is not lost. Views that show a form catch ``StaleObjectError`` themselves
and show the conflict on the form (ballast.web.forms.apply_errors).
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ballast.core.concurrency import StaleObjectError
from ballast.core.conflicts import is_lock_conflict

logger = logging.getLogger("ballast.conflicts")
RETRY_AFTER_SECONDS = 5
# Form fields not sent again: the CSRF token is the new page's own.
NOT_RESENT = ("csrfmiddlewaretoken",)


class ConflictMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StaleObjectError):
            status, message = 409, " ".join(exception.messages)
            # Sent again, the input carries the stored version: after reading the message
            # it is a decision to save over the other person's change.
            request.resend_overrides = {"version": str(exception.current_version)}
        elif is_lock_conflict(exception):
            status, message = (
                503,
                _("系统繁忙：其他人正在保存同一批数据，您的操作未执行，请稍后重试。"),
            )
            logger.warning("lock conflict on %s %s: %s", request.method, request.path, exception)
        else:
            return None
        return conflict_response(request, status, message)


def conflict_response(request, status: int, message: str):
    from django.http import HttpResponse

    resend = []
    if request.method == "POST" and not request.FILES:
        overrides = getattr(request, "resend_overrides", {})
        resend = [
            (name, overrides.get(name, value))
            for name, values in request.POST.lists()
            if name not in NOT_RESENT
            for value in values
        ]
    context = {
        "status": status,
        "message": message,
        "resend": resend,
        "had_files": bool(request.method == "POST" and request.FILES),
        "action": request.get_full_path(),
    }
    try:
        body = render_to_string("web/conflict.html", context, request=request)
    except Exception:  # noqa: BLE001 — the page must answer even if its frame cannot render
        logger.exception("conflict page could not render")
        body = f"<!DOCTYPE html><meta charset='utf-8'><p>{message}</p>"
    response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
