"""``python manage.py attraction_figures --region 321000 --start 2026-01-01 --end 2026-06-30``

Prints, as one JSON object, the attraction figures of a city or an assessment unit for a
period (default: this year to today): the funnel and its conversion rates, the signed
(count, amount in 万元, size classes, foreign capital in 万美元) by channel, cluster and
unit, the days from first contact to signing, the reserve pool by tier, unit and cluster,
and the period's 四个一批. Money as strings with two decimals.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ballast.attraction.models import ReserveEntry
from ballast.attraction.selectors import (
    attraction_figures,
    city_leads,
    four_batches,
    reserve_pool,
    to_plain,
)
from ballast.projects.models import Project
from ballast.regions.models import Region, within


def _date(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD。") from exc


class Command(BaseCommand):
    help = "以 JSON 输出市或板块某期间的招商指标（漏斗、签约、储备库、四个一批）。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="市或板块代码")
        parser.add_argument("--start", help="开始日期 YYYY-MM-DD（默认当年 1 月 1 日）")
        parser.add_argument("--end", help="结束日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, **options):
        today = timezone.localdate()  # only at this edge
        end = _date(options["end"], today)
        start = _date(options["start"], date(end.year, 1, 1))
        if start > end:
            raise CommandError("开始日期不能晚于结束日期。")
        region = Region.objects.filter(code=(options["region"] or "").strip()).first()
        if region is None:
            raise CommandError(f"找不到代码为“{options['region']}”的市或板块。")
        entries = ReserveEntry.objects.filter(within("project__unit", region))
        result = {
            "region": region.code,
            "name": region.name,
            **attraction_figures(leads=city_leads(region), start=start, end=end),
            "reserve_pool": reserve_pool(entries=entries, year=end.year),
            "four_batches": four_batches(
                projects=Project.objects.filter(within("unit", region)),
                entries=entries,
                start=start,
                end=end,
            ),
        }
        self.stdout.write(json.dumps(to_plain(result), ensure_ascii=False, indent=2))
