"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API answers — DRF's own (their messages come translated in the person's
language, Chinese by default), a service's ``ValidationError`` (400, with ``errors`` per
field), ``PermissionDenied`` (403), a stale version (412, with what changed) — is one
JSON object: ``type``, ``title``, ``status``, ``detail`` and, for validation,
``errors``. Nothing a client sends becomes a 500.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from ballast.core.concurrency import StaleObjectError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:ballast:problem:"


def _titles() -> dict[int, str]:
    return {
        400: _("请求有误"),
        401: _("未登录或令牌无效"),
        403: _("无权操作"),
        404: _("未找到"),
        405: _("不支持的请求方法"),
        406: _("无法提供所要求的格式"),
        409: _("冲突"),
        412: _("数据已被他人修改"),
        413: _("请求过大"),
        415: _("不支持的内容类型"),
        422: _("无法处理的请求"),
        428: _("缺少 If-Match 请求头"),
        429: _("请求过于频繁"),
    }


def _kind(status_code: int) -> str:
    return {
        400: "validation",
        401: "unauthenticated",
        403: "forbidden",
        404: "not-found",
        405: "method-not-allowed",
        409: "conflict",
        412: "stale",
        415: "unsupported-media-type",
        422: "unprocessable",
        428: "precondition-required",
        429: "throttled",
    }.get(status_code, "error")


def problem(status_code: int, detail: str, *, errors=None, headers=None, **extra) -> Response:
    """A problem response."""
    body = {
        "type": PROBLEM_BASE + _kind(status_code),
        "title": _titles().get(status_code, _("错误")),
        "status": status_code,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's error detail as ``{field: [messages]}`` (nested fields dotted)."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            for sub, messages in _flatten(value).items():
                out[f"{key}.{sub}" if sub else str(key)] = messages
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {"": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            for sub, messages in _flatten(item).items():
                out[f"{index}.{sub}" if sub else str(index)] = messages
        return out
    return {"": [str(detail)]}


def _stale(exc: StaleObjectError) -> Response:
    changes = [
        {
            "field": change.name,
            "label": change.label,
            "before": change.before,
            "theirs": change.theirs,
            "yours": change.yours,
        }
        for change in exc.changes
    ]
    headers = {"ETag": f'"{exc.current_version}"'} if exc.instance is not None else None
    return problem(
        status.HTTP_412_PRECONDITION_FAILED,
        exc.messages[0],
        headers=headers,
        current_version=exc.current_version,
        changes=changes,
    )


def problem_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every handled error as a problem."""
    if isinstance(exc, StaleObjectError):
        return _stale(exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        name: value
        for name, value in response.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow", "ETag")
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if "" in errors:
            errors["non_field_errors"] = errors.pop("")
        first = next(iter(errors.values()), [_("提交的数据有误。")])
        detail = first[0] if list(errors) == ["non_field_errors"] else _("提交的数据有误。")
        return problem(response.status_code, detail, errors=errors, headers=headers)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(detail, dict | list):
        flat = _flatten(detail)
        detail = next(iter(flat.values()), [""])[0]
    return problem(response.status_code, detail, headers=headers)


@csrf_exempt  # it changes nothing: every method is answered 404
def not_found(request, rest=""):
    """Any other address under /api/v1/: a 404 problem, not the pages' HTML 404."""
    from django.http import JsonResponse

    body = {
        "type": PROBLEM_BASE + "not-found",
        "title": _titles()[404],
        "status": 404,
        "detail": _("接口地址不存在。"),
    }
    return JsonResponse(
        body,
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
