"""``python manage.py send_notifications [--now 2023-03-08T09:00:00+08:00]``

Escalates issues by the city rules, writes the time notices (near/past deadline, report
returned), the weekly digest, and sends every notification due by e-mail or messenger. Safe to run from cron
on several machines at once: notices are deduplicated by a unique key and each e-mail is
claimed atomically before it is sent.
"""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ballast.coordination import notifications
from ballast.core.history import acting


def now_at_the_edge() -> datetime:
    """The default moment: the current time (only at this edge)."""
    return timezone.now()


def _parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"时间“{text}”格式不正确，应为 ISO 格式，如 2023-03-08T09:00:00+08:00。"
        ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "问题升级、到期提醒、月报退回提醒、每周摘要，并发送通知邮件和即时通讯（可多机并发运行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="当前时间 ISO 格式（默认现在），用于补跑或测试")

    def handle(self, *args, **options):
        now = _parse_moment(options["now"]) if options["now"] else now_at_the_edge()
        with acting(reason="定时通知", source="command"):
            result = notifications.run(now=now)
        self.stdout.write(
            "升级 {escalated} 个问题；到期提醒 {deadline} 条；月报退回 {report_returned} 条；红色预警 {red_warning} 条；"
            "每周摘要 {digest} 条；发送邮件 {emailed} 封；即时通讯 {messaged} 条。".format(**result)
        )
