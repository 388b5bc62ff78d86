"""``python manage.py load_demo``: build (or check, or list the logins of) the demo city."""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ballast.accounts.models import User
from ballast.core.db import refresh_statistics
from ballast.demo import services


def system_today() -> date:
    """The only place the demo reads the clock: the default of ``--today``."""
    return timezone.localdate()


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD。") from exc


class Command(BaseCommand):
    help = "构建确定性的扬州演示城市（约 600 个项目、各角色用户、计划、月报、预警案例）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=services.DEFAULT_SEED, help="随机种子")
        parser.add_argument(
            "--password", default=services.DEFAULT_PASSWORD, help="所有演示用户的密码"
        )
        parser.add_argument("--today", help="基准日 YYYY-MM-DD（默认：系统当天）")
        parser.add_argument("--reset", action="store_true", help="先清空已有演示数据再构建")
        parser.add_argument(
            "--check", action="store_true", help="只检查：已加载退出码 0，否则 1，不写入"
        )
        parser.add_argument("--logins", action="store_true", help="只打印演示登录账号表")

    def handle(self, *args, seed, password, today, reset, check, logins, **options):
        if check:
            sys.exit(0 if services.demo_loaded() else 1)
        if logins:
            self.print_logins(password)
            return
        day = _parse_day(today) if today else system_today()
        if not reset and services.demo_loaded():
            self.stdout.write("演示城市已加载（如需重建请加 --reset）。")
            return
        try:
            # one transaction: a failed rebuild leaves the old demo in place
            with transaction.atomic():
                if reset:
                    services.reset_demo()
                summary = services.build_demo(seed=seed, password=password, today=day)
            refresh_statistics()
        except services.NotADemoDatabase as exc:
            raise CommandError(str(exc)) from exc
        except IntegrityError as exc:
            raise CommandError(
                "数据库中已有同名的演示用户、部门或项目代码，请在空库上构建，或在演示库上使用 --reset。"
            ) from exc
        counts = summary.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"演示城市已构建：seed={seed}，基准日 {day}；项目 {counts.get('project', 0)} 个，"
                f"阶段节点 {counts.get('stageevent', 0)} 条，年度计划 {counts.get('annualplan', 0)} 条，"
                f"月报 {counts.get('monthlyreport', 0)} 条，用户 {counts.get('user', 0)} 个。"
            )
        )
        self.print_logins(password, known=True)

    def print_logins(self, password: str, known: bool = False):
        """The login table; the password is shown only if it is the demo users' one."""
        rows = services.demo_logins()
        if not rows:
            self.stdout.write("尚无演示用户（先运行 load_demo）。")
            return
        if not known:
            admin = User.objects.filter(username="city_admin").first()
            known = bool(admin and admin.check_password(password))
        shown = password if known else "（构建时设定的密码）"
        width = max(len(r[0]) for r in rows)
        self.stdout.write(f"{'用户名'.ljust(width)}  角色        所属              密码")
        for username, role, scope in rows:
            self.stdout.write(
                f"{username.ljust(width)}  {role.ljust(6, '　')}  {scope.ljust(12, '　')}  {shown}"
            )
