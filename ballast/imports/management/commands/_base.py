"""What the import commands share: choosing the acting user, printing a plan."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from ballast.accounts import policy
from ballast.imports.plan import ImportRejected
from ballast.imports.services import apply_plan


def default_import_user():
    """The first active superuser or city administrator (commands run by the city)."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | policy.holders("import_for_city"))
        .order_by("pk")
        .first()
    )


class ImportCommand(BaseCommand):
    planner = None  # set by subclasses: plan_ledger_import or plan_report_import

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx 或 csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发生的变化，不写入")
        parser.add_argument(
            "--user", help="以该用户名导入（默认：第一个有效的超级用户或市级管理员）"
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not os.path.exists(path):
            raise CommandError(f"文件“{path}”不存在。")
        user = self._user(options["user"])
        filename = os.path.basename(path)
        plan = type(self).planner(path, user=user, filename=filename)
        self.stdout.write(plan.summary())
        if not plan.is_valid:
            raise CommandError(
                f"导入未执行，没有写入任何数据。共 {len(plan.errors)} 处错误：\n{plan.error_listing()}"
            )
        if options["dry_run"]:
            self.stdout.write("试运行（--dry-run）：没有写入任何数据。")
            return
        try:
            result = apply_plan(plan, user=user)
        except ImportRejected as exc:
            raise CommandError(f"导入未执行，没有写入任何数据：\n{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增 {result.created}，修改 {result.updated}，无变化 {result.unchanged}。"
            )
        )

    def _user(self, username):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"没有名为“{username}”的有效用户。")
            return user
        user = default_import_user()
        if user is None:
            raise CommandError("没有可用的超级用户或市级管理员，请用 --user 指定导入用户。")
        return user
