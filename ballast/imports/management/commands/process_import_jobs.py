"""Run the web import jobs waiting for the worker (production: from cron).

    python manage.py process_import_jobs [--limit N]

Each job is claimed atomically (planned → applying, with a lease the worker renews
while it applies), so two workers never run the same job. A job left "导入中" by a worker
that died (its lease ran out; its transaction rolled back, nothing was written) is run
again, up to ``IMPORT_MAX_ATTEMPTS`` starts; then it is marked 导入中断 and its user is
told on the job page to apply again. In the embedded mode the web process runs its jobs
itself in a daemon thread.
"""

from django.core.management.base import BaseCommand

from ballast.imports.jobs import interrupt_expired, pending_jobs, run_job


class Command(BaseCommand):
    help = "执行等待中的网页导入任务（生产环境由 cron 定时调用）。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=0, help="最多执行的任务数（0 为不限）")

    def handle(self, *args, limit: int = 0, **options):
        for job_id in interrupt_expired(only_exhausted=True):
            self.stdout.write(
                f"导入任务 {job_id}：处理进程多次中断，已标为导入中断，请用户重新导入。"
            )
        ran = 0
        for job_id in list(pending_jobs().values_list("pk", flat=True)):
            job = run_job(job_id)
            if job is None:
                continue  # another worker claimed it
            ran += 1
            self.stdout.write(f"导入任务 {job.pk}（{job.filename}）：{job.get_status_display()}")
            if limit and ran >= limit:
                break
        self.stdout.write(f"共执行 {ran} 个导入任务。")
