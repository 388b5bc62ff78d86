"""ETag and If-Match: an object's ETag is its ``version`` (``core.models.Versioned``).

A change (PUT, PATCH, an object's action) must say which version it was based on with
``If-Match: "<version>"``: without it 428 Precondition Required; the service compares it
inside its transaction with the locked row (``core.concurrency.check_version``) and a
stale one is 412 Precondition Failed with who changed what (``exceptions._stale``). So two
clients editing one object cannot overwrite each other's change unseen.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "修改须带 If-Match 请求头（取自该对象的 ETag），以免覆盖他人在此期间的修改。"
    )
    default_code = "precondition_required"


def etag(obj) -> str | None:
    version = getattr(obj, "version", None)
    return f'"{version}"' if version is not None else None


def if_match_version(request) -> int:
    """The version the client's change is based on (``If-Match``); 428 without one."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        raise PreconditionRequired()
    value = header[2:] if header.startswith("W/") else header
    value = value.strip().strip('"')
    if not value.isdigit() or len(value) > 9:
        raise exceptions.ValidationError({"If-Match": [_('If-Match 应为该对象的 ETag，如 "3"。')]})
    return int(value)
