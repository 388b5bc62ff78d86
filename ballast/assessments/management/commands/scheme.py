"""``python manage.py scheme import FILE.yaml [--city 321000] [--user NAME]``
``python manage.py scheme export SLUG [--city 321000] [--out FILE.yaml]``
``python manage.py scheme list [--city 321000]``
``python manage.py scheme defaults [--city 321000]``

Exchanges assessment schemes (考核方案) as YAML files (format: docs/assessments.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.assessments import services
from ballast.assessments.management.cli import city_from, user_from
from ballast.assessments.models import Scheme
from ballast.core.history import acting


class Command(BaseCommand):
    help = "考核方案的 YAML 导入、导出与列表。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("import", "export", "list", "defaults"))
        parser.add_argument("target", nargs="?", help="import：YAML 文件；export：方案代码或名称")
        parser.add_argument("--city", help="设区市代码（只有一个市时可省略）")
        parser.add_argument("--out", help="export 写入的文件（默认输出到屏幕）")
        parser.add_argument("--user", help="以该用户身份操作（检查其权限）；默认为系统")

    def handle(self, *args, action, target=None, **options):
        city = city_from(options["city"])
        user = user_from(options["user"])
        if action == "list":
            for scheme in Scheme.objects.filter(city=city).prefetch_related("indicators"):
                state = "" if scheme.active else "（停用）"
                self.stdout.write(
                    f"{scheme.slug}\t{scheme.name}\t{scheme.get_period_kind_display()}\t"
                    f"{len(scheme.indicators.all())} 项指标\t总分 {scheme.total_weight}{state}"
                )
            return
        try:
            with acting(user, source="command"):
                if action == "defaults":
                    for scheme in services.ensure_default_schemes(city, user=user):
                        self.stdout.write(f"{scheme.slug}\t{scheme.name}")
                    return
                if not target:
                    raise CommandError(
                        f"{action} 需要指定{'文件' if action == 'import' else '方案'}。"
                    )
                if action == "import":
                    self._import(city, user, target)
                else:
                    self._export(city, target, options["out"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    def _import(self, city, user, path):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法读取“{path}”：{exc.strerror}") from exc
        data = services.scheme_data_from_yaml(text)
        with acting(user, source="import", reason=f"导入考核方案 {Path(path).name}"):
            scheme = services.scheme_import(user=user, city=city, data=data)
        self.stdout.write(
            f"已导入考核方案“{scheme.name}”（{scheme.slug}）：{scheme.indicators.count()} 项指标，"
            f"总分 {scheme.total_weight}。"
        )

    def _export(self, city, name, out):
        scheme = Scheme.objects.filter(city=city, slug=name).first() or (
            Scheme.objects.filter(city=city, name=name).first()
        )
        if scheme is None:
            raise CommandError(f"找不到考核方案“{name}”。")
        text = services.scheme_export(scheme)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stdout.write(f"已导出到 {out}")
        else:
            self.stdout.write(text)
