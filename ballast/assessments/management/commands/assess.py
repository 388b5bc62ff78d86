"""``python manage.py assess --scheme FILE_OR_NAME --period 2023Q1 [--as-of DATE] [--city CODE]
[--json] [--publish] [--user NAME]``

Scores every assessment unit (板块) of the city on a scheme for a period and prints the
ranking best first — ``[{"unit", "unit_name", "score", "rank", "rank_change",
"indicators": {...}}]`` with ``--json``. The scheme is a stored scheme's code or name, or
a YAML file. ``--publish`` stores the result (a stored scheme only); a published period
is always printed as published.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.assessments.management.cli import city_from, parse_date, user_from
from ballast.assessments.models import Scheme
from ballast.assessments.selectors import assess, scheme_lookup
from ballast.assessments.services import assessment_publish
from ballast.core.history import acting
from ballast.core.periods import Period


class Command(BaseCommand):
    help = "按考核方案对各板块打分排名（季度比、半年评、年度考），可发布结果。"

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="方案代码/名称，或 YAML 文件路径")
        parser.add_argument("--period", required=True, help="期间，如 2023Q1、2023H1、2023")
        parser.add_argument("--as-of", dest="as_of", help="数据截至日期（默认期末）")
        parser.add_argument("--city", help="设区市代码（只有一个市时可省略）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--publish", action="store_true", help="发布并保存结果")
        parser.add_argument("--user", help="以该用户身份发布（检查其权限）；默认为系统")

    def handle(self, *args, **options):
        city = city_from(options["city"])
        try:
            period = Period.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        as_of = parse_date(options["as_of"]) if options["as_of"] else period.end
        try:
            scheme = scheme_lookup(city=city, text=options["scheme"])
            if options["publish"]:
                if not isinstance(scheme, Scheme):
                    raise CommandError("发布须使用已导入的方案（先运行 scheme import）。")
                user = user_from(options["user"])
                with acting(user, source="command"):
                    published = assessment_publish(
                        user=user, scheme=scheme, period=str(period), as_of=as_of
                    )
                rows, title = (
                    published.results,
                    f"已发布（{published.published_at:%Y-%m-%d %H:%M}）",
                )
            else:
                outcome = assess(scheme=scheme, period=str(period), as_of=as_of, city=city)
                rows = outcome.rows
                title = "已发布" if outcome.published else "试算"
        except (ValueError, ValidationError) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{period.label} {getattr(scheme, 'name', '')}（截至 {as_of}，{title}）")
        for row in rows:
            change = row["rank_change"]
            arrow = (
                "—"
                if change is None
                else (f"进{change}" if change > 0 else f"退{-change}" if change < 0 else "持平")
            )
            self.stdout.write(
                f"{row['rank']:>3}  {row.get('unit_name', row['unit']):<12} {row['score']:>8}  {arrow}"
            )
