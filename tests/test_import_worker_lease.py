"""A background import whose worker dies (the server killed mid-apply) is not stuck
"导入中" forever: the worker holds a lease it renews while it applies; a job whose lease
ran out is taken over by the queue's next run of ``imports.apply_job`` (procrastinate
queues it again when its worker stops sending heartbeats; tests/test_task_queue_worker_killed.py
kills a real worker) or, once it has been started too often (or, in the embedded mode, when
its user opens it), marked 导入中断 with a working "重新导入". The apply is one
transaction, so the dead worker left nothing behind; a live lease is never taken."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ballast.imports import jobs
from ballast.imports.models import ImportJob
from ballast.imports.tasks import LeaseHeld, apply_job
from ballast.projects.models import Project
from tests.test_web_import import last_job, upload, workbook_bytes

ROWS = 600


class WorkerKilled(BaseException):
    """Stands for the process being killed: nothing in the worker catches it."""


@pytest.fixture
def clerk_a(client, people):
    client.force_login(people["clerk_a"])
    return client


@pytest.fixture
def queued_job(clerk_a, unit_a, settings):
    """A 600-row ledger upload of unit A, previewed and handed to the background worker."""
    settings.IMPORT_BACKGROUND_ROWS = 500
    settings.IMPORT_PROGRESS_EVERY = 100
    rows = [["项目名称", "所属板块", "总投资（万元）"]] + [
        [f"中断项目{i:03d}", "仪征", 100 + i] for i in range(1, ROWS + 1)
    ]
    upload(clerk_a, workbook_bytes(rows))
    job = last_job()
    assert job.total_rows == ROWS and job.may_apply
    clerk_a.post(f"/imports/{job.pk}/apply/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PLANNED and job.apply_requested_at is not None
    return job


def die_at(monkeypatch, row):
    """Make the worker die after applying ``row`` rows (inside its transaction)."""
    real = jobs._Progress.__call__

    def dying(self, done, total):
        real(self, done, total)
        if done == row:
            raise WorkerKilled

    monkeypatch.setattr(jobs._Progress, "__call__", dying)
    return real


def imported():
    return Project.objects.filter(name__startswith="中断项目")


def expire(job):
    ImportJob.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    jobs.cache.delete(jobs.heartbeat_key(job.pk))  # the dead worker's heartbeat is gone


def run_worker(job):
    """The queue's worker runs the job's task (as after the request, or a retry)."""
    apply_job(job_id=job.pk)


def test_a_dead_worker_leaves_nothing_written_and_its_lease_behind(queued_job, monkeypatch):
    die_at(monkeypatch, 300)
    with pytest.raises(WorkerKilled):
        jobs.run_job(queued_job.pk)
    queued_job.refresh_from_db()
    assert queued_job.status == ImportJob.Status.APPLYING
    assert queued_job.lease_owner and queued_job.lease_expires_at > timezone.now()
    assert queued_job.attempts == 1
    # all or nothing: the 300 rows applied before the death were rolled back
    assert imported().count() == 0
    assert Project.history.filter(name__startswith="中断项目").count() == 0


def test_next_worker_run_resumes_the_job_whose_lease_expired(queued_job, monkeypatch):
    real = die_at(monkeypatch, 300)
    with pytest.raises(WorkerKilled):
        jobs.run_job(queued_job.pk)
    monkeypatch.setattr(jobs._Progress, "__call__", real)

    # While the lease is live, the task's next run leaves the job alone and asks the
    # queue to try again later.
    with pytest.raises(LeaseHeld):
        run_worker(queued_job)
    queued_job.refresh_from_db()
    assert queued_job.status == ImportJob.Status.APPLYING and imported().count() == 0

    expire(queued_job)
    run_worker(queued_job)
    queued_job.refresh_from_db()
    assert queued_job.status == ImportJob.Status.APPLIED
    assert queued_job.attempts == 2
    assert queued_job.result == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert queued_job.lease_owner == "" and queued_job.lease_expires_at is None
    assert imported().count() == ROWS
    # each project was written once: one creation in its history, no duplicates
    assert Project.history.filter(name__startswith="中断项目", history_type="+").count() == ROWS


def test_a_job_that_keeps_killing_its_worker_is_interrupted_and_applies_again(
    queued_job, clerk_a, monkeypatch, settings
):
    settings.IMPORT_MAX_ATTEMPTS = 2
    real = die_at(monkeypatch, 300)
    for hours in (0, 1):
        with pytest.raises(WorkerKilled):
            jobs.run_job(queued_job.pk, now=timezone.now() + timedelta(hours=hours))
        queued_job.refresh_from_db()
    assert queued_job.attempts == 2
    monkeypatch.setattr(jobs._Progress, "__call__", real)
    expire(queued_job)

    run_worker(queued_job)  # started too often: no retry, interrupted
    queued_job.refresh_from_db()
    assert queued_job.status == ImportJob.Status.INTERRUPTED
    assert queued_job.get_status_display() == "导入中断"
    assert queued_job.interrupted_at is not None and queued_job.apply_requested_at is None
    assert imported().count() == 0

    page = clerk_a.get(f"/imports/{queued_job.pk}/").content.decode()
    assert "导入中断" in page
    assert "没有写入任何数据" in page and "请点击“重新导入”再次执行" in page
    assert "重新导入（后台执行）" in page and "正在导入" not in page
    assert clerk_a.get(f"/imports/{queued_job.pk}/progress/").json()["finished"] is True

    # 重新导入 works: queued again, the worker applies it in full.
    response = clerk_a.post(f"/imports/{queued_job.pk}/apply/")
    assert response.status_code == 302
    queued_job.refresh_from_db()
    assert queued_job.status == ImportJob.Status.PLANNED
    assert "正在导入" in clerk_a.get(f"/imports/{queued_job.pk}/").content.decode()
    run_worker(queued_job)
    queued_job.refresh_from_db()
    assert queued_job.status == ImportJob.Status.APPLIED
    assert imported().count() == ROWS


def test_the_job_page_shows_a_dead_workers_job_as_interrupted(
    clerk_a, unit_a, settings, monkeypatch
):
    """The embedded mode has no queue worker to take the job over: the user opening the
    job is told at once. (With workers, the queue takes it over: see above.)"""
    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.TASK_QUEUE = "immediate"
    rows = [["项目名称", "所属板块", "总投资（万元）"]] + [
        [f"中断项目{i}", "仪征", 100 + i] for i in range(1, 6)
    ]
    upload(clerk_a, workbook_bytes(rows))
    job = last_job()
    clerk_a.post(f"/imports/{job.pk}/apply/")
    real = die_at(monkeypatch, 3)
    with pytest.raises(WorkerKilled):
        jobs.run_job(job.pk)
    monkeypatch.setattr(jobs._Progress, "__call__", real)

    page = clerk_a.get(f"/imports/{job.pk}/").content.decode()
    assert "导入中" in page and "正在导入" in page and "重新导入" not in page  # lease live
    expire(job)
    page = clerk_a.get(f"/imports/{job.pk}/").content.decode()
    assert "导入中断" in page and "重新导入" in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INTERRUPTED

    settings.IMPORT_BACKGROUND_ROWS = 500  # now small enough to run in the request
    response = clerk_a.post(f"/imports/{job.pk}/apply/", follow=True)
    assert "导入完成：新增 5" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED and imported().count() == 5


def test_a_second_worker_never_takes_a_live_lease(queued_job):
    token = jobs.claim_job(queued_job.pk)
    assert token
    queued_job.refresh_from_db()
    assert queued_job.status == ImportJob.Status.APPLYING
    assert queued_job.lease_owner == token
    # another worker: nothing to claim, nothing pending, nothing to interrupt
    assert jobs.claim_job(queued_job.pk) is None
    assert jobs.run_job(queued_job.pk) is None
    assert queued_job.pk not in jobs.pending_jobs().values_list("pk", flat=True)
    assert jobs.interrupt_expired() == []
    # SQLite cannot renew the lease in the database while the apply's transaction is
    # open; a heartbeat seen in this process (the embedded worker thread) keeps it live
    ImportJob.objects.filter(pk=queued_job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    jobs.cache.set(jobs.heartbeat_key(queued_job.pk), token, 60)
    assert jobs.interrupt_expired() == []
    jobs.cache.delete(jobs.heartbeat_key(queued_job.pk))
    ImportJob.objects.filter(pk=queued_job.pk).update(
        lease_expires_at=timezone.now() + timedelta(seconds=jobs.lease_seconds())
    )
    # once the lease has run out, one (and only one) other worker takes it
    later = timezone.now() + timedelta(seconds=jobs.lease_seconds() + 1)
    other = jobs.claim_job(queued_job.pk, now=later)
    assert other and other != token
    assert jobs.claim_job(queued_job.pk, now=later) is None
    queued_job.refresh_from_db()
    assert queued_job.lease_owner == other and queued_job.attempts == 2


def test_a_worker_whose_lease_was_taken_over_rolls_back(queued_job, monkeypatch):
    """A stalled worker whose lease another worker took must not also apply its rows."""
    real = jobs._Progress.__call__

    def taken_over(self, done, total):
        real(self, done, total)
        if done == 10:
            ImportJob.objects.filter(pk=self.job_id).update(lease_owner="another-worker")

    monkeypatch.setattr(jobs._Progress, "__call__", taken_over)
    assert jobs.run_job(queued_job.pk) is None
    assert imported().count() == 0
    queued_job.refresh_from_db()
    # not "已导入" by the stalled worker: the job is the other worker's to finish
    assert queued_job.status == ImportJob.Status.APPLYING


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_only_its_own_lease(people, unit_a, settings):
    """Outside a transaction (as the worker command runs) the heartbeat writes the lease
    to the database: PostgreSQL through the side connection, SQLite directly."""
    settings.IMPORT_LEASE_SECONDS = 120
    job = ImportJob.objects.create(
        user=people["clerk_a"],
        city=unit_a.parent,
        kind=ImportJob.Kind.LEDGER,
        filename="台账.xlsx",
        status=ImportJob.Status.PLANNED,
        total_rows=1,
        apply_requested_at=timezone.now(),
    )
    token = jobs.claim_job(job.pk)
    past = timezone.now() - timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(lease_expires_at=past)
    progress = jobs._Progress(job.pk, token)
    try:
        progress.lease.beat(force=True)
        job.refresh_from_db()
        assert job.lease_expires_at > timezone.now() + timedelta(seconds=100)
        assert jobs.cache.get(jobs.heartbeat_key(job.pk)) == token

        stranger = jobs._Lease(job.pk, "not-the-owner", progress.side)
        ImportJob.objects.filter(pk=job.pk).update(lease_expires_at=past)
        stranger.beat(force=True)
        job.refresh_from_db()
        assert job.lease_expires_at == past
    finally:
        progress.close()
    assert jobs.cache.get(jobs.heartbeat_key(job.pk)) is None
