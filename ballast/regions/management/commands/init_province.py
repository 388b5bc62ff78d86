from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.core.history import acting
from ballast.regions.choices import RegionKind
from ballast.regions.services import assessment_units, init_province


class Command(BaseCommand):
    help = "创建某省（自治区）及其全部设区市和县级区划（GB/T 2260）；直辖市按一个市创建。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="省级区划代码，如 320000")

    def handle(self, *args, code, **options):
        try:
            with acting(source="command"):
                province = init_province(code=code)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if province.kind == RegionKind.CITY:  # a 直辖市
            cities = [province]
        else:
            cities = list(province.children.filter(kind=RegionKind.CITY).order_by("sort_order"))
            self.stdout.write(f"{province.code} {province.name}：{len(cities)} 个设区市")
        for city in cities:
            self.stdout.write(
                f"  {city.code} {city.name}：{assessment_units(city).count()} 个考核板块"
            )
