"""The warning rules ``issue_overdue`` (协调问题逾期) and ``node_overdue`` (节点逾期),
registered with ``ballast.alerts``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, IntegerField, Min, OuterRef, Subquery

from ballast.alerts.choices import Level, ThresholdUnit
from ballast.alerts.registry import Hit, RuleDefaults, register
from ballast.coordination.models import Issue
from ballast.coordination.selectors import overdue_q
from ballast.projects.models import Node
from ballast.projects.selectors import late_nodes_q


def evaluate_issue_overdue(*, projects, as_of: date, rule) -> Iterator[Hit]:
    """A project has coordination issues past their deadline and not resolved by ``as_of``.

    The measure is the days the oldest such deadline lies behind ``as_of``: yellow from
    the yellow threshold (at least one day late), red from the red threshold.
    """
    overdue = Issue.objects.filter(project=OuterRef("pk")).filter(overdue_q(as_of)).order_by()
    oldest = overdue.values("project").annotate(d=Min("deadline")).values("d")
    count = overdue.values("project").annotate(n=Count("pk")).values("n")
    rows = (
        projects.annotate(
            oldest_deadline=Subquery(oldest),
            overdue_count=Subquery(count, output_field=IntegerField()),
        )
        .filter(oldest_deadline__isnull=False)
        .values_list("pk", "oldest_deadline", "overdue_count")
    )
    yellow, red = max(rule.months("yellow"), 1), max(rule.months("red"), 1)
    for pk, deadline, n in rows:
        days = (as_of - deadline).days
        if days < yellow:
            continue
        yield Hit(
            pk,
            Level.RED if days >= red else Level.YELLOW,
            deadline + timedelta(days=yellow),
            f"{n} 个协调问题超过办结期限，最早的期限 {deadline} 已过 {days} 天。",
        )


def evaluate_node_overdue(*, projects, as_of: date, rule) -> Iterator[Hit]:
    """A project has nodes of its node plan still pending past their deadline.

    The measure is the days the oldest such deadline lies behind ``as_of``: yellow from
    the yellow threshold (at least one day late), red from the red threshold. One query.
    """
    late = Node.objects.filter(project=OuterRef("pk")).filter(late_nodes_q(as_of)).order_by()
    oldest = late.values("project").annotate(d=Min("deadline")).values("d")
    count = late.values("project").annotate(n=Count("pk")).values("n")
    rows = (
        projects.annotate(
            oldest_node=Subquery(oldest),
            late_nodes=Subquery(count, output_field=IntegerField()),
        )
        .filter(oldest_node__isnull=False)
        .values_list("pk", "oldest_node", "late_nodes")
    )
    yellow, red = max(rule.months("yellow"), 1), max(rule.months("red"), 1)
    for pk, deadline, n in rows:
        days = (as_of - deadline).days
        if days < yellow:
            continue
        yield Hit(
            pk,
            Level.RED if days >= red else Level.YELLOW,
            deadline + timedelta(days=yellow),
            f"{n} 个节点超过计划完成日期仍未办结，最早的 {deadline} 已过 {days} 天。",
        )


def register_rules() -> None:
    register(
        "issue_overdue",
        "协调问题逾期",
        evaluate_issue_overdue,
        defaults=RuleDefaults(
            yellow=Decimal(0),
            red=Decimal(15),
            unit=ThresholdUnit.DAYS,
            description="协调问题超过办结期限仍未办结：逾期即黄色，超过红色阈值天数为红色。",
        ),
    )
    register(
        "node_overdue",
        "节点逾期",
        evaluate_node_overdue,
        defaults=RuleDefaults(
            yellow=Decimal(0),
            red=Decimal(30),
            unit=ThresholdUnit.DAYS,
            description="节点计划中的节点超过计划完成日期仍未办结：逾期即黄色，超过红色阈值天数为红色。",
        ),
    )
