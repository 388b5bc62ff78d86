"""``/api/v1/integrity/bureau/``: GET the differences of a stored statistics-bureau 入库
list with Ballast (``imports.bureau.bureau_differences``), as the page shows them; POST
the bureau's file (multipart: ``file``, ``received_on``) — stored all or nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ballast.accounts import policy
from ballast.imports.bureau import bureau_differences, bureau_list_import
from ballast.imports.models import BureauList


class BureauDifferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["missing_in_bureau", "missing_in_ballast", "amount", "date"]
    )
    kind_label = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    bureau_code = serializers.CharField(allow_blank=True)
    bureau_name = serializers.CharField(allow_blank=True)
    bureau_date = serializers.DateField(allow_null=True)
    bureau_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    project = serializers.IntegerField(allow_null=True)
    project_name = serializers.CharField(allow_blank=True)
    project_code = serializers.CharField(allow_blank=True)
    unit_name = serializers.CharField(allow_blank=True)
    ballast_date = serializers.DateField(allow_null=True)
    ballast_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    note = serializers.CharField(allow_blank=True)


class BureauAnswerSerializer(serializers.Serializer):
    list = serializers.IntegerField(allow_null=True, help_text="null：尚未导入清单")
    city = serializers.CharField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    filename = serializers.CharField(allow_null=True)
    entries = serializers.IntegerField()
    differences = BureauDifferenceSerializer(many=True)


class BureauUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="统计局入库清单（xlsx 或 csv）")
    received_on = serializers.DateField(help_text="清单日期")


def _answer(found: BureauList) -> dict:
    return {
        "list": found.pk,
        "city": found.city.code,
        "received_on": found.received_on,
        "filename": found.filename,
        "entries": found.entries.count(),
        "differences": bureau_differences(bureau_list=found),
    }


class BureauDifferencesView(APIView):
    """与统计局入库清单比对：GET 某份清单（默认最新一份）与 Ballast 的逐项目差异；
    POST 由市级导入统计局清单（整份导入或整份不导入，逐行列出问题）。"""

    permission_classes = [IsAuthenticated]
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    @extend_schema(
        request={"multipart/form-data": BureauUploadSerializer},
        responses={201: BureauAnswerSerializer},
    )
    def post(self, request):
        if not policy.may(request.user, policy.ADD, BureauList):
            raise exceptions.PermissionDenied(policy._denied_message(policy.ADD))
        city = policy.city_for(request.user)
        if city is None:
            raise exceptions.NotFound(_("找不到您所在的市。"))
        data = BureauUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            stored = bureau_list_import(
                user=request.user,
                city=city,
                file=upload,
                filename=upload.name,
                received_on=data.validated_data["received_on"],
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        answer = BureauAnswerSerializer(_answer(stored)).data
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("list", int, description="清单编号（默认最新一份）")],
        responses={200: BureauAnswerSerializer},
    )
    def get(self, request):
        if not policy.may(request.user, policy.VIEW, BureauList):
            raise exceptions.PermissionDenied(policy._denied_message(policy.VIEW))
        lists = BureauList.objects.restrict(request.user).select_related("city")
        chosen = request.query_params.get("list")
        if chosen:
            if not chosen.isdigit():
                raise exceptions.ValidationError({"list": [_("清单编号应为整数。")]})
            found = lists.filter(pk=int(chosen)).first()
        else:
            found = lists.order_by("-received_on", "-pk").first()
            if found is None:
                # nothing imported yet: an empty answer, not a missing resource
                empty = {"list": None, "city": None, "received_on": None, "filename": None}
                return Response({**empty, "entries": 0, "differences": []})
        if found is None:
            raise exceptions.NotFound(_("没有找到统计局入库清单。"))
        return Response(BureauAnswerSerializer(_answer(found)).data)
