"""Administrator accounts at the console (三权分立): the only door to them.

    manage.py admin_account create --role auditor --username audit1 --region 321000 \\
        --full-name 王审计 --reason "新任审计员"
    manage.py admin_account set-password --username audit1 --reason "遗忘密码"
    manage.py admin_account deactivate --username audit1 --reason "离任"
    manage.py admin_account activate --username audit1 --reason "复岗"
    manage.py admin_account reset-2fa --username audit1 --reason "更换手机"

The password is read from the terminal (twice), or from standard input when it is not a
terminal (one line), never from the command line. Every change is recorded in the
account's history (source "command", with the reason) and as a security event.
"""

from __future__ import annotations

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.accounts import services
from ballast.accounts.choices import Role
from ballast.accounts.models import User
from ballast.regions.models import Region

ACTIONS = ("create", "set-password", "deactivate", "activate", "reset-2fa")


class Command(BaseCommand):
    help = "在服务器控制台管理系统管理员、安全管理员、审计员等账户（记入审计日志）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", choices=[r.value for r in Role])
        parser.add_argument("--region", help="所属市/板块的行政区划代码（如 321000）")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--reason", required=True, help="原因（记入审计日志）")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "create":
                account = self._create(options)
            else:
                account = self._account(options["username"])
                if action == "set-password":
                    services.admin_account_set_password(
                        account=account, password=self._password(), reason=options["reason"]
                    )
                elif action == "reset-2fa":
                    services.admin_account_reset_2fa(account=account, reason=options["reason"])
                else:
                    services.admin_account_set_active(
                        account=account, active=action == "activate", reason=options["reason"]
                    )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{action}: {account.username} 完成。"))

    def _create(self, options) -> User:
        if not options["role"] or not options["region"]:
            raise CommandError("创建账户须指定 --role 和 --region。")
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有代码为 {options['region']} 的市或板块。")
        return services.admin_account_create(
            username=options["username"],
            role=options["role"],
            region=region,
            password=self._password(),
            full_name=options["full_name"],
            reason=options["reason"],
        )

    def _account(self, username: str) -> User:
        account = User.objects.filter(username=username).first()
        if account is None:
            raise CommandError(f"没有用户名为 {username} 的账户。")
        return account

    def _password(self) -> str:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("临时密码（首次登录须修改）: ")
            if getpass.getpass("再次输入: ") != password:
                raise CommandError("两次输入的密码不一致。")
        if not password:
            raise CommandError("密码不能为空。")
        return password
