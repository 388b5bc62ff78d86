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

from ballast.assessments import services as assessment_services
from ballast.core.history import acting
from ballast.imports.ledger import plan_ledger_import
from ballast.imports.mujun import plan_mujun_import
from ballast.imports.plan import ImportPlan, ImportRejected, ImportResult, RowError
from ballast.imports.reports import plan_report_import
from ballast.imports.targets import plan_target_import
from ballast.projects import services as project_services
from ballast.projects.models import Project
from ballast.regions.models import Region
from ballast.reports import services as report_services

__all__ = [
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "apply_plan",
    "plan_ledger_import",
    "plan_mujun_import",
    "plan_report_import",
    "plan_target_import",
]


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "；".join(m for messages in exc.message_dict.values() for m in messages)
        return "；".join(exc.messages)
    return str(exc)


def apply_plan(plan: ImportPlan, *, user, progress=None, bulk: bool = True) -> ImportResult:
    """Carry out a valid plan as ``user`` in one transaction; all rows or none.

    ``progress``, when given, is called as ``progress(done, total)`` after each row (the
    web import's background jobs report it; the bulk path reports after each step).

    A ledger or a report file is written through the services' bulk forms (``bulk``, the
    default): the same rules checked set-wise, bulk writes, the same data and history as
    one service call per operation (``bulk=False``;
    ``tests/test_import_bulk_path_is_identical.py``).
    Should the bulk path refuse the file, it is rolled back and the file is applied one
    operation at a time, which names the refused row."""
    if not plan.is_valid:
        raise ImportRejected(plan.errors)
    if plan.user_id != user.pk:
        raise PermissionDenied("导入计划须由生成它的用户执行。")
    if bulk and plan.kind in ("ledger", "reports"):
        apply_bulk = _apply_ledger_bulk if plan.kind == "ledger" else _apply_reports_bulk
        try:
            with transaction.atomic(), acting(user, source="import", reason=plan.reason):
                return apply_bulk(plan, user=user, progress=progress)
        except (ValidationError, PermissionDenied, Project.DoesNotExist):
            pass  # rolled back: the one-at-a-time path below names the row
    result = ImportResult()
    with transaction.atomic(), acting(user, source="import", reason=plan.reason):
        created_by_row: dict[int, Project] = {}
        for row in plan.rows:
            try:
                if plan.kind == "ledger":
                    _apply_ledger_row(row, user=user, created_by_row=created_by_row)
                elif plan.kind == "mujun":
                    _apply_mujun_row(row, user=user)
                elif plan.kind == "targets":
                    _apply_target_row(row, user=user)
                else:
                    _apply_report_row(row, user=user, reason=plan.reason)
            except (ValidationError, PermissionDenied) as exc:
                raise ImportRejected([RowError(row.row, "", _message(exc))]) from exc
            done = result.count(row)
            if progress is not None:
                progress(done, len(plan.rows))
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


def _apply_mujun_row(row, *, user) -> None:
    for _kind, project_id, year, data in row.ops:
        project = Project.objects.select_related("unit").get(pk=project_id)
        assessment_services.efficiency_record_save(user=user, project=project, year=year, data=data)


def _apply_target_row(row, *, user) -> None:
    units = {u.pk: u for u in Region.objects.filter(pk__in={op[1] for op in row.ops})}
    for _kind, unit_id, period, indicator, value in row.ops:
        project_services.target_set(
            user=user, unit=units[unit_id], period=period, indicator=indicator, value=value
        )


def _apply_report_row(row, *, user, reason: str) -> None:
    for op in row.ops:
        _kind, project_id, month, data = op
        project = Project.objects.select_related("unit").get(pk=project_id)
        report_services.report_record_accepted(
            user=user, project=project, month=month, data=data, reason=reason
        )


# Rows written per round of bulk writes: progress is reported after each round.
BULK_ROWS = 1000


def _apply_ledger_bulk(plan: ImportPlan, *, user, progress=None) -> ImportResult:
    """The ledger's operations, a round of ``BULK_ROWS`` rows at a time, grouped by kind
    and written through the services' bulk forms in an order that keeps each project's
    own order (create or update, stages, status, plan): the same result as applying the
    rows one by one."""
    created_by_row: dict[int, Project] = {}
    # New projects kept past their round: those a later row names as its parent.
    parents = {
        op[1]["parent"][1]
        for row in plan.rows
        for op in row.ops
        if op[0] in ("create", "update") and isinstance(op[1].get("parent"), tuple)
    }
    result = ImportResult()
    for start in range(0, len(plan.rows), BULK_ROWS):
        rows = plan.rows[start : start + BULK_ROWS]
        _apply_ledger_rows(rows, user=user, created_by_row=created_by_row)
        for row in rows:
            if row.row not in parents:
                created_by_row.pop(row.row, None)
        for row in rows:
            done = result.count(row)
            if progress is not None:
                progress(done, len(plan.rows))
    return result


def _apply_ledger_rows(rows, *, user, created_by_row: dict[int, Project]) -> None:
    project_of: dict[int, Project] = {}  # row → its project (created, or a stand-in)
    held: dict[int, Project] = {}  # projects created or updated here, as saved
    for row in rows:
        if row.project_id:
            project_of[row.row] = Project(pk=row.project_id)

    def resolved(data: dict) -> dict:
        data = dict(data)
        if isinstance(data.get("parent"), tuple):
            data["parent"] = created_by_row[data["parent"][1]]
        return data

    # New projects, in waves: a new phase after the new project it belongs to.
    pending = [(row, op[1]) for row in rows for op in row.ops if op[0] == "create"]
    while pending:
        ready, later = [], []
        for row, data in pending:
            parent = data.get("parent")
            waiting = isinstance(parent, tuple) and parent[1] not in created_by_row
            (later if waiting else ready).append((row, data))
        if not ready:  # pragma: no cover - the planner orders parents first
            raise ValueError("import plan: a new project's parent is never created")
        created = project_services.project_create_bulk(
            user=user, datas=[resolved(data) for _row, data in ready]
        )
        for (row, _data), project in zip(ready, created, strict=True):
            created_by_row[row.row] = project_of[row.row] = held[project.pk] = project
        pending = later
    updates = [
        (project_of[row.row], resolved(op[1]))
        for row in rows
        for op in row.ops
        if op[0] == "update"
    ]
    if updates:
        for project in project_services.project_update_bulk(user=user, changes=updates):
            held[project.pk] = project
    stages = [
        (project_of[row.row], op[1], op[2], op[3])
        for row in rows
        for op in row.ops
        if op[0] == "stage"
    ]
    if stages:
        project_services.stage_record_bulk(user=user, records=stages, held=held)
    # Status changes are few: one service call each, after the row's stages as before.
    for row in rows:
        for op in row.ops:
            if op[0] in ("suspend", "resume", "terminate"):
                _apply_status(op, user=user, project=project_of[row.row])
                held.pop(project_of[row.row].pk, None)  # saved anew by the service
    plans = [
        (project_of[row.row], op[1], op[2]) for row in rows for op in row.ops if op[0] == "plan"
    ]
    if plans:
        project_services.plan_save_bulk(user=user, plans=plans, held=held)


def _apply_status(op, *, user, project) -> None:
    kind = op[0]
    if kind == "suspend":
        _kind, suspension_kind, reason, on, note = op
        project_services.project_suspend(
            user=user, project=project, kind=suspension_kind, reason=reason, on=on, note=note
        )
    elif kind == "resume":
        project_services.project_resume(user=user, project=project, on=op[1], note=op[2])
    else:
        _kind, on, reason, note = op
        project_services.project_terminate(
            user=user, project=project, on=on, reason=reason, note=note
        )


def _apply_reports_bulk(plan: ImportPlan, *, user, progress=None) -> ImportResult:
    """The report file's operations, a round of ``BULK_ROWS`` rows at a time, through
    :func:`report_services.report_record_accepted_bulk` in the rows' order: the same
    result as recording them one by one."""
    result = ImportResult()
    for start in range(0, len(plan.rows), BULK_ROWS):
        rows = plan.rows[start : start + BULK_ROWS]
        ops = [op for row in rows for op in row.ops]
        projects = {}
        ids = sorted({project_id for _kind, project_id, _month, _data in ops})
        for chunk in range(0, len(ids), 500):
            projects.update(
                Project.objects.select_related("unit").in_bulk(ids[chunk : chunk + 500])
            )
        if len(projects) != len(ids):
            raise Project.DoesNotExist("项目不存在。")
        records = [(projects[project_id], month, data) for _k, project_id, month, data in ops]
        if records:
            report_services.report_record_accepted_bulk(
                user=user, records=records, reason=plan.reason
            )
        for row in rows:
            done = result.count(row)
            if progress is not None:
                progress(done, len(plan.rows))
    return result
