"""``manage.py audit_prune --before DATE``: remove trail records older than the retention
period (at least 180 days); anything younger is refused."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ballast.audit.services import RetentionError, prune, retention_days
from ballast.core.history import acting


class Command(BaseCommand):
    help = "清理早于指定日期的审计日志；保存期限（至少 180 天）内的记录一律拒绝清理。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="清理此日期（YYYY-MM-DD）之前的记录")
        parser.add_argument("--reason", default="", help="清理原因（记入审计日志）")

    def handle(self, *args, before, reason, **options):
        try:
            cutoff = date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD，而不是 {before!r}。") from exc
        try:
            with transaction.atomic(), acting(source="command"):
                removed = prune(before=cutoff, reason=reason)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已清理 {cutoff:%Y-%m-%d} 之前的审计日志 {removed} 条（保存期限 {retention_days()} 天）。"
        )
