"""A project's history as the project and report pages show it: its own records' and
those the apps above register (:func:`register_history`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, pgettext_lazy

from ballast.attachments.models import Attachment
from ballast.projects.labels import stage_label
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    Node,
    Project,
    StageEvent,
    Suspension,
    Termination,
)

# What a history row is called on the pages (context "history": as a menu entry "项目"
# is "Projects").
HISTORY_MODELS = [
    (Project, pgettext_lazy("history", "项目"), "pk"),
    (StageEvent, pgettext_lazy("history", "阶段节点"), "project_id"),
    (Node, pgettext_lazy("history", "节点计划"), "project_id"),
    (AnnualPlan, pgettext_lazy("history", "年度计划"), "project_id"),
    (Suspension, pgettext_lazy("history", "停缓建"), "project_id"),
    (Termination, pgettext_lazy("history", "终止退出"), "project_id"),
    (Attachment, pgettext_lazy("history", "附件"), "project_id"),
    (ConfidenceAssessment, pgettext_lazy("history", "交付信心"), "project_id"),
]


def register_history(model, label, key="project_id") -> None:
    """Show ``model``'s history rows on the project page (an app above projects — the
    monthly reports — registers its own from its ``AppConfig.ready()``). ``key`` is the
    project's field on the historical rows, or a callable ``(history manager, project)``
    giving them (the signed lead's rows, written before the project existed)."""
    if all(entry[0] is not model for entry in HISTORY_MODELS):
        HISTORY_MODELS.append((model, label, key))


# The linked leaders' history (an m2m table) would cost two queries per row here; the
# audit trail shows those changes.
DIFF_EXCLUDED = ("created_at", "updated_at", "leaders")


@dataclass
class HistoryRow:
    when: object
    model: type
    kind: str
    object_label: str
    action: str
    user: object
    source: str
    reason: str
    changes: list


_ACTIONS = {
    "+": pgettext_lazy("history", "新增"),
    "~": pgettext_lazy("history", "修改"),
    "-": pgettext_lazy("history", "删除"),
}
_SOURCES = {
    "web": pgettext_lazy("history", "网页"),
    "admin": pgettext_lazy("history", "后台"),
    "import": pgettext_lazy("history", "导入"),
    "command": pgettext_lazy("history", "命令"),
    "api": pgettext_lazy("history", "接口"),
    "system": pgettext_lazy("history", "系统"),
}


def _rows_of(records, model: type, kind: str) -> list[HistoryRow]:
    """Turn historical records (any order) into rows with the fields each change touched."""
    previous: dict[int, object] = {}
    rows = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        changes = []
        before = previous.get(record.id)
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, excluded_fields=DIFF_EXCLUDED)
            changes = [
                {
                    "field": _verbose(record, c.field),
                    "old": c.old,
                    "new": c.new,
                    "model_field": _model_field(record, c.field),
                }
                for c in delta.changes
            ]
        previous[record.id] = record
        rows.append(
            HistoryRow(
                when=record.history_date,
                model=model,
                kind=kind,
                object_label=_label(record),
                action=_ACTIONS.get(record.history_type, record.history_type),
                user=record.history_user,
                source=_SOURCES.get(getattr(record, "history_source", ""), ""),
                reason=getattr(record, "history_reason_text", "")
                or (record.history_change_reason or ""),
                changes=changes,
            )
        )
    return rows


def _model_field(record, name: str):
    try:
        return record.instance_type._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return None


def _readable(rows: list[HistoryRow]) -> list[HistoryRow]:
    """Show choices by their labels and foreign keys by their objects' names; one query
    per kind of related object, whatever the number of rows."""
    wanted: dict[type, set] = {}
    for row in rows:
        for change in row.changes:
            field = change["model_field"]
            if field is not None and field.is_relation and (field.many_to_one or field.one_to_one):
                for value in (change["old"], change["new"]):
                    if value is not None:
                        wanted.setdefault(field.related_model, set()).add(value)
    names = {
        model: {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }
    for row in rows:
        for change in row.changes:
            field = change.pop("model_field")
            for side in ("old", "new"):
                value = change[side]
                if value is None or field is None:
                    continue
                if field.choices:
                    label = dict(field.flatchoices).get(value, value)
                    if field.name == "stage" and field.model is StageEvent:
                        label = stage_label(value)
                    elif isinstance(label, str):
                        label = gettext(label)
                    change[side] = label
                elif field.is_relation and (field.many_to_one or field.one_to_one):
                    change[side] = names.get(field.related_model, {}).get(value, value)
    return rows


def _verbose(record, name: str) -> str:
    try:
        return str(record.instance_type._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 — a field gone from the model keeps its raw name
        return name


def _label(record) -> str:
    if hasattr(record, "sha256"):  # an attachment: its file name
        return record.name
    if hasattr(record, "get_stage_display"):
        if record.instance_type is StageEvent:
            return stage_label(record.stage)
        # a registered model's own stages (a lead's 信息 → 签约)
        return gettext(record.get_stage_display())
    if hasattr(record, "get_kind_display"):
        return gettext(record.get_kind_display())
    if hasattr(record, "year") and hasattr(record, "planned_investment"):
        return gettext("%(year)s年") % {"year": record.year}
    if hasattr(record, "month") and hasattr(record, "investment"):
        return f"{record.month:%Y-%m}"
    if hasattr(record, "name"):
        return record.name
    return ""


def project_history(*, project: Project, limit: int = 300) -> list[HistoryRow]:
    """The full history of a project and its events, nodes, plans and reports, newest
    first; one query per kind of record whatever the number of rows."""
    rows: list[HistoryRow] = []
    for model, kind, key in HISTORY_MODELS:
        if callable(key):
            records = key(model.history, project)
        else:
            records = model.history.filter(**{"id" if key == "pk" else key: project.pk})
        rows.extend(_rows_of(records.select_related("history_user"), model, kind))
    rows.sort(key=lambda r: r.when, reverse=True)
    return _readable(rows[:limit])


def history_rows(entries, *, limit: int = 300) -> list[HistoryRow]:
    """The history of any records, newest first: ``entries`` are ``(historical records,
    model, what a row is called)`` (an issue's page: the issue and its roadmap steps)."""
    rows: list[HistoryRow] = []
    for records, model, kind in entries:
        rows.extend(_rows_of(records.select_related("history_user"), model, kind))
    rows.sort(key=lambda r: r.when, reverse=True)
    return _readable(rows[:limit])
