"""The integrity API beside ``GET /api/v1/figures/integrity/``: the city's thresholds
(read; set by the city administrator), the on-site check lists (抽查: list, one list,
draw) and their checks (list, one, record a result) — through
``alerts.integrity_services``, as the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ballast.accounts import policy
from ballast.alerts.integrity_services import (
    check_draw_create,
    city_thresholds,
    site_check_record,
    thresholds_save,
)
from ballast.alerts.models import CheckDraw, IntegrityThreshold, SiteCheck
from ballast.api.idempotency import idempotent
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.attachments.api.serializers import AttachmentSerializer
from ballast.attachments.models import Attachment
from ballast.figures.integrity import DEFAULTS, thresholds

# --------------------------------------------------------------------------- thresholds


class ThresholdSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.CharField(help_text="在用的取值")
    default = serializers.CharField()
    own = serializers.CharField(allow_null=True, help_text="本市自定值（无则为 null）")


class ThresholdsSerializer(serializers.Serializer):
    city = serializers.CharField()
    thresholds = ThresholdSerializer(many=True)


class ThresholdsWriteSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True),
        help_text="阈值 → 取值；null 即恢复默认",
    )
    reason = serializers.CharField(max_length=200)


class IntegrityThresholdsView(APIView):
    """本市数据质量阈值：GET 读取（在用值、默认值、本市自定值）；PUT 由市级管理员设置。"""

    permission_classes = [IsAuthenticated]

    def _city(self, request):
        if not policy.may(request.user, policy.VIEW, IntegrityThreshold):
            raise exceptions.PermissionDenied(policy._denied_message(policy.VIEW))
        city = policy.city_for(request.user, request.query_params.get("city"))
        if city is None:
            raise exceptions.NotFound(_("找不到该市，或不在您的范围内。"))
        return city

    def _answer(self, city):
        own, used = city_thresholds(city), thresholds(city)
        return Response(
            {
                "city": city.code,
                "thresholds": [
                    {
                        "key": key,
                        "value": str(used[key]),
                        "default": str(default),
                        "own": str(own[key]) if key in own else None,
                    }
                    for key, default in DEFAULTS.items()
                ],
            }
        )

    @extend_schema(
        parameters=[OpenApiParameter("city", str, description="市代码（默认为本人所在市）")],
        responses={200: ThresholdsSerializer},
    )
    def get(self, request):
        return self._answer(self._city(request))

    @extend_schema(
        parameters=[OpenApiParameter("city", str, description="市代码（默认为本人所在市）")],
        request=ThresholdsWriteSerializer,
        responses={200: ThresholdsSerializer},
    )
    def put(self, request):
        city = self._city(request)
        if not policy.may_do(request.user, "set_integrity_thresholds"):
            raise exceptions.PermissionDenied(_("您没有设置数据质量阈值的权限。"))
        data = ThresholdsWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thresholds_save(
            user=request.user,
            city=city,
            values=data.validated_data["values"],
            reason=data.validated_data["reason"],
        )
        return self._answer(city)


# --------------------------------------------------------------------------- 抽查


class SiteCheckSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    unit = serializers.CharField(source="project.unit.code", read_only=True)
    reasons = serializers.SerializerMethodField()
    checked_by = serializers.CharField(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(
        many=True,
        read_only=True,
        help_text="现场照片与资料（上传：POST /api/v1/attachments/，owner_type=alerts.sitecheck）",
    )

    class Meta:
        model = SiteCheck
        fields = (
            "id",
            "draw",
            "rank",
            "project",
            "project_name",
            "unit",
            "report",
            "weight",
            "reasons",
            "reported_investment",
            "status",
            "found_investment",
            "percent_seen",
            "notes",
            "checked_on",
            "checked_by",
            "amended",
            "version",
            "attachments",
        )

    def get_reasons(self, obj) -> list[str]:
        return obj.reasons.splitlines()


class CheckDrawSerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.code", read_only=True)
    drawn_by = serializers.StringRelatedField()
    checks = SiteCheckSerializer(many=True, read_only=True)

    class Meta:
        model = CheckDraw
        fields = ("id", "city", "month", "seed", "size", "as_of", "drawn_by", "drawn_at", "checks")


class CheckDrawWriteSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="抽查月份（该月任一天）")
    size = serializers.IntegerField(min_value=1, max_value=200)
    seed = serializers.CharField(max_length=64)
    as_of = serializers.DateField(help_text="风险提示截至")


class SiteCheckRecordSerializer(serializers.Serializer):
    found_investment = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    percent_seen = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    notes = serializers.CharField()
    checked_on = serializers.DateField()


def _checks_with_files(queryset, user):
    """``queryset`` of checks with their files read at once — those ``user`` may see
    (``Attachment.objects.restrict``: whoever sees the check)."""
    files = Attachment.objects.restrict(user).select_related("owner_type").order_by("created_at")
    return queryset.select_related("project__unit", "checked_by").prefetch_related(
        Prefetch("attachments", queryset=files)
    )


class CheckDrawViewSet(ReadOnlyViewSet):
    """现场抽查清单：列表、详情（抽中的项目、原因与核查结果），市级抽取本月清单（保存随机种子）。"""

    queryset = CheckDraw.objects.select_related("city", "drawn_by").order_by("-month", "-pk")
    serializer_class = CheckDrawSerializer

    def get_queryset(self):
        checks = _checks_with_files(SiteCheck.objects.order_by("rank"), self.request.user)
        return super().get_queryset().prefetch_related(Prefetch("checks", queryset=checks))

    def get_serializer_class(self):
        if self.action == "create":
            return CheckDrawWriteSerializer
        return CheckDrawSerializer

    @extend_schema(request=CheckDrawWriteSerializer, responses={201: CheckDrawSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        data = self.validated(CheckDrawWriteSerializer)
        city = policy.city_for(request.user)
        if city is None:
            raise exceptions.NotFound(_("找不到您所在的市。"))
        draw = check_draw_create(user=request.user, city=city, **data)
        return self.object_response(draw, status.HTTP_201_CREATED, CheckDrawSerializer)


class SiteCheckViewSet(ReadOnlyViewSet):
    """现场抽查的项目：列表、详情；核查人登记结果（发现虚报即以本次抽查为原因更正月报）。"""

    queryset = SiteCheck.objects.select_related("project__unit", "checked_by").order_by(
        "-draw__month", "rank"
    )
    serializer_class = SiteCheckSerializer
    policy_actions = {"record": policy.CHANGE}

    def get_queryset(self):
        return _checks_with_files(super().get_queryset(), self.request.user)

    def get_serializer_class(self):
        if self.action == "record":
            return SiteCheckRecordSerializer
        return SiteCheckSerializer

    @extend_schema(request=SiteCheckRecordSerializer, responses={200: SiteCheckSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """登记现场抽查结果。"""
        version = self.expected_version()
        check = self.get_object()
        data = self.validated(SiteCheckRecordSerializer)
        done = site_check_record(user=request.user, check=check, expected_version=version, **data)
        done = self.get_queryset().get(pk=done.pk)  # with its files
        return self.object_response(done, status.HTTP_200_OK, SiteCheckSerializer)
