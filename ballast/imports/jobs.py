"""Web import jobs: upload → plan (preview) → apply, small files in the request, large
ones as the task ``imports.apply_job`` of the task queue (``ballast.core.queue``: a
procrastinate worker in production, right after the commit in the embedded mode).

The reading, checking and writing are the import library's (``services.py``); this module
only keeps the upload, the preview and the progress, and runs the apply.
"""

from __future__ import annotations

import io
import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ballast.accounts import policy
from ballast.core import queue
from ballast.imports.columns import header_key
from ballast.imports.models import ImportFile, ImportJob
from ballast.imports.plan import ImportPlan, ImportRejected, RowError
from ballast.imports.reading import MAX_FILE_BYTES, FileRejected, _csv_grid
from ballast.imports.services import (
    apply_plan,
    plan_ledger_import,
    plan_mujun_import,
    plan_report_import,
    plan_target_import,
)
from ballast.projects.models import Project
from ballast.reports.models import MonthlyReport

logger = logging.getLogger(__name__)

# Files with more data rows than this are applied in the background.
BACKGROUND_ROWS = 500
# The progress counter is written every this many rows.
PROGRESS_EVERY = 50
# A worker's lease on a job lasts this long and is renewed by its heartbeat (at least
# every third of it while rows are applied); a job whose lease ran out lost its worker.
LEASE_SECONDS = 300
# A job whose worker died is run again by the queue (``imports.apply_job``) until it has
# been started this many times; then it is marked interrupted for its user to apply again.
MAX_ATTEMPTS = 3

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
ERROR_HEADER = "导入错误说明"

# The queue's task that applies a large file (ballast/imports/tasks.py).
APPLY_TASK = "imports.apply_job"

PLANNERS = {
    ImportJob.Kind.LEDGER: plan_ledger_import,
    ImportJob.Kind.REPORTS: plan_report_import,
    ImportJob.Kind.MUJUN: plan_mujun_import,
    ImportJob.Kind.TARGETS: plan_target_import,
}


class UploadRefused(Exception):
    """The upload as a whole cannot be imported; ``errors`` say why (nothing was stored)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def background_rows() -> int:
    return getattr(settings, "IMPORT_BACKGROUND_ROWS", BACKGROUND_ROWS)


def progress_every() -> int:
    return getattr(settings, "IMPORT_PROGRESS_EVERY", PROGRESS_EVERY)


def lease_seconds() -> int:
    return max(1, getattr(settings, "IMPORT_LEASE_SECONDS", LEASE_SECONDS))


def max_attempts() -> int:
    return max(1, getattr(settings, "IMPORT_MAX_ATTEMPTS", MAX_ATTEMPTS))


def may_import(user, kind: str) -> bool:
    """Whether ``user`` may start an import of ``kind`` (the library re-checks each row)."""

    if not policy.may(user, policy.ADD, ImportJob):
        return False
    if kind == ImportJob.Kind.TARGETS:
        return policy.may_do(user, "set_targets")
    if kind == ImportJob.Kind.REPORTS:
        return policy.may(user, policy.ADD, MonthlyReport) and policy.may(
            user, policy.ACCEPT, MonthlyReport
        )
    if kind == ImportJob.Kind.MUJUN:
        return policy.may_do(user, "enter_mujun")
    return policy.may(user, policy.ADD, Project) or policy.may(user, policy.CHANGE, Project)


def jobs_of(user):
    """The import jobs ``user`` may see: their own (the policy's owner-only scope)."""
    return ImportJob.objects.restrict(user)


def plan_bytes(kind: str, data: bytes, *, user, filename: str) -> ImportPlan:
    return PLANNERS[kind](io.BytesIO(data), user=user, filename=filename)


def preview_rows(plan: ImportPlan) -> list[dict]:
    """The plan's rows as JSON for the preview page."""
    return [
        {
            "row": row.row,
            "label": row.label,
            "action": row.action,
            "changes": [[c.column, str(c.old), str(c.new)] for c in row.changes],
            "errors": [[e.column, e.message] for e in row.errors],
        }
        for row in plan.rows
    ]


def _error_json(errors: list[RowError]) -> list[dict]:
    return [
        {"row": e.row, "column": e.column, "message": e.message, "text": str(e)} for e in errors
    ]


def create_job(*, user, kind: str, upload) -> ImportJob:
    """Read and check ``upload`` (a Django UploadedFile) as ``user`` and keep it with its
    preview. Raises :class:`UploadRefused` when the file as a whole is refused (too large,
    a zip bomb, not a workbook, no table): then nothing is stored."""
    if kind not in PLANNERS:
        raise UploadRefused(["未知的导入类型。"])
    if not may_import(user, kind):
        raise PermissionDenied("您没有导入该类数据的权限。")
    filename = (upload.name or "upload").rsplit("/", 1)[-1][:200]
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise UploadRefused(
            [
                f"文件大小 {upload.size / 1024 / 1024:.1f} MB 超过上限 "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后导入。"
            ]
        )
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(
            [f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限，请拆分后导入。"]
        )
    plan = plan_bytes(kind, data, user=user, filename=filename)
    if plan.file_errors and not plan.rows:
        raise UploadRefused([e.message for e in plan.file_errors])
    region = user.region
    if user.city_id_in_scope is None:
        raise UploadRefused(["您的账号没有所属的市或板块，不能导入。"])
    with transaction.atomic():
        job = ImportJob(
            user=user,
            city_id=user.city_id_in_scope,
            unit=region if region is not None and not user.is_city_level else None,
            kind=kind,
            filename=filename,
            file_size=len(data),
            status=ImportJob.Status.PLANNED,
            layout=plan.layout,
            sheet=plan.sheet[:64],
            total_rows=len(plan.rows),
            counts=plan.counts,
            warnings=plan.warnings,
            errors=_error_json(plan.errors),
            progress_total=len(plan.rows),
        )
        job.full_clean()
        job.save()
        policy.check(user, policy.ADD, job)
        ImportFile.objects.create(job=job, data=data, preview=preview_rows(plan))
    return job


def request_apply(*, user, job: ImportJob) -> bool:
    """Apply ``job`` now (small files, returns True when done in this request) or hand it
    to the worker (large files, returns False). The job must be the user's and valid."""
    if job.user_id != user.pk:
        raise PermissionDenied("导入须由上传文件的用户执行。")
    policy.check(user, policy.CHANGE, job)
    if settle_expired(job):
        job.refresh_from_db()
    # Applying again after a dead worker: back to the previewed state, then as usual (the
    # file is planned afresh before it is applied).
    if (
        job.status == ImportJob.Status.INTERRUPTED
        and job.may_apply
        and ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.INTERRUPTED).update(
            status=ImportJob.Status.PLANNED, apply_requested_at=None, progress_done=0
        )
    ):
        job.refresh_from_db()
    if not job.may_apply:
        raise ImportRejected([RowError(0, "", "该文件有错误或已处理，不能导入。")])
    if job.total_rows > background_rows():
        with transaction.atomic():
            updated = ImportJob.objects.filter(
                pk=job.pk, status=ImportJob.Status.PLANNED, apply_requested_at__isnull=True
            ).update(background=True, apply_requested_at=timezone.now())
            if updated:
                # In this transaction: the queue's job exists exactly when the job is handed
                # over (procrastinate writes it through the same connection).
                queue.defer(APPLY_TASK, job_id=job.pk)
        return False
    ImportJob.objects.filter(pk=job.pk).update(apply_requested_at=timezone.now())
    run_job(job.pk)
    return True


def pending_jobs(*, now=None):
    """Jobs waiting for a worker, oldest first: those handed to the queue, and those whose
    worker died (lease run out) that may be run again."""
    now = now or timezone.now()
    return ImportJob.objects.filter(
        Q(status=ImportJob.Status.PLANNED, apply_requested_at__isnull=False) | _resumable(now)
    ).order_by("apply_requested_at", "pk")


def _resumable(now) -> Q:
    return Q(
        status=ImportJob.Status.APPLYING,
        lease_expires_at__lt=now,
        attempts__lt=max_attempts(),
    )


def progress_key(job_id: int) -> str:
    return f"ballast:import-job:{job_id}:progress"


def heartbeat_key(job_id: int) -> str:
    return f"ballast:import-job:{job_id}:heartbeat"


INTERRUPTED_MESSAGE = (
    "上次导入在执行中中断（服务器重启或处理进程被终止），该次导入已整体撤销，"
    "没有写入任何数据。请点击“重新导入”再次执行。"
)


def interrupt_expired(
    *, now=None, job_id: int | None = None, only_exhausted: bool = False
) -> list[int]:
    """Mark the jobs "导入中" whose worker's lease ran out as interrupted (导入中断) and
    return their ids. The apply is one transaction, so a dead worker's rollback left
    nothing behind; its user is told on the job page to apply again. With
    ``only_exhausted`` (the queue's task) only the jobs already started
    :func:`max_attempts` times: the others it runs again.

    Each job is moved with an atomic ``filter(status=applying, lease expired).update()``:
    a live worker keeps renewing its lease, and its final write checks that it still
    holds it. A job whose heartbeat this process saw recently is left alone (SQLite
    cannot renew the lease in the database while the apply's transaction is open)."""
    now = now or timezone.now()
    expired = ImportJob.objects.filter(
        status=ImportJob.Status.APPLYING, lease_expires_at__lt=now
    ).order_by("pk")
    if job_id is not None:
        expired = expired.filter(pk=job_id)
    if only_exhausted:
        expired = expired.filter(attempts__gte=max_attempts())
    moved = []
    for pk, owner in list(expired.values_list("pk", "lease_owner")):
        if owner and cache.get(heartbeat_key(pk)) == owner:
            continue  # its worker is alive in this process
        try:
            updated = ImportJob.objects.filter(
                pk=pk,
                status=ImportJob.Status.APPLYING,
                lease_owner=owner,
                lease_expires_at__lt=now,
            ).update(
                status=ImportJob.Status.INTERRUPTED,
                lease_owner="",
                lease_expires_at=None,
                apply_requested_at=None,
                interrupted_at=now,
            )
        except OperationalError:
            # SQLite: a live worker holds the write lock, so this job is not dead.
            logger.warning("import job %s: lease expired but the database is busy", pk)
            continue
        if updated:
            logger.warning("import job %s: worker lease expired, marked interrupted", pk)
            moved.append(pk)
    return moved


def settle_expired(job: ImportJob, *, now=None) -> bool:
    """On a page or API read of ``job``: if its worker died (lease run out) and nothing
    will run it again — no queue worker (the embedded mode), or it was started
    :func:`max_attempts` times — mark it interrupted so its user can apply again. Returns
    True when it was marked (the caller reloads it). With a queue the task is queued again
    by the workers and takes the job over (``imports.apply_job``)."""
    now = now or timezone.now()
    if not job.lease_expired(now):
        return False
    exhausted_only = queue.backend() != queue.IMMEDIATE
    return bool(interrupt_expired(now=now, job_id=job.pk, only_exhausted=exhausted_only))


class _Lease:
    """The worker's hold on a job: renewed (at most every third of its length) while
    rows are applied. In the database through a separate connection where one can write
    beside the apply's transaction (PostgreSQL), and always in the cache."""

    def __init__(self, job_id: int, token: str, side=None):
        self.job_id = job_id
        self.token = token
        self.side = side
        self.seconds = lease_seconds()
        self.renewed = time.monotonic()
        cache.set(heartbeat_key(job_id), token, self.seconds)

    def beat(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self.renewed < self.seconds / 3:
            return
        self.renewed = time.monotonic()
        cache.set(heartbeat_key(self.job_id), self.token, self.seconds)
        expires = timezone.now() + timedelta(seconds=self.seconds)
        if self.side is None:
            if not connection.in_atomic_block:
                ImportJob.objects.filter(pk=self.job_id, lease_owner=self.token).update(
                    lease_expires_at=expires
                )
            return
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET lease_expires_at = %s "  # noqa: S608
                    "WHERE id = %s AND lease_owner = %s",
                    [expires, self.job_id, self.token],
                )
        except Exception:  # the lease is renewed again on the next beat
            logger.exception("import job %s: lease not renewed", self.job_id)

    def release(self) -> None:
        cache.delete(heartbeat_key(self.job_id))


class _Progress:
    """Reports applied rows every N rows. The apply runs in one transaction, so the count
    is written where a poller can see it before the commit: the cache (same process, the
    embedded mode) and, on PostgreSQL, the job row through a separate connection."""

    def __init__(self, job_id: int, token: str = ""):
        self.job_id = job_id
        self.every = max(1, progress_every())
        self.side = None
        # Only outside a transaction: inside one (a request applying a small file, a
        # test) the claimed job row is locked and a second connection would wait on it.
        if connection.vendor != "sqlite" and not connection.in_atomic_block:
            self.side = connections.create_connection("default")
        self.lease = _Lease(job_id, token, self.side) if token else None

    def __call__(self, done: int, total: int) -> None:
        if self.lease is not None:
            self.lease.beat()
        if done % self.every and done != total:
            return
        cache.set(progress_key(self.job_id), {"done": done, "total": total}, 3600)
        if self.side is not None:
            try:
                with self.side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {ImportJob._meta.db_table} SET progress_done = %s WHERE id = %s",  # noqa: S608
                        [done, self.job_id],
                    )
            except Exception:  # progress is advisory; never fail the import over it
                logger.exception("import job %s: progress not written", self.job_id)
                self.side = None

    def close(self) -> None:
        if self.lease is not None:
            self.lease.release()
        if self.side is not None:
            self.side.close()


def claim_job(job_id: int, *, now=None) -> str | None:
    """Take ``job_id`` for this worker: a job waiting for the worker, or one "导入中"
    whose worker's lease ran out (its apply rolled back when the worker died). One atomic
    ``filter(...).update(...)``, so a live lease is never taken and two workers never
    claim one job. Returns the lease token, or None when the job is not to be had."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = ImportJob.objects.filter(
        Q(status=ImportJob.Status.PLANNED, apply_requested_at__isnull=False) | _resumable(now),
        pk=job_id,
    ).update(
        status=ImportJob.Status.APPLYING,
        progress_done=0,
        lease_owner=token,
        lease_expires_at=now + timedelta(seconds=lease_seconds()),
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


def _finish(job_id: int, token: str, **fields) -> ImportJob | None:
    """Write the job's outcome if this worker still holds its lease (else None: another
    worker took it over and this worker's apply must not count)."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .filter(pk=job_id, status=ImportJob.Status.APPLYING, lease_owner=token)
            .first()
        )
        if job is None:
            return None
        for name, value in fields.items():
            setattr(job, name, value)
        job.finished_at = timezone.now()
        job.lease_owner = ""
        job.lease_expires_at = None
        job.save(
            update_fields=[
                *fields,
                "finished_at",
                "lease_owner",
                "lease_expires_at",
            ]
        )
        return job


class _LeaseLost(Exception):
    """The worker's lease was taken over while it applied: its transaction rolls back."""


def run_job(job_id: int, *, now=None) -> ImportJob | None:
    """Claim and apply one job (the worker). Returns the job, or None when another worker
    has it. The file is planned again, as its user, right before applying: if anything
    changed since the preview the job fails instead of importing something else.

    The rows and the job's "已导入" are written in one transaction: a worker that dies
    anywhere before its commit leaves no row written and the job "导入中" with a lease
    that runs out; the queue runs the task again (``imports.apply_job``), which takes the
    job over or, after :func:`max_attempts` starts, marks it interrupted."""
    token = claim_job(job_id, now=now)
    if token is None:
        return None
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    progress = _Progress(job.pk, token)
    errors: list[RowError] = []
    finished = None
    try:
        data = bytes(ImportFile.objects.get(job=job).data)
        plan = plan_bytes(job.kind, data, user=job.user, filename=job.filename)
        progress.lease.beat(force=True)
        if not plan.is_valid:
            errors = plan.errors
        elif plan.counts != job.counts:
            errors = [RowError(0, "", "预览之后数据已发生变化，请重新上传文件并预览后再导入。")]
        else:
            with transaction.atomic():
                applied = apply_plan(plan, user=job.user, progress=progress)
                finished = _finish(
                    job.pk,
                    token,
                    status=ImportJob.Status.APPLIED,
                    result={
                        "created": applied.created,
                        "updated": applied.updated,
                        "unchanged": applied.unchanged,
                    },
                    progress_done=job.total_rows,
                )
                if finished is None:
                    raise _LeaseLost
    except _LeaseLost:
        logger.error("import job %s: lease lost while applying; rolled back", job_id)
        return None
    except ImportRejected as exc:
        errors = exc.errors
    except (PermissionDenied, FileRejected) as exc:
        errors = [RowError(0, "", str(exc))]
    except Exception:
        logger.exception("import job %s failed", job_id)
        errors = [RowError(0, "", "导入时发生系统错误，没有写入任何数据，请联系管理员。")]
    finally:
        progress.close()
        cache.delete(progress_key(job.pk))
    if finished is not None:
        return finished
    return _finish(job.pk, token, status=ImportJob.Status.FAILED, errors=_error_json(errors))


def job_progress(job: ImportJob) -> dict:
    """What the progress endpoint reports."""
    done = job.progress_done
    if job.status == ImportJob.Status.APPLYING:
        cached = cache.get(progress_key(job.pk))
        if cached:
            done = max(done, cached["done"])
    total = job.progress_total or job.total_rows
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": done,
        "total": total,
        "percent": round(done * 100 / total) if total else 0,
        "finished": job.status
        in (ImportJob.Status.APPLIED, ImportJob.Status.FAILED, ImportJob.Status.INTERRUPTED),
        "result": job.result,
        "error_count": len(job.errors),
    }


# --- the annotated workbook ---------------------------------------------------------------


def _messages_by_row(errors: list[dict]) -> dict[int, list[dict]]:
    by_row: dict[int, list[dict]] = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(error)
    return by_row


def _row_text(errors: list[dict]) -> str:
    return "；".join((f"“{e['column']}”列：" if e["column"] else "") + e["message"] for e in errors)


def annotated_workbook(job: ImportJob) -> bytes:
    """The uploaded workbook with an error column: every row with errors gets its
    messages (in Chinese) in a red cell, and the cells of the named columns are filled
    red. A CSV upload comes back as an xlsx copy of its cells."""
    data = bytes(ImportFile.objects.get(job=job).data)
    by_row = _messages_by_row(job.errors)
    if job.is_csv:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (job.sheet or "数据")[:31]
        for cells in _csv_grid(data):
            sheet.append([_plain(cell.value) for cell in cells])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    else:
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook[job.sheet] if job.sheet in workbook.sheetnames else workbook.active
    data_rows = [r for r in by_row if r > 0]
    preview = ImportFile.objects.get(job=job).preview
    first = min([p["row"] for p in preview] + data_rows, default=2)
    header_row = max(1, first - 1)
    column = sheet.max_column + 1
    headers = _header_positions(sheet, header_row)
    head = sheet.cell(row=header_row, column=column, value=ERROR_HEADER)
    head.font = Font(bold=True, color="9C0006")
    head.fill = ERROR_FILL
    sheet.column_dimensions[get_column_letter(column)].width = 60
    for row, errors in sorted(by_row.items()):
        target = row if row > 0 else header_row
        cell = sheet.cell(row=target, column=column)
        text = _row_text(errors)
        cell.value = f"{ERROR_HEADER}（文件：{text}）" if row <= 0 else text
        cell.data_type = "s"
        cell.fill = ERROR_FILL
        cell.font = ERROR_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for error in errors:
            index = headers.get(header_key(error["column"])) if error["column"] else None
            if index and row > 0:
                sheet.cell(row=row, column=index).fill = ERROR_FILL
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _plain(value):
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        return "'" + value
    return value


def _header_positions(sheet, header_row: int) -> dict[str, int]:
    """Header text (as matched) → column index, from the header row and the one above
    (a two-row header's upper row, which may carry the merged label)."""
    found: dict[str, int] = {}
    for row in (header_row, header_row - 1):
        if row < 1:
            continue
        for cell in sheet[row]:
            if cell.value is not None and str(cell.value).strip():
                found.setdefault(header_key(str(cell.value)), cell.column)
    return found
