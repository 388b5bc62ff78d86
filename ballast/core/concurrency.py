"""Optimistic concurrency: refuse a save based on an older version of a record.

A form carries the ``version`` of the record it was opened at (a hidden field; the API
of a later issue carries it as the ETag and reads it back from ``If-Match``). The
service, inside its transaction and after ``select_for_update``, calls
:func:`check_version`; when someone saved the record in between it raises
:class:`StaleObjectError`, which says — from the record's history — who saved, when,
and field by field what they changed against what this person typed. Nothing is
written, and the page shows the form again with the person's input kept.

``expected_version`` is ``None`` when the caller does not know it (a command, an
import: no check), ``0`` when the caller saw no record yet (two people entering the same
month's report: the second is told the first already did).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

# Columns every record has that are not the content a person edits.
IGNORED_FIELDS = ("id", "created_at", "updated_at", "version")


@dataclass
class FieldChange:
    """One field another person changed since this person opened the form."""

    name: str
    label: str
    before: str  # the value when this person opened the form ("" when unknown)
    theirs: str  # the value saved by the other person (now stored)
    yours: str | None  # the value this person typed (None: not part of their form)

    @property
    def clashes(self) -> bool:
        return self.yours is not None and self.yours != self.theirs


@dataclass
class Save:
    """One save made since this person opened the form."""

    user: str
    when: object
    version: int
    reason: str


class StaleObjectError(ValidationError):
    """The record changed since the person opened it; their save is refused.

    ``instance`` is the stored record (locked), ``expected_version`` the version the
    person's form was opened at, ``current_version`` the stored one (``0`` when the record
    is gone), ``saves`` who saved since and ``changes`` what they changed.
    """

    def __init__(
        self, *, instance, model, expected_version: int, attempted: dict | None, flow: bool
    ):
        self.instance = instance
        self.model = model
        self.expected_version = expected_version
        self.current_version = instance.version if instance is not None else 0
        self.saves = _saves_since(instance, expected_version)
        self.changes = _changes_since(instance, expected_version, attempted or {})
        super().__init__(self._message(flow), code="stale")

    def _message(self, flow: bool) -> str:
        name = str(self.model._meta.verbose_name)
        if self.instance is None:
            return f"该{name}已被他人删除，您的操作未执行。"
        last = self.saves[-1] if self.saves else None
        who = f"{last.user} 于 {timezone.localtime(last.when):%Y-%m-%d %H:%M}" if last else "他人"
        if flow:
            done = f"{who} {last.reason}" if last and last.reason else f"{who} 已修改"
            state = ""
            if hasattr(self.instance, "get_status_display"):
                state = f"，当前状态为“{self.instance.get_status_display()}”"
            return f"该{name}已被他人处理：{done}{state}。您的操作未执行，请刷新页面后再操作。"
        why = f"（{last.reason}）" if last and last.reason else ""
        return (
            f"保存未成功：您打开此页面后，{who}保存了该{name}{why}"
            f"，现为第 {self.current_version} 版。下表列出对方修改的内容；"
            "您填写的内容仍在表单中，核对后再次保存即以您的内容为准。"
        )


def check_version(
    instance, expected_version, *, model=None, attempted: dict | None = None, flow=False
):
    """Refuse the save when ``instance`` (locked, or ``None`` when there is no record)
    is not at ``expected_version``. ``attempted`` is the data the person submitted, to
    show beside the other person's values; ``flow`` words the message for a step of a
    flow (approve, accept …) rather than an edit."""
    if expected_version in (None, ""):
        return
    expected = int(expected_version)
    current = instance.version if instance is not None else 0
    if current != expected:
        raise StaleObjectError(
            instance=instance,
            model=model or type(instance),
            expected_version=expected,
            attempted=attempted,
            flow=flow,
        )


def _history_since(instance, version: int):
    return instance.history.filter(version__gt=version).select_related("history_user")


def _saves_since(instance, version: int) -> list[Save]:
    if instance is None:
        return []
    rows = _history_since(instance, version).order_by("history_date", "history_id")
    return [
        Save(
            user=_person(row.history_user),
            when=row.history_date,
            version=row.version,
            reason=getattr(row, "history_reason_text", "") or row.history_change_reason or "",
        )
        for row in rows
    ]


def _person(user) -> str:
    if user is None:
        return "系统"
    return getattr(user, "full_name", "") or user.get_username()


def _changes_since(instance, version: int, attempted: dict) -> list[FieldChange]:
    """Fields whose stored value differs from the one at ``version`` (when history holds
    it), else from what the person typed."""
    if instance is None:
        return []
    base = (
        instance.history.filter(version=version).order_by("-history_date", "-history_id").first()
        if version
        else None
    )
    changes = []
    for field in type(instance)._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        theirs = getattr(instance, field.attname)
        if base is not None:
            before = getattr(base, field.attname, None)
            if _same(before, theirs):
                continue
        else:
            if field.name not in attempted or _same(_raw(field, attempted[field.name]), theirs):
                continue
            before = None
        yours = (
            _show(field, _raw(field, attempted[field.name])) if field.name in attempted else None
        )
        changes.append(
            FieldChange(
                name=field.name,
                label=str(field.verbose_name),
                before=_show(field, before) if base is not None else "",
                theirs=_show(field, theirs),
                yours=yours,
            )
        )
    return changes


def _raw(field, value):
    """A submitted value as the column holds it (a related object as its key)."""
    if field.is_relation and value is not None and hasattr(value, "pk"):
        return value.pk
    return value


def _same(a, b) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    return a == b


def _show(field, value) -> str:
    if value in (None, ""):
        return "（空）"
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
