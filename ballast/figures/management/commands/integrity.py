"""``python manage.py integrity --city 321000 --year 2023 --as-of 2023-12-31``

Prints the integrity analytics (数据质量与防虚报) of a city's assessment units — or, with
a unit's code, of that unit — for a year as of a date, as one JSON object (money and
rates as strings, see ``docs/integrity.md``)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from ballast.figures.integrity import as_json, integrity_of
from ballast.figures.management.commands.figures import _parse_date, today_at_the_edge
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region


class Command(BaseCommand):
    help = "输出设区市各板块（或一个板块）某年度截至某日的数据质量与防虚报分析（JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="市代码；填板块代码则只看该板块")
        parser.add_argument("--year", type=int, help="年度（默认为统计日期所在年）")
        parser.add_argument("--as-of", dest="as_of", help="统计日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, **options):
        as_of = _parse_date(options["as_of"]) if options["as_of"] else today_at_the_edge()
        year = options["year"] or as_of.year
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不在 2000–2100 之间。")
        code = (options["city"] or "").strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"找不到代码为“{code}”的市或板块。")
        if region.kind != RegionKind.CITY and not region.is_assessment_unit:
            raise CommandError(f"“{region.name}”（{code}）不是设区市，也不是考核板块。")
        result = integrity_of(region, year=year, as_of=as_of)
        self.stdout.write(json.dumps(as_json(result), ensure_ascii=False, indent=2))
