"""Renderers for file answers (xlsx, csv): the view writes the file itself (an
``HttpResponse`` with its own Content-Type and Content-Disposition); the renderer only
lets content negotiation pick the format from ``Accept`` and renders a problem as JSON
when a file was asked for but an error is the answer."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"


class FileRenderer(renderers.BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


class XlsxRenderer(FileRenderer):
    media_type, format = XLSX_TYPE, "xlsx"


class CsvRenderer(FileRenderer):
    media_type, format = CSV_TYPE, "csv"


# JSON first: a problem reads as JSON; a file is chosen by Accept or ?format=.
TABLE_RENDERERS = [renderers.JSONRenderer, XlsxRenderer, CsvRenderer]


def table_format(request) -> str:
    """The format a table download was asked for: ``?format=xlsx|csv``, else the
    ``Accept`` header's (text/csv or the xlsx type), else xlsx."""
    asked = (request.query_params.get("format") or "").strip().lower()
    if asked:
        if asked not in ("xlsx", "csv"):
            raise exceptions.ValidationError({"format": [_("格式应为 xlsx 或 csv。")]})
        return asked
    accepted = getattr(getattr(request, "accepted_renderer", None), "format", None)
    return accepted if accepted in ("xlsx", "csv") else "xlsx"
