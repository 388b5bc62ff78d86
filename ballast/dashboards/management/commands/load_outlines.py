"""load_outlines CITY_CODE FILE.geojson — store the outlines of a city's units for the map."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.core.history import acting
from ballast.dashboards.services import outlines_load
from ballast.regions.models import Region


class Command(BaseCommand):
    help = (
        "载入设区市各考核板块的轮廓（GeoJSON，要素属性 code 为板块区划代码），供挂图作战地图使用。"
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="设区市区划代码，如 321000")
        parser.add_argument("file", help="GeoJSON 文件（FeatureCollection）")

    def handle(self, *args, code, file, **options):
        city = Region.objects.filter(code=code, kind="city").first()
        if city is None:
            raise CommandError(f"找不到设区市 {code}，请先运行 init_city。")
        path = Path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{file}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"文件不是有效的 GeoJSON：{exc}") from exc
        try:
            with acting(None, reason=f"载入板块轮廓 {path.name}", source="command"):
                saved = outlines_load(user=None, city=city, data=data)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        names = "、".join(o.region.display_name for o in saved)
        self.stdout.write(f"已载入 {len(saved)} 个板块轮廓：{names}")
