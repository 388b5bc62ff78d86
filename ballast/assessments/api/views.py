"""Assessments (考核) through the API: the schemes a city assesses its units by, a
scheme's ranking for a period (the rankings page's table: the published result, else
computed as of a date), the published results, and the manual scores (人工评分) that
manual indicators read — entered and corrected as the admin allows, through
``assessments.services``."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from ballast.accounts import policy
from ballast.api.params import query_date, query_year
from ballast.api.viewsets import ReadOnlyViewSet, WritableViewSet
from ballast.assessments import selectors, services
from ballast.assessments.api import serializers as s
from ballast.assessments.choices import PeriodKind
from ballast.assessments.models import ManualScore, PublishedResult, Scheme
from ballast.core.periods import Period
from ballast.projects.selectors import city_in_scope, visible_units


class PublishedResultFilterSet(django_filters.FilterSet):
    class Meta:
        model = PublishedResult
        fields = ("scheme", "period")


class PublishedResultViewSet(ReadOnlyViewSet):
    """已发布的考核结果。"""

    queryset = PublishedResult.objects.select_related("scheme").order_by("-published_at", "-id")
    serializer_class = s.PublishedResultSerializer
    filterset_class = PublishedResultFilterSet


class SchemeFilterSet(django_filters.FilterSet):
    city = django_filters.CharFilter(field_name="city__code", label="设区市代码")

    class Meta:
        model = Scheme
        fields = ("city", "period_kind", "active")


class SchemeViewSet(ReadOnlyViewSet):
    """考核方案及其指标；某一期间的考核排名（与考核排名页相同）。"""

    queryset = (
        Scheme.objects.select_related("city")
        .prefetch_related("indicators")
        .order_by("city", "name")
    )
    serializer_class = s.SchemeSerializer
    filterset_class = SchemeFilterSet

    def get_serializer_class(self):
        return s.RankingSerializer if self.action == "ranking" else s.SchemeSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", str, description="期间，如 2023Q1、2023H1、2023（默认为统计日期所在期间）"
            ),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期（默认今天）"),
        ],
        responses={200: s.RankingSerializer},
    )
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """考核排名：已发布的结果，未发布则按统计日期计算。"""
        if not policy.may_do(request.user, "view_rankings"):
            raise exceptions.PermissionDenied(_("您没有查看考核排名的权限。"))
        scheme = self.get_object()
        if scheme.period_kind == PeriodKind.ROUND:
            raise exceptions.ValidationError(
                {"period": [_("攻坚轮次的计分方案按轮次排名，见招商攻坚活动的轮次。")]}
            )
        as_of = query_date(request)
        text = (request.query_params.get("period") or "").strip()
        period = selectors.period_for(scheme, as_of)
        if text:
            try:
                asked = Period.parse(text)
            except ValueError as exc:
                raise exceptions.ValidationError(
                    {"period": [_("期间格式应为 2023Q1、2023H1 或 2023。")]}
                ) from exc
            if asked.kind != period.kind:
                raise exceptions.ValidationError(
                    {"period": [_("该方案为%(kind)s考核，期间“%(period)s”不符。") % {
                        "kind": scheme.get_period_kind_display(), "period": text}]}
                )  # fmt: skip
            period = asked
        data = selectors.ranking(
            user=request.user, city=scheme.city, as_of=as_of, scheme=scheme, period=period
        )
        result = data["result"]
        rows = [
            {
                k: row.get(k)
                for k in ("unit", "unit_name", "score", "rank", "rank_change", "indicators")
            }
            for row in result.rows
        ]
        return Response(
            s.RankingSerializer(
                {
                    "scheme": result.scheme,
                    "period": result.period,
                    "as_of": result.as_of,
                    "published": result.published,
                    "published_at": result.published_at,
                    "rows": rows,
                    "figures": result.figures,
                }
            ).data
        )


class ManualScoreFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="板块代码")
    scheme = django_filters.NumberFilter(field_name="indicator__scheme", label="方案")

    class Meta:
        model = ManualScore
        fields = ("indicator", "scheme", "period", "unit", "project", "judge")


class ManualScoreViewSet(WritableViewSet):
    """人工评分：录入与更正（须带 If-Match）；所属期间的考核结果发布后不能再改。"""

    queryset = ManualScore.objects.select_related("unit", "indicator").order_by(
        "indicator", "period", "unit__sort_order", "project", "judge", "pk"
    )
    serializer_class = s.ManualScoreSerializer
    filterset_class = ManualScoreFilterSet

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.ManualScoreChangeSerializer
        return s.ManualScoreSerializer

    def create_object(self, data):
        return services.manual_score_save(user=self.request.user, data=dict(data))

    def update_object(self, obj, data, version):
        return services.manual_score_save(
            user=self.request.user, score=obj, data=dict(data), expected_version=version
        )


class MujunPermission(permissions.IsAuthenticated):
    """The 亩均 evaluation: the policy's ``view_mujun``."""

    message = policy._denied_message(policy.VIEW)

    def has_permission(self, request, view):
        return super().has_permission(request, view) and policy.may_do(request.user, "view_mujun")


class MujunEvaluationView(APIView):
    """亩均论英雄：某年度按评价方案的评价（与亩均评价页相同）。全市的产业类项目一起排名、
    分 A/B/C/D 类（在建、已终止的参评不分类），返回本人范围内项目的行：名次、分类、得分、
    各指标的数值/比值/得分（十进制字符串）、用地（亩）、企业。数据用导入接口录入
    （/imports/，kind=mujun）。"""

    permission_classes = [MujunPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="评价年度（默认为有数据的最近年度）"),
            OpenApiParameter("scheme", str, description="评价方案代码，如 mujun-six（默认第一个）"),
            OpenApiParameter("unit", str, description="板块代码（默认范围内全部）"),
            OpenApiParameter("city", str, description="设区市代码（省级人员须填）"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        user = request.user
        city = city_in_scope(user, request.query_params.get("city"))
        years = selectors.mujun_years(city)
        year = query_year(request, default=years[0] if years else query_date(request).year - 1)
        schemes = selectors.efficiency_schemes(city)
        wanted = request.query_params.get("scheme") or schemes[0].slug
        scheme = next((x for x in schemes if x.slug == wanted), None)
        if scheme is None:
            raise exceptions.ValidationError(
                {
                    "scheme": [
                        _("评价方案应为 %(slugs)s 之一。")
                        % {"slugs": "、".join(x.slug for x in schemes)}
                    ]
                }
            )
        rows = selectors.mujun_rows(user=user, city=city, year=year, scheme=scheme)
        code = (request.query_params.get("unit") or "").strip()
        if code:
            if not visible_units(user).filter(code=code).exists():
                raise exceptions.NotFound(
                    _("找不到代码为“%(code)s”的地区，或不在您的范围内。") % {"code": code}
                )
            rows = [r for r in rows if r["unit"] == code]
        return Response(
            {
                "city": city.code,
                "year": year,
                "scheme": {"slug": scheme.slug, "name": scheme.name},
                "rows": rows,
            }
        )
