"""Early warnings (预警) as of a date: the same selector and JSON as ``manage.py warnings``
(``alerts.selectors.warnings_as_of``, ``EarlyWarning.as_dict``), over the person's
projects; and the warnings page's export (the same columns, ``alerts.tables``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.views import APIView

from ballast.alerts import registry
from ballast.alerts.choices import Level
from ballast.alerts.selectors import warnings_as_of
from ballast.alerts.tables import WarningTable
from ballast.api.pagination import PageNumberPagination
from ballast.api.params import query_date
from ballast.api.renderers import CSV_TYPE, TABLE_RENDERERS, XLSX_TYPE, table_format
from ballast.figures.api.views import CockpitPermission
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units


class WarningSerializer(serializers.Serializer):
    """One warning, as ``manage.py warnings --json`` prints it."""

    project_code = serializers.CharField(allow_null=True)
    project = serializers.CharField()
    project_id = serializers.IntegerField()
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    rule = serializers.CharField()
    rule_label = serializers.CharField()
    level = serializers.CharField()
    since = serializers.DateField()
    leaders = serializers.ListField(child=serializers.CharField())
    detail = serializers.CharField()


class WarningPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = WarningSerializer(many=True)


FILTER_PARAMETERS = [
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期（默认今天）"),
    OpenApiParameter("unit", str, description="板块代码（默认为您范围内的全部）"),
    OpenApiParameter("rule", str, description="只看某条规则"),
    OpenApiParameter("level", str, enum=["red", "yellow"], description="只看某一等级"),
]


class WarningsView(APIView):
    """截至某日的项目预警（红色在前，按板块、项目排序）。"""

    pagination_class = PageNumberPagination
    permission_classes = [CockpitPermission]

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: WarningPageSerializer},
    )
    def get(self, request):
        found = _warnings(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset([w.as_dict() for w in found], request, view=self)
        return paginator.get_paginated_response(page)


def _warnings(request) -> list:
    """The warnings as of ``?as_of=`` over the person's projects, in ``?unit=``, ``?rule=``
    and ``?level=`` (the warnings page's filters)."""
    as_of = query_date(request)
    projects = Project.objects.restrict(request.user)
    code = (request.query_params.get("unit") or "").strip()
    if code:
        unit = visible_units(request.user).filter(code=code).first()
        if unit is None:
            raise exceptions.NotFound(_("找不到代码为“%(code)s”的板块，或不在您的范围内。") % {
                "code": code})  # fmt: skip
        projects = projects.filter(unit=unit)
    rule = (request.query_params.get("rule") or "").strip()
    if rule and registry.get(rule) is None:
        raise exceptions.ValidationError({"rule": [_("未知的预警规则。")]})
    level = (request.query_params.get("level") or "").strip()
    if level and level not in Level.values:
        raise exceptions.ValidationError({"level": [_("预警等级应为 red 或 yellow。")]})
    found = warnings_as_of(projects=projects, as_of=as_of, rules=[rule] if rule else None)
    return [w for w in found if w.level == level] if level else found


class WarningsExportView(APIView):
    """预警清单导出（与预警页的导出相同的列）：xlsx 或 csv。"""

    permission_classes = [CockpitPermission]
    renderer_classes = TABLE_RENDERERS

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "format", str, enum=["xlsx", "csv"], description="xlsx（默认）或 csv；亦可用 Accept"
            ),
        ],
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, (200, CSV_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request):
        fmt = table_format(request)
        found = _warnings(request)
        as_of = query_date(request)
        # the page's own table: the same columns and cells as its export
        return WarningTable(found).export(fmt, f"warnings-{as_of:%Y%m%d}", "预警清单")
