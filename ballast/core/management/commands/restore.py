"""Restore a backup made by ``manage.py backup`` into an empty database (恢复).

    python manage.py restore ARCHIVE [--force]

Checks the manifest, the checksum of every part, the engine and that the backup's
migrations are not newer than the code before writing anything; refuses a database or
media directory that is not empty unless ``--force``. See docs/backup.md.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ballast.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份归档恢复数据库与上传文件（默认只恢复到空数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup 生成的归档文件")
        parser.add_argument(
            "--force", action="store_true", help="覆盖非空的数据库与上传文件目录（慎用）"
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, archive, force=False, database="default", **options):
        try:
            result = restore_backup(
                archive=Path(archive),
                media_root=Path(settings.MEDIA_ROOT),
                using=database,
                force=force,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"恢复完成：{manifest['created_at']} 的备份（Ballast {manifest['ballast_version']}，"
            f"{manifest['engine']}），上传文件 {result.media_files} 个。"
        )
        if result.pending_migrations:
            self.stdout.write(
                f"备份之后程序又有 {len(result.pending_migrations)} 个数据库迁移，"
                "请执行 python manage.py migrate 升级数据库。"
            )
