"""Figures (指标): the same JSON as ``manage.py figures --json``, from the same selectors
(``figures.selectors``) — computed in one place.

``/figures/?unit=CODE`` answers one region: an assessment unit (板块), a city (its units
added up) or a province (its cities added up). ``/figures/compare/`` answers an area and
its parts side by side, at any depth of the region tree: a province and its cities (the
province cockpit's numbers), a city and its units (the city cockpit's)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ballast.accounts import policy
from ballast.api.params import query_date, query_known_at, query_year
from ballast.figures.integrity import as_json, integrity_of
from ballast.figures.selectors import (
    DELAY_BUCKETS,
    area_and_cities_figures,
    city_and_units_figures,
    late_projects,
    new_delays,
    overrun_summary,
    to_json,
    unit_figures,
)
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region, within

# The areas whose figures add up their parts (the selectors' two levels of sums).
AREA_KINDS = (RegionKind.CITY, RegionKind.PROVINCE)


def figure_regions(user):
    """The regions whose figures ``user`` may read — the cockpits' scope, at any depth:
    the assessment units they see, and every city or province all of whose units they see
    (a unit clerk: their unit; a city person: the city and its units; a province officer:
    the province, its cities and their units)."""
    units = visible_units(user)
    seen = set(units.values_list("pk", flat=True))
    codes = {c for path in units.values_list("path", flat=True) for c in path.split("/")[:-1]}
    whole = [
        area.pk
        for area in Region.objects.filter(code__in=codes, kind__in=AREA_KINDS)
        if set(
            Region.objects.filter(within("", area), is_assessment_unit=True).values_list(
                "pk", flat=True
            )
        )
        <= seen
    ]
    return Region.objects.filter(pk__in=[*seen, *whole])


class CockpitPermission(permissions.IsAuthenticated):
    """Figures and warnings are the cockpits' (project and target data)."""

    message = policy._denied_message(policy.VIEW)

    def has_permission(self, request, view):
        return super().has_permission(request, view) and policy.may_do(request.user, "view_cockpit")


def _dates(request) -> tuple:
    as_of = query_date(request)
    return as_of, query_year(request, default=as_of.year)


def _region(request, name: str, regions, *, default=None) -> Region:
    code = (request.query_params.get(name) or "").strip()
    if not code:
        if default is not None or name == "region":
            return default
        raise exceptions.ValidationError({name: [_("请填写板块、市或省的代码。")]})
    region = regions.filter(code=code).first()
    if region is None:
        raise exceptions.NotFound(
            _("找不到代码为“%(code)s”的地区，或不在您的范围内。") % {"code": code}
        )
    return region


DATE_PARAMETERS = [
    OpenApiParameter("year", int, description="年度（默认为统计日期所在年）"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期（默认今天）"),
]

KNOWN_AT_PARAMETER = OpenApiParameter(
    "known_at",
    str,
    description=(
        "知悉时点 K：按该时点已记录的数据计算（历史表），用于重现过去某时看到的数字。"
        "YYYY-MM-DD 为当日结束时，或 YYYY-MM-DDTHH:MM[:SS][+08:00]；默认现在"
    ),
)


class FiguresView(APIView):
    """一个板块、一个市（全市）或一个省（全省）某年度截至某日的各项指标。"""

    permission_classes = [CockpitPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unit", str, required=True, description="板块代码；市代码为全市，省代码为全省"
            ),
            *DATE_PARAMETERS,
            KNOWN_AT_PARAMETER,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        as_of, year = _dates(request)
        known_at = query_known_at(request)
        region = _region(request, "unit", figure_regions(request.user))
        return Response(
            to_json(unit_figures(unit=region, year=year, as_of=as_of, known_at=known_at))
        )


class ComparisonSerializer(serializers.Serializer):
    region = serializers.DictField(help_text="该地区的指标（与 /figures/?unit= 相同）")
    parts = serializers.DictField(
        child=serializers.DictField(), help_text="各下级（省的各市、市的各板块）的指标，按代码"
    )


class FiguresCompareView(APIView):
    """一个地区与其各下级并列的指标：省与各市（同省级驾驶舱），市与各板块（同市驾驶舱）；
    板块没有下级。"""

    permission_classes = [CockpitPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "region",
                str,
                description="省、市或板块的代码（默认为您所在的省、市或板块）",
            ),
            *DATE_PARAMETERS,
            KNOWN_AT_PARAMETER,
        ],
        responses={200: ComparisonSerializer},
    )
    def get(self, request):
        as_of, year = _dates(request)
        known_at = query_known_at(request)
        user = request.user
        regions = figure_regions(user)
        own = policy.scope_root(user)
        # By default the person's own area (their province or city), else the widest
        # region they see whole (a unit clerk: their unit, which has no parts).
        default = regions.filter(pk=own.pk).first() if own is not None else None
        default = default or regions.order_by("depth", "sort_order", "code").first()
        area = _region(request, "region", regions, default=default)
        if area is None:
            raise exceptions.NotFound(_("您的范围内没有可查看指标的地区。"))
        if area.kind == RegionKind.PROVINCE:
            total, parts = area_and_cities_figures(
                area=area, year=year, as_of=as_of, known_at=known_at
            )
        elif area.kind == RegionKind.CITY:
            total, parts = city_and_units_figures(
                city=area, year=year, as_of=as_of, known_at=known_at
            )
        else:
            total, parts = unit_figures(unit=area, year=year, as_of=as_of, known_at=known_at), {}
        return Response(
            {
                "region": to_json(total),
                "parts": {code: to_json(figures) for code, figures in parts.items()},
            }
        )


class IntegrityView(APIView):
    """数据质量与防虚报：一个市各板块（或一个板块）某年度截至某日的季末冲高、更正率与
    退回率、首位与末位数字检验（注明样本量，样本不足不下结论）及可疑项目，每条提示附
    中文原因。与 ``manage.py integrity`` 的 JSON 相同。"""

    permission_classes = [CockpitPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "region", str, required=True, description="市代码（全市各板块）或板块代码"
            ),
            *DATE_PARAMETERS,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        as_of, year = _dates(request)
        regions = figure_regions(request.user).filter(
            Q(kind=RegionKind.CITY) | Q(is_assessment_unit=True)
        )
        region = _region(request, "region", regions)
        if region is None:
            raise exceptions.ValidationError({"region": [_("请填写市或板块的代码。")]})
        return Response(as_json(integrity_of(region, year=year, as_of=as_of)))


class OverrunsPermission(permissions.IsAuthenticated):
    """Overruns against the baseline: the policy's ``view_overruns``."""

    message = policy._denied_message(policy.VIEW)

    def has_permission(self, request, view):
        return super().has_permission(request, view) and policy.may_do(
            request.user, "view_overruns"
        )


def _overrun_row(project, *, previous: bool = False) -> dict:
    row = {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "unit": project.unit.code,
        "delay_bucket": project.delay_bucket,
        "time_overrun_months": project.time_overrun_months,
        "baseline_completion": project.baseline_completion_on,
        "forecast_completion": project.forecast_completion_on,
        "baseline_total_wan": money_text(project.baseline_total_wan),
        "forecast_total_wan": money_text(project.forecast_total_wan),
        "cost_overrun_wan": money_text(project.cost_overrun_wan),
        "cost_overrun_rate": None
        if project.cost_overrun_rate is None
        else str(project.cost_overrun_rate),
    }
    if previous:
        row["previous_overrun_months"] = project.previous_overrun_months
    return row


def money_text(value) -> str | None:
    return None if value is None else str(value)


class OverrunsView(APIView):
    """相对基线的超期：范围内（市级为全市，板块人员为本板块）截至某日预计竣工晚于基线竣工的
    项目（按延期月数从长到短，含延期区间与投资超支），上月末以来新增延期的项目，以及汇总
    （与超期项目页相同，出自 ``figures.selectors``）。金额为万元的十进制字符串。"""

    permission_classes = [OverrunsPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="板块代码（默认为范围内的全部板块）"),
            OpenApiParameter(
                "bucket", str, enum=[code for code, *_ in DELAY_BUCKETS], description="延期区间"
            ),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期（默认今天）"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        as_of = query_date(request)
        projects = Project.objects.restrict(request.user).filter(unit__is_assessment_unit=True)
        code = (request.query_params.get("unit") or "").strip()
        if code:
            unit = visible_units(request.user).filter(code=code).first()
            if unit is None:
                raise exceptions.NotFound(
                    _("找不到代码为“%(code)s”的地区，或不在您的范围内。") % {"code": code}
                )
            projects = projects.filter(unit=unit)
        bucket = request.query_params.get("bucket") or ""
        codes = [code for code, *_ in DELAY_BUCKETS]
        if bucket and bucket not in codes:
            raise exceptions.ValidationError(
                {"bucket": [_("延期区间应为 %(codes)s 之一。") % {"codes": "、".join(codes)}]}
            )
        late = late_projects(projects, as_of=as_of).select_related("unit")
        if bucket:
            late = late.filter(delay_bucket=bucket)
        new = (
            new_delays(projects, as_of=as_of)
            .select_related("unit")
            .order_by("-time_overrun_months", "name", "pk")
        )
        summary = overrun_summary(projects, as_of=as_of)
        cost = summary["cost_overrun"]
        return Response(
            {
                "as_of": as_of,
                "summary": {
                    "cost_overrun": {
                        k: money_text(v) if k != "count" else v for k, v in cost.items()
                    },
                    "time_overrun": summary["time_overrun"],
                },
                "late": [_overrun_row(p) for p in late],
                "new_since_last_month": [_overrun_row(p, previous=True) for p in new],
            }
        )
