"""``python manage.py figures --unit 321081 --year 2023 --as-of 2023-03-31 [--json]``

Prints the figures of an assessment unit (or, with the city's code, the whole city; with a
province's code, the whole province) for a year as of a date: one JSON object with
``--json`` (money as strings with two decimals in 万元, rates as numbers with four
decimals or ``null``), else a table in Chinese.
``--all-units`` with a city's code prints every unit's figures (a JSON object keyed by
unit code). ``--known-at K`` computes them from the facts as recorded at K (a date: the
end of that day; or a date and time), so a past answer can be given again.
``--write-docs`` writes ``docs/figure-reference.md`` from the figure registry
(``figures.registry``); ``--check-docs`` fails when the committed file differs.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ballast.core.known import parse_known_at
from ballast.figures.registry import reference_markdown
from ballast.figures.selectors import FIGURE_KEYS, flatten, to_json, unit_figures, units_figures
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region


def today_at_the_edge() -> date:
    """The default as-of date: today in the configured time zone (only at this edge)."""
    return timezone.localdate()


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD，如 2023-03-31。") from exc


def reference_path() -> Path:
    """Where the generated figure reference lives."""
    return Path(settings.BASE_DIR) / "docs" / "figure-reference.md"


def display(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{Decimal(value) * 100:.2f}%"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Command(BaseCommand):
    help = "输出板块（或全市）某年度截至某日的各项指标。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="板块代码；填市代码则为全市，省代码则为全省")
        parser.add_argument("--year", type=int, help="年度（默认为统计日期所在年）")
        parser.add_argument("--as-of", dest="as_of", help="统计日期 YYYY-MM-DD（默认今天）")
        parser.add_argument(
            "--known-at",
            dest="known_at",
            help="知悉时点：按该时点已记录的数据计算（YYYY-MM-DD 为当日结束时，"
            "或 YYYY-MM-DDTHH:MM[:SS]）；默认现在",
        )
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument(
            "--all-units", action="store_true", help="与市代码同用：输出全市每个板块的指标"
        )
        parser.add_argument(
            "--write-docs",
            action="store_true",
            help="由指标登记生成 docs/figure-reference.md",
        )
        parser.add_argument(
            "--check-docs",
            action="store_true",
            help="检查 docs/figure-reference.md 与指标登记一致",
        )

    def handle(self, *args, **options):
        if options["write_docs"] or options["check_docs"]:
            self._docs(write=options["write_docs"])
            return
        if not options["unit"]:
            raise CommandError("请用 --unit 指定板块、市或省的代码。")
        as_of = _parse_date(options["as_of"]) if options["as_of"] else today_at_the_edge()
        year = options["year"] or as_of.year
        known_at = None
        if options["known_at"]:
            try:
                known_at = parse_known_at(options["known_at"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不在 2000–2100 之间。")
        code = (options["unit"] or "").strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"找不到代码为“{code}”的板块、市或省。")
        if region.kind not in (RegionKind.CITY, RegionKind.PROVINCE) and not (
            region.is_assessment_unit
        ):
            raise CommandError(f"“{region.name}”（{code}）不是考核板块，也不是设区市或省。")
        if options["all_units"]:
            if region.kind != RegionKind.CITY:
                raise CommandError("--all-units 须与市代码同用。")
            every = units_figures(city=region, year=year, as_of=as_of, known_at=known_at)
            if options["json"]:
                self._json({code: to_json(f) for code, f in every.items()})
            else:
                for figures in every.values():
                    self._table(figures)
            return
        figures = unit_figures(unit=region, year=year, as_of=as_of, known_at=known_at)
        if options["json"]:
            self._json(to_json(figures))
        else:
            self._table(figures)

    def _docs(self, *, write: bool) -> None:
        path, text = reference_path(), reference_markdown()
        if write:
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"已写入 {path}。")
            return
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            raise CommandError(
                f"{path} 与指标登记不一致，请运行 python manage.py figures --write-docs。"
            )
        self.stdout.write("指标参考与登记一致。")

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _table(self, figures: dict) -> None:
        self.stdout.write(
            f"{figures['unit_name']}（{figures['unit']}） {figures['year']}年 "
            f"截至 {figures['as_of']:%Y-%m-%d}"
        )
        for key, value in flatten(figures).items():
            if key in ("unit", "unit_name", "year", "as_of"):
                continue
            name, kind = FIGURE_KEYS[key]
            self.stdout.write(f"  {name:<28}\t{display(value, kind)}")
