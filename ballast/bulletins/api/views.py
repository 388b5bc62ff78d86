"""Published bulletins (通报): list, detail, and the Word or Excel file — the same files
the bulletin page downloads, re-rendered from the published content."""

from __future__ import annotations

import json

import django_filters
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, renderers, status
from rest_framework.decorators import action

from ballast.accounts import policy
from ballast.accounts.signals import data_exported
from ballast.api.idempotency import idempotent
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.attraction.models import CampaignRound
from ballast.bulletins.api.serializers import BulletinSerializer, RoundPublishSerializer
from ballast.bulletins.models import Bulletin
from ballast.bulletins.services import bulletin_docx, bulletin_xlsx, round_bulletin_publish
from ballast.core.clock import today

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _FileRenderer(renderers.BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        # An error (a problem, with its own Content-Type) when a file was asked for.
        return json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


class DocxRenderer(_FileRenderer):
    media_type, format = DOCX_TYPE, "docx"


class XlsxRenderer(_FileRenderer):
    media_type, format = XLSX_TYPE, "xlsx"


class BulletinFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="板块代码")

    class Meta:
        model = Bulletin
        fields = ("period", "kind", "unit", "campaign_round")


class BulletinViewSet(ReadOnlyViewSet):
    """已发布的通报。"""

    queryset = Bulletin.objects.select_related("city", "unit").order_by("-published_at", "-id")
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilterSet
    policy_actions = {"publish_round": policy.ADD}

    @extend_schema(request=RoundPublishSerializer, responses={201: BulletinSerializer})
    @action(detail=False, methods=["post"], url_path="publish-round")
    @idempotent
    def publish_round(self, request):
        """发布攻坚轮次通报（本轮排名、进位/退位与目标完成情况，发布后固定）。"""
        data = self.validated(RoundPublishSerializer)
        rnd = (
            CampaignRound.objects.restrict(request.user)
            .select_related("campaign__city")
            .filter(pk=data["round"])
            .first()
        )
        if rnd is None:
            raise exceptions.NotFound("攻坚轮次不存在或不在您的范围内。")
        bulletin = round_bulletin_publish(
            user=request.user, rnd=rnd, as_of=data.get("as_of") or today()
        )
        return self.object_response(bulletin, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["docx", "xlsx"])],
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY, (200, XLSX_TYPE): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="download/(?P<fmt>docx|xlsx)",
        renderer_classes=[renderers.JSONRenderer, DocxRenderer, XlsxRenderer],
    )
    def download(self, request, pk=None, fmt="docx"):
        """下载通报（Word）或附表（Excel）。"""
        bulletin = self.get_object()
        if not bulletin.is_published:
            raise Http404("通报尚未生成完成。")
        if fmt == "docx":
            data, name, content_type = bulletin_docx(bulletin), f"{bulletin.title}.docx", DOCX_TYPE
        else:
            data, name = bulletin_xlsx(bulletin), f"{bulletin.title}（附表）.xlsx"
            content_type = XLSX_TYPE
        data_exported(what=name, fmt=fmt, rows=None)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
