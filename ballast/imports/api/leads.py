"""``/api/v1/imports/leads/``: POST the leads workbook (multipart ``file``, the columns of
the lead list's export, ``imports.leads``) — every lead written through the lead service,
all or nothing; the answer lists the leads made, or every problem by row (400)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ballast.accounts import policy
from ballast.imports.leads import import_leads


class LeadsUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="招商线索表（xlsx，与线索清单导出的列相同）")


class ImportedLeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    investor = serializers.CharField()
    project_name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class LeadsImportAnswerSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    leads = ImportedLeadSerializer(many=True)


class LeadsImportView(APIView):
    """导入招商线索：整份导入或整份不导入（400 时逐行列出问题）；须有登记线索的权限。"""

    permission_classes = [IsAuthenticated]
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    @extend_schema(
        request={"multipart/form-data": LeadsUploadSerializer},
        responses={201: LeadsImportAnswerSerializer},
    )
    def post(self, request):
        if not policy.may_do(request.user, "keep_leads"):
            raise exceptions.PermissionDenied(_("您没有登记招商线索的权限。"))
        city = policy.city_for(request.user)
        if city is None:
            raise exceptions.NotFound(_("找不到您所在的市。"))
        data = LeadsUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            created = import_leads(user=request.user, city=city, upload=data.validated_data["file"])
        except ValidationError as exc:
            raise exceptions.ValidationError({"file": exc.messages}) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        answer = {"created": len(created), "leads": created}
        return Response(LeadsImportAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)
