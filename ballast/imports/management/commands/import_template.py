"""``python manage.py import_template ledger|reports [--wide] --out FILE.xlsx``

Writes a blank import template generated from the column definition.
"""

from django.core.management.base import BaseCommand, CommandError

from ballast.imports.templates import build_template


class Command(BaseCommand):
    help = "生成导入模板：ledger（项目台账）或 reports（月度填报，--wide 为宽表）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["ledger", "reports"])
        parser.add_argument("--wide", action="store_true", help="月度填报宽表（每月一列）")
        parser.add_argument("--out", required=True, help="输出的 xlsx 文件")

    def handle(self, *args, **options):
        if options["wide"] and options["kind"] != "reports":
            raise CommandError("--wide 只适用于 reports（月度填报）。")
        workbook = build_template(options["kind"], wide=options["wide"])
        workbook.save(options["out"])
        self.stdout.write(f"已生成模板 {options['out']}")
