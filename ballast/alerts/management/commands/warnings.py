"""``python manage.py warnings --as-of 2023-03-31 [--unit 321081] [--city 321000] [--json]``

Prints the early warnings (预警) of a unit, a city or every city as of a date: a JSON list
with ``--json``, else a table in Chinese.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ballast.alerts import registry, services
from ballast.alerts.choices import Level
from ballast.alerts.selectors import warnings_as_of
from ballast.core.history import acting
from ballast.projects.models import Project
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region, cities_containing, within


def today_at_the_edge() -> date:
    """The default as-of date: today in the configured time zone (only at this edge)."""
    return timezone.localdate()


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD，如 2023-03-31。") from exc


class Command(BaseCommand):
    help = "列出截至某日的项目预警（红色在前，按板块、项目排序）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="统计日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--unit", help="板块代码；填市代码则为全市")
        parser.add_argument("--city", help="市代码（全市项目）")
        parser.add_argument(
            "--rule",
            action="append",
            dest="rules",
            help=f"只看某条规则，可重复：{', '.join(registry.keys())}",
        )
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        as_of = _parse_date(options["as_of"]) if options["as_of"] else today_at_the_edge()
        projects, cities = self._scope(options["unit"], options["city"])
        rules = options["rules"]
        if rules:
            unknown = sorted(set(rules) - set(registry.keys()))
            if unknown:
                raise CommandError(
                    f"未知的预警规则：{'、'.join(unknown)}。可选：{', '.join(registry.keys())}"
                )
        with acting(reason="预警命令补全默认规则", source="command"):
            for city in cities:
                services.ensure_default_rules(city)
        found = warnings_as_of(projects=projects, as_of=as_of, rules=rules)
        if options["json"]:
            self.stdout.write(
                json.dumps([w.as_dict() for w in found], ensure_ascii=False, indent=2)
            )
            return
        self._table(found, as_of)

    def _scope(self, unit_code: str | None, city_code: str | None):
        if unit_code and city_code:
            raise CommandError("--unit 与 --city 只能指定一个。")
        code = unit_code or city_code
        if not code:
            cities = list(
                cities_containing(
                    Region.objects.filter(is_assessment_unit=True).values_list("pk", flat=True)
                )
            )
            return Project.objects.all(), cities
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"找不到代码为“{code}”的板块或市。")
        if region.kind == RegionKind.CITY:
            return Project.objects.filter(within("unit", region)), [region]
        if city_code:
            raise CommandError(f"“{code} {region.name}”不是设区市，请用 --unit 指定板块。")
        if not region.is_assessment_unit:
            raise CommandError(f"“{code} {region.name}”不是考核板块。")
        return Project.objects.filter(unit=region), [region.city]

    def _table(self, found, as_of: date):
        if not found:
            self.stdout.write(f"截至 {as_of} 无预警。")
            return
        reds = sum(1 for w in found if w.level == Level.RED)
        self.stdout.write(
            f"截至 {as_of} 共 {len(found)} 条预警（红色 {reds} 条，黄色 {len(found) - reds} 条）"
        )
        header = ("等级", "板块", "项目代码", "项目", "规则", "起始", "挂钩领导", "说明")
        self.stdout.write("\t".join(header))
        for w in found:
            self.stdout.write(
                "\t".join(
                    (
                        "红" if w.level == Level.RED else "黄",
                        w.unit_name,
                        w.project_code or "—",
                        w.project_name,
                        w.rule_label,
                        w.since.isoformat(),
                        "、".join(w.leaders) or "—",
                        w.detail,
                    )
                )
            )
