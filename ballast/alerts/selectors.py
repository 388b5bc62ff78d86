"""Reads of early warnings (预警): which projects fire which rule, as of a date."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from datetime import date, datetime
from operator import itemgetter
from typing import NamedTuple

from django.db.models import QuerySet

from ballast.alerts import registry
from ballast.alerts.choices import LEVEL_RANK, Level
from ballast.alerts.models import WarningRule
from ballast.core.db import IdIn
from ballast.projects.models import Project
from ballast.projects.selectors import active_q
from ballast.regions.models import Region, cities_containing, within


class EarlyWarning(NamedTuple):
    """One warning: a project, its unit and linked leaders, the rule, level and since when.

    A named tuple: a city's warnings are thousands of these, and a tuple is made in a
    fraction of a frozen dataclass's time (immutable and read by name all the same)."""

    project_id: int
    project_code: str | None
    project_name: str
    unit_code: str
    unit_name: str
    leaders: tuple[str, ...]
    rule: str
    rule_label: str
    level: str  # Level.YELLOW / Level.RED
    since: date
    detail: str

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    def as_dict(self) -> dict:
        """The JSON form the ``warnings`` command prints."""
        return {
            "project_code": self.project_code,
            "project": self.project_name,
            "project_id": self.project_id,
            "unit": self.unit_code,
            "unit_name": self.unit_name,
            "rule": self.rule,
            "rule_label": self.rule_label,
            "level": self.level,
            "since": self.since.isoformat(),
            "leaders": list(self.leaders),
            "detail": self.detail,
        }


# The selector's result type, under the name the issue uses.
Warning = EarlyWarning  # noqa: A001


def rules_for_city(city: Region) -> list[WarningRule]:
    """The city's warning rules in registry order: its saved rows, and for every registered
    rule it has no row for, an unsaved rule holding the registered defaults."""
    saved = {r.key: r for r in WarningRule.objects.filter(city=city)}
    result = []
    for registered in registry.all_rules():
        rule = saved.get(registered.key)
        if rule is None:
            d = registered.defaults
            rule = WarningRule(
                city=city,
                key=registered.key,
                enabled=True,
                yellow_threshold=d.yellow,
                red_threshold=d.red,
                threshold_unit=d.unit,
                description=d.description,
            )
        result.append(rule)
    return result


def takes_known_at(evaluator) -> bool:
    """Whether a rule's evaluator can judge as known at a moment K (it takes ``known_at``:
    ``lagging`` and ``report_missing`` so far, docs/warnings.md)."""
    return "known_at" in inspect.signature(evaluator).parameters


def warnings_as_of(
    *,
    projects: QuerySet[Project],
    as_of: date,
    rules: Iterable[str] | None = None,
    known_at: datetime | None = None,
) -> list[EarlyWarning]:
    """Every warning of ``projects`` as of ``as_of``, red first, then by unit and project.

    ``projects`` is the caller's scope (``Project.objects.restrict(user)``, or a unit's or
    city's projects in a command); projects suspended or terminated on ``as_of`` are left
    out. ``rules`` limits the result to those rule keys (default: every enabled rule).
    Each city's projects are judged by that city's thresholds.

    ``known_at`` (K): the rules that take it (:func:`takes_known_at`) judge the facts as
    recorded at K; the others, the thresholds, suspensions and terminations are read as
    known now.
    """
    wanted = None if rules is None else set(rules)
    if wanted is not None:
        unknown = wanted - set(registry.keys())
        if unknown:
            raise ValueError(f"未知的预警规则：{'、'.join(sorted(unknown))}")
    active = projects.filter(active_q(as_of)).order_by()
    unit_ids = set(active.values_list("unit_id", flat=True).distinct())
    found: list[tuple[WarningRule, list[registry.Hit]]] = []
    for city in cities_containing(unit_ids):
        # The city's projects on the line, read once: every rule then starts from their
        # ids instead of judging suspensions, terminations and the unit tree again.
        city_ids = active.filter(within("unit", city)).values_list("pk", flat=True)
        city_projects = Project.objects.using(active.db).filter(IdIn("pk", city_ids)).order_by()
        for rule in rules_for_city(city):
            if not rule.enabled or (wanted is not None and rule.key not in wanted):
                continue
            evaluator = registry.get(rule.key).evaluator
            extra = {"known_at": known_at} if known_at and takes_known_at(evaluator) else {}
            hits = list(evaluator(projects=city_projects, as_of=as_of, rule=rule, **extra))
            if hits:
                found.append((rule, hits))
    if not found:
        return []

    ids = {hit.project_id for _, hits in found for hit in hits}
    # pk → (code, name, unit code, unit name); the ids go as one parameter (IdIn).
    info = {
        row[0]: row[1:]
        for row in Project.objects.filter(IdIn("pk", ids))
        .order_by()
        .values_list("pk", "code", "name", "unit__code", "unit__name")
    }
    leaders: dict[int, list[str]] = {}
    through = Project.leaders.through
    for project_id, full_name, username in (
        through.objects.filter(IdIn("project_id", ids))
        .order_by("project_id", "user__full_name", "user__username")
        .values_list("project_id", "user__full_name", "user__username")
    ):
        leaders.setdefault(project_id, []).append(full_name or username)

    order = {r.key: r.order for r in registry.all_rules()}
    # Red first, then by unit, project (code, name, id) and rule: the projects are ranked
    # once, so each warning sorts by one integer instead of a tuple of strings.
    ranked = sorted(info, key=lambda pk: (info[pk][2], info[pk][0] or "", info[pk][1], pk))
    n_projects, n_rules = len(ranked), max(order.values(), default=0) + 1
    # pk → its sort rank and what every warning of it names (code, name, unit, leaders).
    named = {
        pk: (rank * n_rules, *info[pk], tuple(leaders.get(pk, ())))
        for rank, pk in enumerate(ranked)
    }
    level_rank = {
        level: (Level(level).value, LEVEL_RANK[level] * n_projects * n_rules)
        for level in {hit.level for _, hits in found for hit in hits}
    }
    new = tuple.__new__
    keyed = []
    for rule, hits in found:
        key, label, rule_order = rule.key, rule.label, order.get(rule.key, 0)
        for pk, level, since, detail in hits:
            rank, code, name, unit_code, unit_name, names = named[pk]
            value, level_key = level_rank[level]
            warning = new(
                EarlyWarning,
                (pk, code, name, unit_code, unit_name, names, key, label, value, since, detail),
            )
            keyed.append((level_key + rank + rule_order, warning))
    keyed.sort(key=itemgetter(0))
    return [warning for _, warning in keyed]
