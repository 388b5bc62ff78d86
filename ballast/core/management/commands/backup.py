"""Back up the database and the uploaded files into one archive (备份).

    python manage.py backup [--out DIR_OR_FILE] [--keep N]

SQLite: the online backup API; PostgreSQL: ``pg_dump --format=custom`` (the pg_dump on
PATH must have the server's major version). The archive holds a manifest with the sha256
of every part; ``manage.py restore`` checks it. See docs/backup.md.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ballast.core.backup import BackupError, create_backup, prune_backups


class Command(BaseCommand):
    help = "备份数据库与上传文件到一个归档文件（含清单与校验值）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            help="备份目录或归档文件路径（默认为 BALLAST_VAR_DIR 下的 backups 目录）",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="备份到目录时只保留最新的 N 份，更早的删除（0 为全部保留）",
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, out=None, keep=0, database="default", **options):
        if keep < 0:
            raise CommandError("--keep 不能为负数。")
        target = Path(out) if out else Path(settings.VAR_DIR) / "backups"
        if not out:
            target.mkdir(parents=True, exist_ok=True)
        try:
            archive = create_backup(
                out=target,
                media_root=Path(settings.MEDIA_ROOT),
                now=timezone.localtime(),
                using=database,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = archive.stat().st_size
        self.stdout.write(f"备份完成：{archive}（{size / 1024 / 1024:.1f} MB）")
        if keep and target.is_dir():
            for old in prune_backups(target, keep=keep):
                self.stdout.write(f"已删除较早的备份：{old.name}")
