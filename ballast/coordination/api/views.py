"""Coordination issues (问题协调) and their flow (受理 → 办理 → 办结 → 销号, 重新打开) —
through ``coordination.services``; an issue has no version (no ETag): each step checks the issue's status under its
lock, so a step taken twice is refused (400).

The answering side (a department, the unit) takes PROGRESS steps; the raising side
(the raiser, or the city administrator) confirms or reopens (CONFIRM). Escalation to the
city level is not a person's step: the city's rules raise an issue when it is raised and
every night (``send_notifications``)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from ballast.accounts import policy
from ballast.api.idempotency import idempotent
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.coordination import services
from ballast.coordination.api import serializers as s
from ballast.coordination.choices import IssueCategory, IssueLevel, IssueStatus
from ballast.coordination.models import Issue
from ballast.coordination.selectors import closed_by_q, open_q, overdue_q
from ballast.core import clock

STATES = {"open": open_q, "overdue": overdue_q, "closed": closed_by_q}


class IssueFilterSet(django_filters.FilterSet):
    """The issues board's filters (unit, department, state as of a date) and a few more."""

    unit = django_filters.CharFilter(field_name="project__unit__code", label="板块代码")
    department = django_filters.NumberFilter(field_name="department_id", label="责任部门")
    as_of = django_filters.DateFilter(method="filter_as_of", label="截至日期（提出日期不晚于）")
    state = django_filters.ChoiceFilter(
        choices=(("open", "未销号"), ("overdue", "逾期"), ("closed", "已销号")),
        method="filter_state",
        label="状态（截至 as_of，默认今天）",
    )
    status = django_filters.ChoiceFilter(choices=IssueStatus.choices, label="办理状态")
    category = django_filters.ChoiceFilter(choices=IssueCategory.choices, label="问题类别")
    level = django_filters.ChoiceFilter(choices=IssueLevel.choices, label="协调层级")

    class Meta:
        model = Issue
        fields = (
            "project",
            "unit",
            "department",
            "as_of",
            "state",
            "status",
            "category",
            "level",
            "is_major",
        )

    def filter_as_of(self, queryset, name, value):
        return queryset.filter(raised_on__lte=value)

    def filter_state(self, queryset, name, value):
        as_of = self.form.cleaned_data.get("as_of") or clock.today()
        return queryset.filter(STATES[value](as_of))


class IssueViewSet(ReadOnlyViewSet):
    """问题协调：提出（板块、部门、企业、领导），受理、办理、路线图、办结（答复方），
    确认销号、重新打开（提出方）。"""

    queryset = Issue.objects.select_related("project", "department").prefetch_related("steps")
    queryset = queryset.order_by("deadline", "raised_on", "pk")
    serializer_class = s.IssueSerializer
    filterset_class = IssueFilterSet
    policy_actions = {
        "acknowledge": policy.PROGRESS,
        "start": policy.PROGRESS,
        "steps": policy.PROGRESS,
        "resolve": policy.PROGRESS,
        "close": policy.CONFIRM,
        "reopen": policy.CONFIRM,
    }

    def get_serializer_class(self):
        return {
            "create": s.IssueRaiseSerializer,
            "steps": s.NewStepSerializer,
            "resolve": s.ResolveSerializer,
            "close": s.CloseSerializer,
            "reopen": s.IssueReasonSerializer,
            "acknowledge": None,
            "start": None,
        }.get(self.action, s.IssueSerializer)

    @extend_schema(request=s.IssueRaiseSerializer, responses={201: s.IssueSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        """提出问题（可附路线图步骤）；升级规则随即判断。"""
        data = dict(self.validated(s.IssueRaiseSerializer))
        project = data.pop("project")
        data.setdefault("raised_on", clock.today())
        steps = [(step["planned_on"], step["description"]) for step in data.pop("steps", [])]
        issue = services.issue_raise(user=request.user, project=project, data=data, steps=steps)
        return self.object_response(self.get_queryset().get(pk=issue.pk), status.HTTP_201_CREATED)

    def _done(self, issue):
        return self.object_response(self.get_queryset().get(pk=issue.pk))

    @extend_schema(request=None, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """受理（答复方；重大事项须当日受理）。"""
        issue = services.issue_acknowledge(user=request.user, issue=self.get_object())
        return self._done(issue)

    @extend_schema(request=None, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """开始办理（已受理的问题）。"""
        issue = services.issue_start(user=request.user, issue=self.get_object())
        return self._done(issue)

    @extend_schema(request=s.NewStepSerializer, responses={201: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """在路线图上添加一个步骤（计划日期、内容）。"""
        issue = self.get_object()
        data = self.validated(s.NewStepSerializer)
        services.issue_step_add(user=request.user, issue=issue, **data)
        return self.object_response(self.get_queryset().get(pk=issue.pk), status.HTTP_201_CREATED)

    @extend_schema(request=s.ResolveSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """办结（须填写办理结果），待提出方确认。"""
        issue = self.get_object()
        data = self.validated(s.ResolveSerializer)
        done = services.issue_resolve(
            user=request.user,
            issue=issue,
            on=data.get("resolved_on") or clock.today(),
            resolution=data["resolution"],
        )
        return self._done(done)

    @extend_schema(request=s.CloseSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """确认销号（提出人或市级管理员）。"""
        issue = self.get_object()
        services.check_raiser_side(request.user, issue)
        data = self.validated(s.CloseSerializer)
        done = services.issue_close(
            user=request.user,
            issue=issue,
            on=data.get("closed_on") or clock.today(),
        )
        return self._done(done)

    @extend_schema(request=s.IssueReasonSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """重新打开已办结或已销号的问题（须填写原因；提出人或市级管理员）。"""
        issue = self.get_object()
        services.check_raiser_side(request.user, issue)
        reason = self.validated(s.IssueReasonSerializer)["reason"]
        done = services.issue_reopen(user=request.user, issue=issue, reason=reason)
        return self._done(done)
