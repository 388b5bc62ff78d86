"""The import library's public API, used by the commands and (later) the web import.

    plan = plan_ledger_import(file, user=user, filename="台账.xlsx")   # writes nothing
    plan = plan_report_import(file, user=user, filename="3月填报.xlsx")
    if plan.is_valid:
        result = apply_plan(plan, user=user)   # all or nothing, one transaction

``apply_plan`` writes through the project and report services (access re-checked, rules
enforced, history written with source ``import`` and reason ``导入 <filename>``). If any
write is refused it raises :class:`ImportRejected` and nothing is kept.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ballast.core.history import acting
from ballast.imports.ledger import plan_ledger_import
from ballast.imports.plan import ImportPlan, ImportRejected, ImportResult, RowError
from ballast.imports.reports import plan_report_import
from ballast.projects import services as project_services
from ballast.projects.models import Project
from ballast.reports import services as report_services

__all__ = [
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "apply_plan",
    "plan_ledger_import",
    "plan_report_import",
]


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "；".join(m for messages in exc.message_dict.values() for m in messages)
        return "；".join(exc.messages)
    return str(exc)


def apply_plan(plan: ImportPlan, *, user, progress=None) -> ImportResult:
    """Carry out a valid plan as ``user`` in one transaction; all rows or none.

    ``progress``, when given, is called as ``progress(done, total)`` after each row (the
    web import's background jobs report it)."""
    if not plan.is_valid:
        raise ImportRejected(plan.errors)
    if plan.user_id != user.pk:
        raise PermissionDenied("导入计划须由生成它的用户执行。")
    result = ImportResult()
    with transaction.atomic(), acting(user, source="import", reason=plan.reason):
        created_by_row: dict[int, Project] = {}
        for row in plan.rows:
            try:
                if plan.kind == "ledger":
                    _apply_ledger_row(row, user=user, created_by_row=created_by_row)
                else:
                    _apply_report_row(row, user=user, reason=plan.reason)
            except (ValidationError, PermissionDenied) as exc:
                raise ImportRejected([RowError(row.row, "", _message(exc))]) from exc
            if row.action == "create":
                result.created += 1
            elif row.action == "update":
                result.updated += 1
            else:
                result.unchanged += 1
            if progress is not None:
                progress(result.created + result.updated + result.unchanged, len(plan.rows))
    return result


def _apply_ledger_row(row, *, user, created_by_row) -> None:
    project = Project.objects.get(pk=row.project_id) if row.project_id else None
    for op in row.ops:
        kind = op[0]
        if kind in ("create", "update"):
            data = dict(op[1])
            if isinstance(data.get("parent"), tuple):
                data["parent"] = created_by_row[data["parent"][1]]
            if kind == "create":
                project = project_services.project_create(user=user, data=data)
                created_by_row[row.row] = project
            else:
                project = project_services.project_update(user=user, project=project, data=data)
        elif kind == "stage":
            project_services.stage_record(
                user=user, project=project, stage=op[1], on=op[2], reason=op[3]
            )
        elif kind == "suspend":
            _kind, suspension_kind, reason, on, note = op
            project_services.project_suspend(
                user=user, project=project, kind=suspension_kind, reason=reason, on=on, note=note
            )
        elif kind == "resume":
            project_services.project_resume(user=user, project=project, on=op[1], note=op[2])
        elif kind == "terminate":
            _kind, on, reason, note = op
            project_services.project_terminate(
                user=user, project=project, on=on, reason=reason, note=note
            )
        elif kind == "plan":
            project_services.plan_save(
                user=user, project=project, year=op[1], planned_investment=op[2]
            )
        else:  # pragma: no cover - plans are built by this package
            raise ValueError(f"unknown import operation {kind}")


def _apply_report_row(row, *, user, reason: str) -> None:
    for op in row.ops:
        _kind, project_id, month, data = op
        project = Project.objects.select_related("unit").get(pk=project_id)
        report_services.report_record_accepted(
            user=user, project=project, month=month, data=data, reason=reason
        )
