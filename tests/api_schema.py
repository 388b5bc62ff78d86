"""The published schema loaded into Schemathesis, calling the WSGI app in-process (no
network), for the contract test and the property-based run."""

from __future__ import annotations

from contextlib import contextmanager

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def load_schema():
    """The schema ``/api/v1/schema/`` publishes, bound to the in-process WSGI app."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(_plain(document))
    schema.app = get_wsgi_application()
    return schema


def _plain(value):
    """The generator's output as plain JSON types (its strings may be lazy)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@contextmanager
def in_process():
    """Requests through the WSGI app share the test's connection and transaction (as
    Django's test client does: no connection is closed at a request's end)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def is_problem(response) -> bool:
    if response.status_code < 400:
        return True
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type = headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if not content_type.startswith("application/problem+json"):
        return False
    body = response.json()
    return {"type", "title", "status", "detail"} <= set(body) and body[
        "status"
    ] == response.status_code
