"""Projects, their stage events, nodes and annual plans — through ``projects.services``."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.api.concurrency import etag
from ballast.api.params import query_date
from ballast.api.viewsets import WritableViewSet
from ballast.projects import services
from ballast.projects.api import serializers as s
from ballast.projects.api.serializers import (
    ConfidenceChangeSerializer,
    ConfidenceSerializer,
    UnitTargetChangeSerializer,
    UnitTargetSerializer,
)
from ballast.projects.filtersets import ProjectFilterSet
from ballast.projects.history import project_history
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    Node,
    Project,
    StageEvent,
    UnitTarget,
)
from ballast.projects.selectors import list_queryset

DATE_ALIASES = {"started_on": "on", "resumed_on": "on", "terminated_on": "on"}


class ApiProjectFilterSet(ProjectFilterSet):
    """The project list's filterset (``web/filtersets.py``), its stage typed for the schema."""

    def by_stage(self, queryset, name, value: str):
        return super().by_stage(queryset, name, value)


@extend_schema(
    parameters=[
        OpenApiParameter("as_of", str, description="统计日期 YYYY-MM-DD（阶段按此日期判断）")
    ]
)
class ProjectViewSet(WritableViewSet):
    """项目：列表（与项目库页面同样的筛选）、详情、新增、修改。"""

    queryset = Project.objects.all()
    serializer_class = s.ProjectSerializer
    write_serializer_class = s.ProjectWriteSerializer
    filterset_class = ApiProjectFilterSet
    filterset_takes_user = True

    def get_queryset(self):
        if self.action == "list":
            projects = list_queryset(self.request.user, query_date(self.request))
            if not self.request.query_params.get("sort"):
                projects = projects.order_by("unit__sort_order", "-total_investment", "pk")
            return projects.prefetch_related(Prefetch("leaders", queryset=User.objects.only("id")))
        return super().get_queryset().prefetch_related("leaders")

    # Suspending, resuming and terminating change the project (the page's CHANGE).
    policy_actions = {
        "suspend": policy.CHANGE,
        "resume": policy.CHANGE,
        "terminate": policy.CHANGE,
    }

    def get_serializer_class(self):
        lifecycle = {
            "history": s.HistoryRowSerializer,
            "suspend": s.SuspendSerializer,
            "resume": s.ResumeSerializer,
            "terminate": s.TerminateSerializer,
        }
        return lifecycle.get(self.action) or super().get_serializer_class()

    def _lifecycle(self, serializer_class, run, answer_class):
        version = self.expected_version()
        project = self.get_object()
        data = dict(self.validated(serializer_class))
        try:
            record = run(project, data, version)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # The service names the record's date field; the API's is ``on``.
            raise ValidationError(
                {DATE_ALIASES.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc
        project.refresh_from_db()
        response = Response(answer_class(record).data)
        response["ETag"] = etag(project)
        return response

    @extend_schema(request=s.SuspendSerializer, responses={200: s.SuspensionSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """停缓建（与项目页相同的服务）：类型、原因、日期、说明、计划复工日期。"""
        return self._lifecycle(
            s.SuspendSerializer,
            lambda project, data, version: services.project_suspend(
                user=request.user, project=project, expected_version=version, **data
            ),
            s.SuspensionSerializer,
        )

    @extend_schema(request=s.ResumeSerializer, responses={200: s.SuspensionSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """复工：记录停缓建项目的复工日期。"""
        return self._lifecycle(
            s.ResumeSerializer,
            lambda project, data, version: services.project_resume(
                user=request.user, project=project, expected_version=version, **data
            ),
            s.SuspensionSerializer,
        )

    @extend_schema(request=s.TerminateSerializer, responses={200: s.TerminationSerializer})
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """终止/退出（须填写说明）。"""
        return self._lifecycle(
            s.TerminateSerializer,
            lambda project, data, version: services.project_terminate(
                user=request.user, project=project, expected_version=version, **data
            ),
            s.TerminationSerializer,
        )

    @extend_schema(responses={200: s.HistoryRowSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        """变更记录：项目及其阶段、节点、计划、填报的每次修改（谁、何时、从何处、为何、改了什么），
        最新的在前，分页（与项目页的“变更记录”相同）。"""
        project = self.get_object()
        page = self.paginate_queryset(project_history(project=project))
        return self.get_paginated_response(s.HistoryRowSerializer(page, many=True).data)

    def create_object(self, data):
        return services.project_create(user=self.request.user, data=data)

    def update_object(self, obj, data, version):
        return services.project_update(
            user=self.request.user, project=obj, data=data, expected_version=version
        )


class _ProjectPartFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="project__unit__code", label="板块代码")


class StageEventFilterSet(_ProjectPartFilterSet):
    class Meta:
        model = StageEvent
        fields = ("project", "stage")


class StageEventViewSet(WritableViewSet):
    """阶段节点：记录（与项目页“记录阶段”同一服务）与更正日期（须说明原因）。"""

    queryset = StageEvent.objects.select_related("project").order_by("project", "date", "pk")
    serializer_class = s.StageEventSerializer
    filterset_class = StageEventFilterSet
    # Recording a stage changes the project (the policy's CHANGE of the project group).
    policy_actions = {"create": policy.CHANGE}

    def get_serializer_class(self):
        if self.action == "create":
            return s.StageRecordSerializer
        if self.action in ("update", "partial_update"):
            return s.StageChangeSerializer
        return s.StageEventSerializer

    def create_object(self, data):
        # expected_version 0: the stage must not be recorded yet (a recorded one is
        # corrected with PATCH and its ETag, so no one's date is overwritten unseen).
        return services.stage_record(
            user=self.request.user,
            project=data["project"],
            stage=data["stage"],
            on=data["date"],
            evidence=data.get("evidence", ""),
            reason=data.get("reason", ""),
            expected_version=0,
        )

    def update_object(self, obj, data, version):
        return services.stage_record(
            user=self.request.user,
            project=obj.project,
            stage=obj.stage,
            on=data.get("date", obj.date),
            evidence=data.get("evidence", obj.evidence),
            reason=data.get("reason", ""),
            expected_version=version,
        )


class NodeFilterSet(_ProjectPartFilterSet):
    class Meta:
        model = Node
        fields = ("project", "kind", "outcome")


class NodeViewSet(WritableViewSet):
    """节点计划：项目的审批与建设节点（部门人员只见本部门负责的节点，可办理）。"""

    queryset = Node.objects.select_related("project").order_by("project", "sort_order", "pk")
    serializer_class = s.NodeSerializer
    filterset_class = NodeFilterSet
    policy_actions = {"create": policy.CHANGE, "answer": policy.PROGRESS}

    @extend_schema(request=s.NodeAnswerSerializer, responses={200: s.NodeSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """责任部门办理节点：已办结（须填办结日期）、无需办理或退回未办结；须带 If-Match。"""
        version = self.expected_version()
        node = self.get_object()
        data = self.validated(s.NodeAnswerSerializer)
        node = services.node_answer(user=request.user, node=node, expected_version=version, **data)
        return self.object_response(node)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.NodeChangeSerializer
        return s.NodeSerializer

    def create_object(self, data):
        project = data.pop("project")
        return services.node_save(user=self.request.user, project=project, data=data)

    def update_object(self, obj, data, version):
        return services.node_save(
            user=self.request.user,
            project=obj.project,
            node=obj,
            data=data,
            expected_version=version,
        )


class AnnualPlanFilterSet(_ProjectPartFilterSet):
    class Meta:
        model = AnnualPlan
        fields = ("project", "year")


class AnnualPlanViewSet(WritableViewSet):
    """年度计划：计划投资与开工、入统、竣工、投产月份。"""

    queryset = AnnualPlan.objects.select_related("project").order_by("project", "year")
    serializer_class = s.AnnualPlanSerializer
    filterset_class = AnnualPlanFilterSet
    policy_actions = {"create": policy.CHANGE}

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.AnnualPlanChangeSerializer
        return s.AnnualPlanSerializer

    def _save(self, project, year, data, version):
        months = {f: data.get(f) for f in AnnualPlan.month_fields if f in data}
        return services.plan_save(
            user=self.request.user,
            project=project,
            year=year,
            planned_investment=data["planned_investment"],
            expected_version=version,
            **months,
        )

    def create_object(self, data):
        # 0: no plan for that year yet (an existing one is changed with PATCH and If-Match).
        return self._save(data["project"], data["year"], data, 0)

    def update_object(self, obj, data, version):
        merged = {f: getattr(obj, f) for f in ("planned_investment", *AnnualPlan.month_fields)}
        merged.update(data)
        return self._save(obj.project, obj.year, merged, version)


class UnitTargetFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="板块代码")
    year = django_filters.NumberFilter(method="by_year", label="年度（含其各季度）")

    class Meta:
        model = UnitTarget
        fields = ("unit", "period", "indicator", "year")

    def by_year(self, queryset, name, value):
        return queryset.filter(period__startswith=str(int(value)))


class UnitTargetViewSet(WritableViewSet):
    """板块目标：按年度、季度与指标；由市级设定（与“板块目标”页、目标导入同一服务）。
    新增时该板块、期间、指标须尚无目标（已有的用 PATCH 与 If-Match 修改目标值）。"""

    queryset = UnitTarget.objects.select_related("unit").order_by(
        "unit__sort_order", "unit__code", "period", "indicator"
    )
    serializer_class = UnitTargetSerializer
    filterset_class = UnitTargetFilterSet

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return UnitTargetChangeSerializer
        return UnitTargetSerializer

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action in ("create", "update", "partial_update") and not policy.may_do(
            request.user, "set_targets"
        ):
            raise exceptions.PermissionDenied("您没有设定板块目标的权限。")

    def create_object(self, data):
        return services.target_set(
            user=self.request.user,
            unit=data["unit"],
            period=data["period"],
            indicator=data["indicator"],
            value=data["value"],
            expected_version=0,
        )

    def update_object(self, obj, data, version):
        return services.target_set(
            user=self.request.user,
            unit=obj.unit,
            period=obj.period,
            indicator=obj.indicator,
            value=data.get("value", obj.value),
            expected_version=version,
        )


class ConfidenceFilterSet(_ProjectPartFilterSet):
    class Meta:
        model = ConfidenceAssessment
        fields = ("project", "month", "rating")


class ConfidenceViewSet(WritableViewSet):
    """交付信心评级：项目按月的绿/黄/红评级与说明（与项目页“评定交付信心”同一服务）；
    新增时该月须尚未评级（已有的用 PATCH 与 If-Match 修改），每次变更留痕。"""

    queryset = ConfidenceAssessment.objects.select_related("project").order_by("project", "-month")
    serializer_class = ConfidenceSerializer
    filterset_class = ConfidenceFilterSet
    # Rating a project changes it (the page's CHANGE; the policy's "rate_confidence").
    policy_actions = {"create": policy.CHANGE}

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ConfidenceChangeSerializer
        return ConfidenceSerializer

    def create_object(self, data):
        return services.confidence_rate(
            user=self.request.user,
            project=data["project"],
            month=data["month"],
            rating=data["rating"],
            narrative=data.get("narrative", ""),
            expected_version=0,
        )

    def update_object(self, obj, data, version):
        return services.confidence_rate(
            user=self.request.user,
            project=obj.project,
            month=obj.month,
            rating=data.get("rating", obj.rating),
            narrative=data.get("narrative", obj.narrative),
            expected_version=version,
        )
