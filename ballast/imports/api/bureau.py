"""``GET /api/v1/integrity/bureau/``: the differences of a stored statistics-bureau 入库
list with Ballast (``imports.bureau.bureau_differences``), as the page shows them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ballast.accounts import policy
from ballast.imports.bureau import bureau_differences
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
    list = serializers.IntegerField()
    city = serializers.CharField()
    received_on = serializers.DateField()
    filename = serializers.CharField()
    entries = serializers.IntegerField()
    differences = BureauDifferenceSerializer(many=True)


class BureauDifferencesView(APIView):
    """与统计局入库清单比对：某份清单（默认最新一份）与 Ballast 的逐项目差异。"""

    permission_classes = [IsAuthenticated]

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
            raise exceptions.NotFound(_("没有找到统计局入库清单。"))
        answer = {
            "list": found.pk,
            "city": found.city.code,
            "received_on": found.received_on,
            "filename": found.filename,
            "entries": found.entries.count(),
            "differences": bureau_differences(bureau_list=found),
        }
        return Response(BureauAnswerSerializer(answer).data)
