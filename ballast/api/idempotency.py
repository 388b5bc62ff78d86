"""Idempotency keys on creating POSTs: a client that sends ``Idempotency-Key: <its own
unique string>`` and retries (a lost answer, a timeout) gets the first answer again, and
nothing is created twice. The first successful answer is kept for
BALLAST_API_IDEMPOTENCY_HOURS (24) per person and key; the same key sent to another
address or method is refused (422). A failed request keeps nothing, so it can be retried.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from ballast.accounts.models import IdempotentRequest, User

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEPT_HEADERS = ("ETag", "Location")


class KeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"


def idempotent(create):
    """Wrap a viewset's ``create(self, request, …)``."""

    def wrapper(self, request, *args, **kwargs):
        key = (request.headers.get(HEADER) or "").strip()
        if not key:
            return create(self, request, *args, **kwargs)
        if len(key) > 255 or not key.isprintable():
            raise exceptions.ValidationError({HEADER: [_("幂等键应为不超过 255 个字符的文本。")]})
        user = request.user
        since = timezone.now() - timedelta(hours=settings.BALLAST_API_IDEMPOTENCY_HOURS)
        with transaction.atomic():
            # One person's keyed requests take turns, so two retries racing each other
            # cannot both create.
            User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
            kept = IdempotentRequest.objects.filter(user=user, key=key).first()
            if kept is not None and kept.created_at < since:
                kept.delete()
                kept = None
            if kept is not None:
                if (kept.method, kept.path) != (request.method, request.path):
                    raise KeyReused(_("该幂等键已用于另一个请求（%(method)s %(path)s）。") % {
                        "method": kept.method, "path": kept.path,
                    })  # fmt: skip
                headers = {**kept.headers, REPLAYED: "true"}
                return Response(kept.body, status=kept.status, headers=headers)
            response = create(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                IdempotentRequest.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path[:300],
                    status=response.status_code,
                    body=json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)),
                    headers={h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
                )
            return response

    wrapper.__name__ = create.__name__
    wrapper.__doc__ = create.__doc__
    wrapper.idempotent = True
    return wrapper
