"""``python manage.py mujun --city 321000 --year 2023 --as-of 2023-12-31 [--scheme SLUG] [--json]``

亩均论英雄: evaluates the city's industrial projects that have 亩均 data for the year,
grades those in production as of the date A/B/C/D, and prints a JSON list (``--json``)
or a table in Chinese.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ballast.assessments.management.cli import parse_date
from ballast.assessments.models import EfficiencyScheme
from ballast.assessments.mujun import (
    default_efficiency_schemes,
    efficiency_scheme_from_dict,
    mujun_evaluation,
)
from ballast.projects.choices import Category
from ballast.projects.models import Project
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region, within


def efficiency_scheme_for(city, text: str | None) -> EfficiencyScheme:
    """The stored scheme by slug or name, else the shipped default of that slug (the
    first shipped scheme when none is named)."""
    stored = EfficiencyScheme.objects.filter(city=city)
    if text:
        found = stored.filter(slug=text).first() or stored.filter(name=text).first()
        if found:
            return found
    defaults = default_efficiency_schemes()
    wanted = text or defaults[0]["slug"]
    if not text and stored.filter(slug=wanted).exists():
        return stored.get(slug=wanted)
    for data in defaults:
        if wanted in (data["slug"], data["name"]):
            return efficiency_scheme_from_dict(data, city=city)
    names = sorted({s.slug for s in stored} | {d["slug"] for d in defaults})
    raise CommandError(f"找不到亩均评价方案“{text}”。可选：{'、'.join(names)}")


class Command(BaseCommand):
    help = "亩均论英雄：对投产工业项目按亩均效益评价打分并分 A/B/C/D 类（在建项目参评不分类）。"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="设区市代码，如 321000")
        parser.add_argument("--year", required=True, type=int, help="评价年度，如 2023")
        parser.add_argument("--as-of", dest="as_of", help="投产状态的判断日期（默认该年末）")
        parser.add_argument("--scheme", help="评价方案代码或名称（默认 mujun-six）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        city = Region.objects.filter(code=options["city"], kind=RegionKind.CITY).first()
        if city is None:
            raise CommandError(f"找不到设区市“{options['city']}”。")
        year = options["year"]
        as_of = parse_date(options["as_of"]) if options["as_of"] else date(year, 12, 31)
        scheme = efficiency_scheme_for(city, options["scheme"])
        projects = Project.objects.filter(within("unit", city), category=Category.INDUSTRIAL)
        rows = mujun_evaluation(projects=projects, year=year, as_of=as_of, scheme=scheme)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{city.name} {year} 年亩均效益评价（{scheme.name}，截至 {as_of}）")
        if not rows:
            self.stdout.write("（无亩均数据）")
        for row in rows:
            grade = row["class"] or "—"
            rank = row["rank"] or "—"
            self.stdout.write(
                f"{rank:>4}  {grade}  {row['score']:>8}  {row['project']}（{row['unit']}）"
                f"{'  ' + row['flag'] if row['flag'] else ''}"
            )
