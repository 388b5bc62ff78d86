"""``manage.py audit_verify``: walk the audit trail's hash chain; exit 1 at the first break."""

from django.core.management.base import BaseCommand, CommandError

from ballast.audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的哈希链：逐条重算哈希并核对前后相连，发现第一处断裂即报告并以 1 退出。"

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"审计日志链在第 {broken.seq} 条记录处断裂：{broken.problem}。"
                f"此前 {checked} 条记录校验通过。",
                returncode=1,
            )
        self.stdout.write(f"审计日志链完整：{checked} 条记录校验通过。")
