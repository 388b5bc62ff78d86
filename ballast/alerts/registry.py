"""The registry of early-warning rules (预警规则).

A rule is a key, a Chinese label, default thresholds and an *evaluator*. Another app adds
a rule from its ``AppConfig.ready()`` without touching this package::

    from decimal import Decimal
    from ballast.alerts.registry import Hit, RuleDefaults, register

    def evaluate_issue_overdue(*, projects, as_of, rule):
        ...  # one query over ``projects``; yield Hit(project_id, level, since, detail)

    register(
        "issue_overdue",
        "协调问题逾期",
        evaluate_issue_overdue,
        defaults=RuleDefaults(yellow=Decimal(0), red=Decimal(15), unit="days",
                              description="协调问题超过办结期限…"),
    )

An evaluator is called as ``evaluator(*, projects, as_of, rule)``: ``projects`` is a
queryset of the active projects of one city in the caller's scope, ``as_of`` a date and
``rule`` that city's :class:`~ballast.alerts.models.WarningRule` (saved, or an unsaved one
holding the defaults). It returns an iterable of :class:`Hit`, at most one per project,
computed by the database (annotations, subqueries, aggregates) — never by looping over a
project's reports in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple


class Hit(NamedTuple):
    """One firing of a rule for one project: level (yellow/red), since when, and why.

    A named tuple (cheap to make: a city's rules fire thousands of times)."""

    project_id: int
    level: str
    since: date
    detail: str


@dataclass(frozen=True)
class RuleDefaults:
    """The thresholds a city starts with; ``unit`` is a ``ThresholdUnit`` value."""

    yellow: Decimal
    red: Decimal
    unit: str
    description: str = ""


Evaluator = Callable[..., Iterable[Hit]]


@dataclass(frozen=True)
class RegisteredRule:
    key: str
    label: str
    evaluator: Evaluator
    defaults: RuleDefaults
    order: int


_RULES: dict[str, RegisteredRule] = {}


def register(
    key: str,
    label_zh: str,
    evaluator: Evaluator,
    *,
    defaults: RuleDefaults | None = None,
) -> RegisteredRule:
    """Add (or, with the same key, replace) a warning rule.

    ``defaults`` default to "fires as soon as the condition holds": yellow 0, red 0 days.
    Rules keep the order they were first registered in.
    """
    if not key or not key.replace("_", "").isalnum() or len(key) > 32:
        raise ValueError(f"invalid warning rule key: {key!r}")
    previous = _RULES.get(key)
    rule = RegisteredRule(
        key=key,
        label=label_zh,
        evaluator=evaluator,
        defaults=defaults or RuleDefaults(Decimal(0), Decimal(0), "days"),
        order=previous.order if previous else len(_RULES),
    )
    _RULES[key] = rule
    return rule


def unregister(key: str) -> None:
    """Remove a rule (tests that register a rule of their own clean up with it)."""
    _RULES.pop(key, None)


def get(key: str) -> RegisteredRule | None:
    return _RULES.get(key)


def all_rules() -> list[RegisteredRule]:
    """Every registered rule, in registration order."""
    return sorted(_RULES.values(), key=lambda r: r.order)


def keys() -> list[str]:
    return [r.key for r in all_rules()]


def choices() -> list[tuple[str, Any]]:
    return [(r.key, r.label) for r in all_rules()]
