"""``python manage.py bulletin --period 2023Q1 [--unit CODE] [--city CODE] [--as-of DATE]
--out FILE.docx [--xlsx FILE.xlsx] [--publish --user USERNAME]``

Writes the bulletin (通报) of a city, or of one unit, for a quarter, half or year as a
Word document, and optionally its Excel annex. ``--publish`` also stores it, frozen
(the publishing person is ``--user``, who must be allowed to publish).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.accounts.models import User
from ballast.bulletins.docx_writer import render_docx
from ballast.bulletins.selectors import bulletin_content, parse_period
from ballast.bulletins.services import bulletin_publish
from ballast.bulletins.xlsx_writer import render_xlsx
from ballast.core.history import acting
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD，如 2023-03-31。") from exc


class Command(BaseCommand):
    help = "生成重大项目建设情况通报（Word），可附 Excel 附表，可发布存档。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="期间：2023Q1、2023H1 或 2023")
        parser.add_argument("--unit", help="板块代码（只出该板块的通报）")
        parser.add_argument("--city", help="市代码（默认：唯一设有板块的市）")
        parser.add_argument("--as-of", dest="as_of", help="数据截至 YYYY-MM-DD（默认期末）")
        parser.add_argument("--out", required=True, help="Word 文件路径（.docx）")
        parser.add_argument("--xlsx", help="Excel 附表路径（.xlsx）")
        parser.add_argument("--publish", action="store_true", help="发布并存档（内容冻结）")
        parser.add_argument("--user", help="发布人用户名（--publish 时必填）")

    def handle(self, *args, **options):
        try:
            period = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        as_of = _parse_date(options["as_of"]) if options["as_of"] else period.end
        city, unit = self._scope(options["unit"], options["city"])
        if options["publish"]:
            if not options["user"]:
                raise CommandError("发布通报须用 --user 指定发布人。")
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在。")
            try:
                with acting(user, source="command"):
                    bulletin = bulletin_publish(
                        user=user, city=city, period=str(period), unit=unit, as_of=as_of
                    )
            except (PermissionDenied, ValidationError) as exc:
                raise CommandError(f"发布失败：{exc}") from exc
            content = bulletin.content
            docx = bytes(bulletin.docx)
        else:
            try:
                content = bulletin_content(city=city, period=period, unit=unit, as_of=as_of)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            docx = render_docx(content)
        Path(options["out"]).write_bytes(docx)
        self.stdout.write(f"已生成 {options['out']}：{content['title']}")
        if options["xlsx"]:
            Path(options["xlsx"]).write_bytes(render_xlsx(content))
            self.stdout.write(f"已生成附表 {options['xlsx']}")
        if options["publish"]:
            self.stdout.write(f"已发布存档：{content['year']}年第{content['number']}期")

    def _scope(self, unit_code: str | None, city_code: str | None):
        unit = None
        if unit_code:
            unit = Region.objects.filter(code=unit_code, is_assessment_unit=True).first()
            if unit is None:
                raise CommandError(f"板块代码“{unit_code}”不存在。")
            if city_code and (unit.city is None or unit.city.code != city_code):
                raise CommandError(f"{unit.name}不属于代码为 {city_code} 的市。")
            return unit.city, unit
        if city_code:
            city = Region.objects.filter(code=city_code, kind=RegionKind.CITY).first()
            if city is None:
                raise CommandError(f"市代码“{city_code}”不存在。")
            return city, None
        cities = list(
            Region.objects.filter(kind=RegionKind.CITY, children__is_assessment_unit=True)
            .distinct()
            .order_by("code")
        )
        if len(cities) != 1:
            raise CommandError("请用 --city 指定市（有多个或没有设板块的市）。")
        return cities[0], None
