"""Data-entry rules of the lifecycle that need more than one field: decided here, called by
the services (every door — page, admin, import, command — passes through them) and by the
import planner, so a preview refuses what the write would refuse (docs/figures.md "录入规则").

Each rule raises a ``ValidationError`` keyed by the field it is about.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from ballast.core.validators import validate_not_future, validate_plausible_date
from ballast.projects.choices import Stage


def check_happened(field: str, on: date | None, *, today: date, what: str) -> None:
    """A date of something that has happened (stage reached, works stopped or resumed,
    project terminated, node done): a real date of 1990–2100, not after ``today``."""
    try:
        validate_plausible_date(on)
        validate_not_future(on, today=today, what=what)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def check_stage_date(stage: str, on: date, *, today: date) -> None:
    """The day a stage was reached: it has happened, so not in the future."""
    check_happened("date", on, today=today, what=f"“{Stage(stage).label}”日期")


def correction_reason(stage: str, old: date | None, new: date, reason: str) -> str | None:
    """The history reason of recording ``stage`` on ``new``.

    A first record needs none. Changing an already recorded date is a correction
    (更正): it must say why, and the history keeps the old and the new date with it.
    """
    reason = (reason or "").strip()
    if old is None or old == new:
        return reason or None
    label = Stage(stage).label
    if not reason:
        raise ValidationError(
            {
                "reason": f"“{label}”已记录为 {old}，改为 {new} 属于更正，须填写更正原因。",
            },
            code="stage_correction_reason",
        )
    return f"更正“{label}”日期 {old} → {new}：{reason}"
