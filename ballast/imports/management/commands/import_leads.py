"""``python manage.py import_leads FILE.xlsx --user USERNAME [--city 321000]``

Imports investment leads (招商线索) from a workbook — the columns of the lead list's
export — all or nothing, as the person named (whose scope decides the units allowed).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.imports.leads import import_leads


class Command(BaseCommand):
    help = "从 Excel 导入招商线索（与线索清单导出的列相同）；全部无误才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="以此用户身份导入（按其范围校验板块）")
        parser.add_argument("--city", help="市代码（默认为该用户所在市）")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"找不到启用的用户“{options['user']}”。")
        city = policy.city_for(user, options.get("city"))
        if city is None:
            raise CommandError("无法确定导入的市：请用 --city 指定。")
        try:
            with open(options["file"], "rb") as upload:
                created = import_leads(user=user, city=city, upload=upload)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件“{options['file']}”。") from exc
        except ValidationError as exc:
            raise CommandError("未导入任何线索：\n" + "\n".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导入招商线索 {len(created)} 条。")
