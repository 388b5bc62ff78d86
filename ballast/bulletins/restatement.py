"""Restatement (数据更正说明) of a published bulletin: what changed since publication.

A published bulletin keeps the figures it was published with. The same figures computed
now may differ, because facts of the period were recorded or corrected later (a total
investment adjusted, a plan changed, a report amended). Figures read facts as known at a
moment K (docs/figures.md "As known at K"), so the figures of the bulletin's scope are
computed twice — as known at the publication time and as known now — and every figure
that differs is listed, old → new, with the records changed after publication that it
reads: which record, which field from what to what, who and when, and the reason given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ballast.accounts import policy
from ballast.core.known import known_rows
from ballast.figures.selectors import (
    FIGURE_KEYS,
    city_and_units_figures,
    flatten,
    unit_figures,
)
from ballast.projects.models import AnnualPlan, PlanMonth, Project, StageEvent, UnitTarget
from ballast.regions.models import within
from ballast.reports.models import MonthlyReport

# The kinds of fact a figure reads, and per kind the fields that move figures.
FACTS = {
    "project": (Project, ("unit", "category", "total_investment")),
    "stage": (StageEvent, ("project", "stage", "date")),
    "plan": (
        AnnualPlan,
        ("project", "year", "planned_investment", "completion_month"),
    ),
    "curve": (PlanMonth, ("plan", "month", "planned_investment")),
    "report": (MonthlyReport, ("project", "month", "investment", "status")),
    "target": (UnitTarget, ("unit", "period", "indicator", "value")),
}
EVENTS = ("project", "stage")
PLANS = ("plan", "curve")
REPORTS = ("report", "plan")


def kinds_read_by(key: str) -> tuple[str, ...]:
    """The kinds of fact the figure ``key`` is computed from."""
    if key.startswith(("targets.", "quarter.targets.")):
        return ("target",)
    if key.startswith(("target_completion.", "quarter.target_completion.")):
        return tuple(FACTS)
    if key in (
        "investment.completed_wan",
        "quarter.investment.completed_wan",
        "year_on_year.completed_wan_previous",
        "year_on_year.completed_change",
    ):
        return REPORTS
    if key in ("investment.completion_rate", "investment.time_progress_gap"):
        return (*REPORTS, "curve", "project", "stage")
    if key.startswith("investment.") or key.startswith("year_on_year.avg_annual_plan"):
        return PLANS
    if key.startswith("completion_production."):
        return (*PLANS, *EVENTS)
    return EVENTS


@dataclass
class Change:
    """One record changed after publication: its kind, what it is, its fields before and
    after, who changed it, when and why."""

    kind: str
    model: str
    record: str
    action: str
    fields: list[tuple[str, object, object]]
    user: object
    when: datetime
    reason: str
    unit_id: int | None
    project_id: int | None = None


@dataclass
class Restated:
    """One figure of one region whose value at publication differs from now."""

    region: str
    region_name: str
    key: str
    name: str
    kind: str
    then: object
    now: object
    changes: list[Change] = field(default_factory=list)
    # changes behind the figure of records the reader may not see (counted, not named)
    hidden: int = 0

    @property
    def then_text(self) -> str:
        return shown(self.then, self.kind)

    @property
    def now_text(self) -> str:
        return shown(self.now, self.kind)


def shown(value, kind: str) -> str:
    """A figure as the page shows it: money with two decimals, rates in per cent."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{Decimal(value) * 100:.2f}%"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    return str(value)


def _scope_projects(bulletin, known_at: datetime) -> set[int]:
    """The ids of the projects of the bulletin's scope, then or now."""
    region = bulletin.unit or bulletin.city
    ids = set(Project.objects.filter(within("unit", region)).values_list("pk", flat=True))
    ids |= set(
        known_rows(Project, known_at).filter(within("unit", region)).values_list("id", flat=True)
    )
    return ids


def _label(row) -> str:
    try:
        return str(row.instance)
    except Exception:  # a record whose related row is gone
        return f"#{row.id}"


def _changes(bulletin, since: datetime, until: datetime) -> list[Change]:
    """The history rows recorded after ``since`` (and by ``until``) of the facts of the
    bulletin's scope, each with the figure-moving fields it changed."""
    project_ids = _scope_projects(bulletin, since)
    region = bulletin.unit or bulletin.city
    unit_ids = set(region.__class__.objects.filter(within("", region)).values_list("pk", flat=True))
    plan_ids = set(
        AnnualPlan.history.model.objects.filter(project_id__in=project_ids).values_list(
            "id", flat=True
        )
    )
    scope = {
        "project": Q(id__in=project_ids),
        "stage": Q(project_id__in=project_ids),
        "plan": Q(project_id__in=project_ids),
        "curve": Q(plan_id__in=plan_ids),
        "report": Q(project_id__in=project_ids),
        "target": Q(unit_id__in=unit_ids),
    }
    plan_units = dict(
        AnnualPlan.objects.filter(pk__in=plan_ids).values_list("pk", "project__unit_id")
    )
    plan_projects = dict(
        AnnualPlan.history.model.objects.filter(id__in=plan_ids).values_list("id", "project_id")
    )
    project_units = dict(Project.objects.filter(pk__in=project_ids).values_list("pk", "unit_id"))
    found = []
    for kind, (model, fields) in FACTS.items():
        history = model.history.model
        rows = (
            history.objects.filter(scope[kind], history_date__gt=since, history_date__lte=until)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        for row in rows:
            previous = row.prev_record
            moved = []
            for name in fields:
                attname = model._meta.get_field(name).attname
                before = getattr(previous, attname, None) if previous is not None else None
                after = getattr(row, attname)
                if row.history_type == "-":
                    after = None
                if before != after:
                    moved.append((str(model._meta.get_field(name).verbose_name), before, after))
            if not moved:
                continue  # a change of fields no figure reads (a name, a note …)
            if kind == "project" or kind == "target":
                unit_id = row.unit_id
            elif kind == "curve":
                unit_id = plan_units.get(row.plan_id)
            else:
                unit_id = project_units.get(row.project_id)
            if kind == "project":
                project_id = row.id
            elif kind == "curve":
                project_id = plan_projects.get(row.plan_id)
            elif kind == "target":
                project_id = None
            else:
                project_id = row.project_id
            found.append(
                Change(
                    kind=kind,
                    model=str(model._meta.verbose_name),
                    record=_label(row),
                    action=row.get_history_type_display(),
                    fields=moved,
                    user=row.history_user,
                    when=row.history_date,
                    reason=row.history_change_reason or "",
                    unit_id=unit_id,
                    project_id=project_id,
                )
            )
    return found


def visible_to(user, changes: list[Change]) -> list[Change]:
    """The changes whose record ``user`` may see (``accounts.policy``): a project's facts
    through the project, a target through the targets of their scope. A unit clerk who
    reads the city's bulletin sees how every unit's figure moved, but the records behind
    another unit's figures only as a count."""
    project_ids = {c.project_id for c in changes if c.project_id is not None}
    seen_projects = set(
        policy.restrict(Project._base_manager.filter(pk__in=project_ids), user).values_list(
            "pk", flat=True
        )
    )
    target_units = {c.unit_id for c in changes if c.kind == "target"}
    seen_units = set(
        policy.restrict(UnitTarget.objects.filter(unit_id__in=target_units), user).values_list(
            "unit_id", flat=True
        )
    )
    return [
        c
        for c in changes
        if (c.kind == "target" and c.unit_id in seen_units)
        or (c.kind != "target" and c.project_id in seen_projects)
    ]


def restatement(bulletin, *, user=None, now: datetime | None = None) -> dict:
    """What changed in ``bulletin``'s figures since its publication: ``{"published_at",
    "now", "figures": [Restated …], "changes": [Change …]}``. The figures are those of the
    bulletin's scope (the city and each of its units, or the one unit) for the period's
    year as of the bulletin's date, as known at publication and as known ``now``.
    ``user``: the reader — the records they may not see are counted, not named
    (:func:`visible_to`); None (a command): every record."""
    now = now or timezone.now()
    since = bulletin.published_at
    year, as_of = bulletin.as_of.year, bulletin.as_of
    if bulletin.unit is None:
        then_city, then_units = city_and_units_figures(
            city=bulletin.city, year=year, as_of=as_of, known_at=since
        )
        now_city, now_units = city_and_units_figures(city=bulletin.city, year=year, as_of=as_of)
        pairs = [(bulletin.city, then_city, now_city, None)]
        units = {u.code: u for u in bulletin.city.__class__.objects.filter(code__in=now_units)}
        pairs += [
            (units[code], then_units.get(code, {}), now_units[code], units[code].pk)
            for code in now_units
        ]
    else:
        then = unit_figures(unit=bulletin.unit, year=year, as_of=as_of, known_at=since)
        current = unit_figures(unit=bulletin.unit, year=year, as_of=as_of)
        pairs = [(bulletin.unit, then, current, bulletin.unit.pk)]
    changes = _changes(bulletin, since, now)
    shown_changes = changes if user is None else visible_to(user, changes)
    visible = {id(c) for c in shown_changes}
    figures = []
    for region, then, current, unit_id in pairs:
        old, new = flatten(then), flatten(current)
        for key, (name, kind) in FIGURE_KEYS.items():
            if key in ("as_of", "year", "unit", "unit_name"):
                continue
            if old.get(key) == new.get(key):
                continue
            reads = kinds_read_by(key)
            behind = [
                c for c in changes if c.kind in reads and (unit_id is None or c.unit_id == unit_id)
            ]
            named = [c for c in behind if id(c) in visible]
            figures.append(
                Restated(
                    region=region.code,
                    region_name=region.display_name,
                    key=key,
                    name=name,
                    kind=kind,
                    then=old.get(key),
                    now=new.get(key),
                    changes=named,
                    hidden=len(behind) - len(named),
                )
            )
    return {
        "published_at": since,
        "now": now,
        "figures": figures,
        "changes": shown_changes,
        "hidden": len(changes) - len(shown_changes),
    }
