"""Coordination issues (问题协调) and their flow (受理 → 办理 → 办结 → 销号, 重新打开) —
through ``coordination.services``. An issue has a version (its ETag): a change (PATCH, a
step of the flow, a roadmap step) needs ``If-Match`` — 428 without it, 412 with who did
what when someone changed the issue since; a step taken twice is refused (400).

The answering side (a department, the unit) takes PROGRESS steps; the raising side
(the raiser, or the city administrator) confirms or reopens (CONFIRM). Escalation to the
city level is not a person's step: the city's rules raise an issue when it is raised and
every night (``send_notifications``)."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ballast.accounts import policy
from ballast.api.idempotency import idempotent
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.coordination import services
from ballast.coordination.api import serializers as s
from ballast.coordination.choices import IssueCategory, IssueLevel, IssueStatus, VisitKind
from ballast.coordination.models import Issue, Tour, TourJudge, TourProject, TourScore, Visit
from ballast.coordination.selectors import (
    closed_by_q,
    open_q,
    overdue_q,
    tour_project_scores,
    tour_unit_scores,
    visit_coverage,
)
from ballast.core import clock
from ballast.core.concurrency import check_version
from ballast.figures.selectors import quarter_of
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units

STATES = {"open": open_q, "overdue": overdue_q, "closed": closed_by_q}


def _date_param(request, name: str, default):
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise exceptions.ValidationError({name: [_("日期格式应为 YYYY-MM-DD。")]}) from None


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
        "step_done": policy.PROGRESS,
        "resolve": policy.PROGRESS,
        "close": policy.CONFIRM,
        "reopen": policy.CONFIRM,
    }

    def get_serializer_class(self):
        return {
            "create": s.IssueRaiseSerializer,
            "update": s.IssueUpdateSerializer,
            "partial_update": s.IssueUpdateSerializer,
            "steps": s.NewStepSerializer,
            "step_done": s.StepDoneSerializer,
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

    @extend_schema(request=s.IssueUpdateSerializer, responses={200: s.IssueSerializer})
    def update(self, request, *args, partial=False, **kwargs):
        """修改或交办（责任部门、责任人、办结期限、层级）；须带 If-Match。"""
        version = self.expected_version()
        issue = self.get_object()
        data = dict(self.validated(s.IssueUpdateSerializer, instance=issue, partial=partial))
        done = services.issue_update(
            user=request.user, issue=issue, data=data, expected_version=version
        )
        return self._done(done)

    @extend_schema(request=s.IssueUpdateSerializer, responses={200: s.IssueSerializer})
    def partial_update(self, request, *args, **kwargs):
        """修改或交办其中几项；须带 If-Match。"""
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """受理（答复方；重大事项须当日受理）；须带 If-Match。"""
        version = self.expected_version()
        issue = services.issue_acknowledge(
            user=request.user, issue=self.get_object(), expected_version=version
        )
        return self._done(issue)

    @extend_schema(request=None, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """开始办理（已受理的问题）；须带 If-Match。"""
        version = self.expected_version()
        issue = services.issue_start(
            user=request.user, issue=self.get_object(), expected_version=version
        )
        return self._done(issue)

    @extend_schema(request=s.NewStepSerializer, responses={201: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """在路线图上添加一个步骤（计划日期、内容、责任人）；须带 If-Match。"""
        version = self.expected_version()
        issue = self.get_object()
        check_version(issue, version)
        data = self.validated(s.NewStepSerializer)
        services.issue_step_add(user=request.user, issue=issue, **data)
        return self.object_response(self.get_queryset().get(pk=issue.pk), status.HTTP_201_CREATED)

    @extend_schema(request=s.StepDoneSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_pk>\d+)/done")
    def step_done(self, request, pk=None, step_pk=None):
        """路线图步骤完成（完成日期默认今天、完成情况）；须带 If-Match（问题的版本）。"""
        version = self.expected_version()
        issue = self.get_object()
        check_version(issue, version)
        step = issue.steps.filter(pk=step_pk).first()
        if step is None:
            raise exceptions.NotFound(_("该问题没有这个步骤。"))
        data = self.validated(s.StepDoneSerializer)
        services.issue_step_done(
            user=request.user,
            step=step,
            on=data.get("done_on") or clock.today(),
            outcome=data.get("outcome", ""),
            today=clock.today(),
        )
        return self._done(issue)

    @extend_schema(request=s.ResolveSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """办结（须填写办理结果），待提出方确认；须带 If-Match。"""
        version = self.expected_version()
        issue = self.get_object()
        data = self.validated(s.ResolveSerializer)
        done = services.issue_resolve(
            user=request.user,
            issue=issue,
            on=data.get("resolved_on") or clock.today(),
            resolution=data["resolution"],
            expected_version=version,
        )
        return self._done(done)

    @extend_schema(request=s.CloseSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """确认销号（提出人或市级管理员）；须带 If-Match。"""
        version = self.expected_version()
        issue = self.get_object()
        services.check_raiser_side(request.user, issue)
        data = self.validated(s.CloseSerializer)
        done = services.issue_close(
            user=request.user,
            issue=issue,
            on=data.get("closed_on") or clock.today(),
            expected_version=version,
        )
        return self._done(done)

    @extend_schema(request=s.IssueReasonSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """重新打开已办结或已销号的问题（须填写原因；提出人或市级管理员）；须带 If-Match。"""
        version = self.expected_version()
        issue = self.get_object()
        services.check_raiser_side(request.user, issue)
        reason = self.validated(s.IssueReasonSerializer)["reason"]
        done = services.issue_reopen(
            user=request.user, issue=issue, reason=reason, expected_version=version
        )
        return self._done(done)


class VisitFilterSet(django_filters.FilterSet):
    """The visit log's filters: a unit and a period (the page's start and end)."""

    unit = django_filters.CharFilter(field_name="project__unit__code", label="板块代码")
    start = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="起始日期")
    end = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="截止日期")
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label="方式")

    class Meta:
        model = Visit
        fields = ("project", "unit", "start", "end", "kind", "visitor")


class VisitViewSet(ReadOnlyViewSet):
    """走访记录（家家到）：查看本人范围内的走访，记录本人的走访。"""

    queryset = Visit.objects.select_related("project", "visitor").order_by("-date", "-pk")
    serializer_class = s.VisitSerializer
    filterset_class = VisitFilterSet

    def get_serializer_class(self):
        if self.action == "coverage":
            return s.CoverageSerializer
        return s.VisitRecordSerializer if self.action == "create" else s.VisitSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="起始日期（默认本季度初）"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="截止日期（默认今天）"),
            OpenApiParameter("unit", OpenApiTypes.STR, description="板块代码"),
        ],
        responses={200: s.CoverageSerializer},
    )
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        """家家到覆盖率：期末在建项目中由挂钩领导走访过的比例，总体、分板块、分领导。"""
        today = clock.today()
        start = _date_param(request, "start", quarter_of(today).start)
        end = _date_param(request, "end", today)
        if end < start:
            raise exceptions.ValidationError({"end": [_("截止日期不能早于起始日期。")]})
        projects = Project.objects.restrict(request.user)
        units = list(visible_units(request.user))
        code = request.query_params.get("unit")
        if code:
            units = [u for u in units if u.code == code]
            if not units:
                raise exceptions.ValidationError({"unit": [_("没有这个板块，或不在您的范围内。")]})
            projects = projects.filter(unit__code=code)

        def row(key, name, scoped):
            c = visit_coverage(projects=scoped, start=start, end=end)
            return {
                "key": str(key),
                "name": name,
                "active": c.active,
                "visited": c.visited,
                "share": c.share,
            }

        leaders = policy.leaders_for(request.user).filter(linked_projects__in=projects).distinct()
        data = {
            "start": start,
            "end": end,
            "total": row("", _("合计"), projects),
            "units": [row(u.code, u.display_name, projects.filter(unit=u)) for u in units],
            "leaders": [
                row(leader.pk, str(leader), projects.filter(leaders=leader))
                for leader in leaders.order_by("pk")
            ],
        }
        return Response(s.CoverageSerializer(data).data)

    @extend_schema(request=s.VisitRecordSerializer, responses={201: s.VisitSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        """记录一次走访（走访人为本人）。"""
        data = self.validated(s.VisitRecordSerializer)
        visit = services.visit_record(
            user=request.user,
            project=data["project"],
            on=data["date"],
            kind=data.get("kind") or VisitKind.VISIT,
            findings=data.get("findings", ""),
        )
        return self.object_response(visit, status.HTTP_201_CREATED)


class TourViewSet(ReadOnlyViewSet):
    """观摩评比：列表、详情（评分项、可见项目及得分、本人板块得分、本人评分），
    评委录入本人评分。"""

    queryset = Tour.objects.annotate(n_projects=Count("tour_projects", distinct=True)).order_by(
        "-date", "-pk"
    )
    serializer_class = s.TourSerializer
    policy_actions = {"scores": policy.SCORE, "close": policy.CHANGE}

    def get_serializer_class(self):
        if self.action == "scores":
            return s.ScoreEntrySerializer
        if self.action == "close":
            return s.TourCloseSerializer
        if self.action == "retrieve":
            return s.TourDetailSerializer
        return s.TourSerializer

    def _detail(self, tour, status_code=status.HTTP_200_OK):
        """The tour as its page shows it (``coordination.views.tour_detail``)."""
        user = self.request.user
        visible = policy.restrict(Project.objects.all(), user, policy.VIEW).values("pk")
        shown = (
            policy.restrict(TourProject.objects.all(), user, policy.VIEW)
            .filter(tour=tour, project__in=visible)
            .select_related("project", "project__unit")
            .order_by("project__unit__sort_order", "pk")
        )
        judges = list(TourJudge.objects.filter(tour=tour, user=user).values_list("pk", flat=True))
        # a judge sees no one else's scores (nor their averages) before the tour is closed
        hidden = bool(judges) and tour.closed_on is None
        scores = {} if hidden else tour_project_scores(tour)
        own_units = {u.code: u for u in visible_units(user)}
        criteria = list(tour.criteria.order_by("sort_order", "pk"))
        data = {
            **{name: getattr(tour, name) for name in ("id", "created_at", "city_id", "name")},
            **{name: getattr(tour, name) for name in ("date", "period", "n_projects")},
            "criteria": criteria,
            "projects": [
                {
                    "id": tp.pk,
                    "project": tp.project_id,
                    "project_name": tp.project.name,
                    "unit": tp.project.unit.code,
                    "score": scores.get(tp.pk),
                }
                for tp in shown
            ],
            "unit_scores": sorted(
                (
                    {"unit": code, "name": own_units[code].display_name, "score": score}
                    for code, score in ({} if hidden else tour_unit_scores(tour)).items()
                    if code in own_units
                ),
                key=lambda row: -row["score"],
            ),
            "my_judges": judges,
            "my_scores": [
                {
                    "judge": score.judge_id,
                    "tour_project": score.tour_project_id,
                    "criterion": score.criterion_id,
                    "points": score.points,
                }
                for score in TourScore.objects.filter(judge__in=judges).order_by("pk")
            ],
        }
        return Response(s.TourDetailSerializer(data).data, status=status_code)

    @extend_schema(responses={200: s.TourDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=s.ScoreEntrySerializer, responses={200: s.TourDetailSerializer})
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        """录入（或更正）一项评分：评委本人；市级管理员可为非系统用户的评委录入。"""
        tour = self.get_object()
        data = self.validated(s.ScoreEntrySerializer)
        user = request.user
        tour_project = (
            policy.restrict(TourProject.objects.all(), user, policy.VIEW)
            .filter(tour=tour, pk=data["tour_project"])
            .first()
        )
        criterion = tour.criteria.filter(pk=data["criterion"]).first()
        judges = TourJudge.objects.filter(tour=tour)
        judge = (
            judges.filter(pk=data["judge"]).first()
            if "judge" in data
            else judges.filter(user=user).first()
        )
        errors = {}
        if tour_project is None:
            errors["tour_project"] = [_("该观摩中没有这个项目。")]
        if criterion is None:
            errors["criterion"] = [_("该观摩中没有这个评分项。")]
        if judge is None:
            errors["judge"] = [
                _("您不是该观摩的评委。") if "judge" not in data else _("该观摩中没有这位评委。")
            ]
        if errors:
            raise exceptions.ValidationError(errors)
        services.tour_score_set(
            user=user,
            judge=judge,
            tour_project=tour_project,
            criterion=criterion,
            points=data["points"],
        )
        return self._detail(self.get_queryset().get(pk=tour.pk))

    @extend_schema(request=s.TourCloseSerializer, responses={200: s.TourDetailSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """截止评分（``close_tour``）：此后评分不能再改，评委可见彼此的评分。``on`` 默认今天。"""
        if not policy.may_do(request.user, "close_tour"):
            raise exceptions.PermissionDenied(_("您没有截止观摩评分的权限。"))
        tour = self.get_object()
        data = self.validated(s.TourCloseSerializer)
        services.tour_close(user=request.user, tour=tour, on=data.get("on") or clock.today())
        return self._detail(self.get_queryset().get(pk=tour.pk))
