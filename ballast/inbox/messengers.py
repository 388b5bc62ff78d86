"""The seam for the messengers government offices use (政务钉钉, 企业微信, SMS).

A messenger is an object with ``send(notification) -> None`` that raises on failure.
:func:`get_messenger` builds the one named by ``BALLAST_MESSENGER`` from
:data:`BACKENDS`; a new backend (a 政务钉钉 work notice, a 企业微信 application message,
an SMS gateway) is one class registered there. The working backend is the webhook: it
POSTs the notification as JSON to ``BALLAST_MESSENGER_URL`` — the city's gateway (or a
robot address) turns it into the messenger's own call. docs/notifications.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class Messenger(Protocol):
    def send(self, notification) -> None: ...


class WebhookMessenger:
    """POST ``{"to": …, "kind": …, "subject": …, "body": …, "link": …}`` (UTF-8 JSON) to a
    configured address; ``X-Ballast-Signature`` is the HMAC-SHA256 of the body with
    ``BALLAST_MESSENGER_SECRET`` when one is set. Any answer but 2xx is a failure."""

    def __init__(self, *, url: str, secret: str = "", timeout: float = 5.0):
        if not url:
            raise ImproperlyConfigured("BALLAST_MESSENGER=webhook needs BALLAST_MESSENGER_URL.")
        self.url, self.secret, self.timeout = url, secret, timeout

    def payload(self, notification) -> dict:
        person = notification.recipient
        link = notification.safe_link
        return {
            "id": notification.pk,
            "to": {
                "username": person.username,
                "name": person.full_name or person.username,
                "phone": person.phone,
                "email": person.email,
            },
            "kind": notification.kind,
            "event": notification.event,
            "subject": notification.subject,
            "body": notification.body,
            "link": (settings.BALLAST_SITE_URL.rstrip("/") + link) if link else "",
        }

    def send(self, notification) -> None:
        data = json.dumps(self.payload(notification), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.secret:
            digest = hmac.new(self.secret.encode(), data, hashlib.sha256).hexdigest()
            headers["X-Ballast-Signature"] = f"sha256={digest}"
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
            if not 200 <= answer.status < 300:
                raise OSError(f"messenger webhook answered {answer.status}")


BACKENDS = {
    "webhook": lambda: WebhookMessenger(
        url=settings.BALLAST_MESSENGER_URL,
        secret=settings.BALLAST_MESSENGER_SECRET,
        timeout=settings.BALLAST_MESSENGER_TIMEOUT,
    ),
}


def get_messenger() -> Messenger | None:
    """The configured messenger, or None when none is (then nothing is sent by it)."""
    name = settings.BALLAST_MESSENGER
    if not name:
        return None
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"BALLAST_MESSENGER={name!r}: unknown; one of {sorted(BACKENDS)} or empty."
        )
    return BACKENDS[name]()
