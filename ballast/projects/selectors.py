"""Reads of the lifecycle: a project's stage and status *as of* a date, and the batches.

Everything is computed from events dated on or before the as-of date, so the same call
gives the same answer after later events are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from ballast.accounts import policy
from ballast.core.periods import Period
from ballast.projects.choices import STAGE_BY_ORDER, STAGE_ORDER, Stage, stages_from
from ballast.projects.models import (
    ConfidenceAssessment,
    Project,
    StageEvent,
    Suspension,
    Termination,
    size_class_expression,
)


def stage_seq_expression(field: str = "stage"):
    """The stage's position on the line (1 = reserve … 9 = at capacity) as an expression."""
    return Case(
        *[When(**{field: s}, then=Value(n)) for s, n in STAGE_ORDER.items()],
        output_field=IntegerField(),
    )


class Status:
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"

    LABELS = {ACTIVE: "在建/推进中", SUSPENDED: "停缓建", TERMINATED: "已终止"}


def reached_by(stage: str, as_of: date, *, prefix: str = "") -> Exists:
    """Exists-expression: the project had reached ``stage`` (or a later one) by ``as_of``.

    Reaching a later stage implies the earlier ones (a project recorded as started has
    landed even when no landing date was entered).
    """
    return Exists(
        StageEvent.objects.filter(
            project=OuterRef(f"{prefix}pk"), stage__in=stages_from(stage), date__lte=as_of
        )
    )


def reached_in(stage: str, start: date, end: date) -> Exists:
    """Exists-expression: the project's ``stage`` event itself is dated within [start, end]."""
    return Exists(
        StageEvent.objects.filter(
            project=OuterRef("pk"), stage=stage, date__gte=start, date__lte=end
        )
    )


def with_stage_as_of(queryset: QuerySet[Project], as_of: date) -> QuerySet[Project]:
    """Annotate ``stage_seq`` (0: no stage yet) as of ``as_of``."""
    latest = (
        StageEvent.objects.filter(project=OuterRef("pk"), date__lte=as_of)
        .order_by()
        .values("project")
        .annotate(top=Max(stage_seq_expression()))
        .values("top")
    )
    return queryset.annotate(stage_seq=Subquery(latest, output_field=IntegerField()))


def suspended_q(as_of: date, prefix: str = "") -> Q:
    return Q(
        Exists(
            Suspension.objects.filter(
                project=OuterRef(f"{prefix}pk"), started_on__lte=as_of
            ).filter(Q(resumed_on__isnull=True) | Q(resumed_on__gt=as_of))
        )
    )


def terminated_q(as_of: date, prefix: str = "") -> Q:
    return Q(
        Exists(
            Termination.objects.filter(project=OuterRef(f"{prefix}pk"), terminated_on__lte=as_of)
        )
    )


def active_q(as_of: date) -> Q:
    """On the line as of the date: neither terminated nor suspended."""
    return ~terminated_q(as_of) & ~suspended_q(as_of)


def stage_as_of(project: Project, as_of: date) -> str | None:
    """The stage ``project`` had reached on ``as_of`` (None before any stage)."""
    seq = StageEvent.objects.filter(project=project, date__lte=as_of).aggregate(
        top=Max(stage_seq_expression())
    )["top"]
    return STAGE_BY_ORDER[seq] if seq else None


def status_as_of(project: Project, as_of: date) -> str:
    if Termination.objects.filter(project=project, terminated_on__lte=as_of).exists():
        return Status.TERMINATED
    if (
        Suspension.objects.filter(project=project, started_on__lte=as_of)
        .filter(Q(resumed_on__isnull=True) | Q(resumed_on__gt=as_of))
        .exists()
    ):
        return Status.SUSPENDED
    return Status.ACTIVE


@dataclass(frozen=True)
class Batches:
    """The seeds' four batches for a period (四个一批)."""

    completed: QuerySet[Project]  # 建成完工一批
    started: QuerySet[Project]  # 启动开工一批
    reserve: QuerySet[Project]  # 谋划储备一批
    signed_landed: QuerySet[Project]  # 招引落地一批


def batches(*, projects: QuerySet[Project], period: Period, as_of: date | None = None) -> Batches:
    """The four batches of ``period``, counted up to ``as_of`` (default: the period's end).

    * 建成完工一批: completed within the period;
    * 启动开工一批: started within the period;
    * 谋划储备一批: entered the reserve pool within the period;
    * 招引落地一批: signed or landed within the period.
    """
    end = min(period.end, as_of) if as_of else period.end
    start = period.start
    return Batches(
        completed=projects.filter(reached_in(Stage.COMPLETED, start, end)),
        started=projects.filter(reached_in(Stage.STARTED, start, end)),
        reserve=projects.filter(reached_in(Stage.RESERVE, start, end)),
        signed_landed=projects.filter(
            reached_in(Stage.SIGNED, start, end) | reached_in(Stage.LANDED, start, end)
        ),
    )


# --- scope of the pages ----------------------------------------------------------------


def visible_units(user):
    """The assessment units (板块) whose projects ``user`` may see: the units a page offers
    to filter by and the cockpits ``user`` may open (their own for unit people)."""
    return policy.units_for(user, policy.VIEW, Project).order_by("sort_order", "code")


def city_in_scope(user, code: str | None = None):
    """The city whose projects ``user`` works with: their own, or for a province person
    the city ``code`` of their province (``?city=CODE``, :func:`policy.city_for`);
    PermissionDenied without one."""
    city = policy.city_for(user, code)
    if city is None:
        raise PermissionDenied(_("您的账号没有所属地区。"))
    return city


def list_queryset(user, as_of: date):
    """The user's projects, annotated for the list: stage and status as of, size class."""
    status = Case(
        When(terminated_q(as_of), then=Value(Status.TERMINATED)),
        When(suspended_q(as_of), then=Value(Status.SUSPENDED)),
        default=Value(Status.ACTIVE),
        output_field=CharField(),
    )
    return (
        with_stage_as_of(Project.objects.restrict(user), as_of)
        .annotate(size=size_class_expression(), status=status)
        .select_related("unit", "cluster")
    )


def late_nodes_q(as_of, prefix: str = ""):
    """Nodes still pending whose deadline lies before ``as_of`` (逾期节点); ``prefix`` is
    the lookup from the queried model to the node (e.g. ``"nodes__"`` for projects)."""
    from django.db.models import Q

    from ballast.projects.choices import NodeOutcome

    return Q(**{f"{prefix}outcome": NodeOutcome.PENDING, f"{prefix}deadline__lt": as_of})


# --------------------------------------------------------------------------- confidence


def _latest_rating(field: str, as_of: date):
    return Subquery(
        ConfidenceAssessment.objects.filter(project=OuterRef("pk"), month__lte=as_of.replace(day=1))
        .order_by("-month")
        .values(field)[:1]
    )


def with_current_rating(projects: QuerySet[Project], *, as_of: date) -> QuerySet[Project]:
    """``projects`` with their current delivery-confidence rating: the latest of a month
    up to ``as_of``'s month (``rating``, ``rating_month``, ``rating_narrative``; None when
    never rated)."""
    return projects.annotate(
        rating=_latest_rating("rating", as_of),
        rating_month=_latest_rating("month", as_of),
        rating_narrative=_latest_rating("narrative", as_of),
    )


def confidence_history(project: Project) -> list[ConfidenceAssessment]:
    """A project's ratings, month by month, the latest first."""
    return list(project.confidence_ratings.order_by("-month"))
