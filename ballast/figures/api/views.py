"""Figures (指标): the same JSON as ``manage.py figures --json``, from the same selector
(``figures.selectors.unit_figures``) — computed in one place."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from ballast.accounts import policy
from ballast.api.params import query_date, query_year
from ballast.figures.selectors import to_json, unit_figures
from ballast.projects.selectors import visible_units
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region


def figure_regions(user):
    """The units (and the city, for a person who sees all of its units) whose figures
    ``user`` may read — the cockpits' scope."""
    units = visible_units(user)
    cities = Region.objects.filter(kind=RegionKind.CITY, children__in=units).distinct()
    whole = [c.pk for c in cities if not c.children.filter(is_assessment_unit=True).exclude(
        pk__in=units).exists()]  # fmt: skip
    return units, Region.objects.filter(pk__in=whole)


class CockpitPermission(permissions.IsAuthenticated):
    """Figures and warnings are the cockpits' (project and target data)."""

    message = policy._denied_message(policy.VIEW)

    def has_permission(self, request, view):
        return super().has_permission(request, view) and policy.may_do(request.user, "view_cockpit")


class FiguresView(APIView):
    """一个板块（或全市）某年度截至某日的各项指标。"""

    permission_classes = [CockpitPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True, description="板块代码；市代码为全市"),
            OpenApiParameter("year", int, description="年度（默认为统计日期所在年）"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期（默认今天）"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        as_of = query_date(request)
        year = query_year(request, default=as_of.year)
        code = (request.query_params.get("unit") or "").strip()
        if not code:
            raise exceptions.ValidationError({"unit": [_("请填写板块或市的代码。")]})
        units, cities = figure_regions(request.user)
        region = units.filter(code=code).first() or cities.filter(code=code).first()
        if region is None:
            raise exceptions.NotFound(_("找不到代码为“%(code)s”的板块或市，或不在您的范围内。") % {
                "code": code})  # fmt: skip
        return Response(to_json(unit_figures(unit=region, year=year, as_of=as_of)))
