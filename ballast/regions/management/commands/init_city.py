from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ballast.core.history import acting
from ballast.regions.services import assessment_units, init_city, read_parks_csv


class Command(BaseCommand):
    help = "创建某设区市（或直辖市、省直辖县级市）及其县级区划（GB/T 2260，可附园区/功能区 CSV：code,name）。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="地级区划代码，如 321000、440300；直辖市如 500000")
        parser.add_argument("--parks", help="园区/功能区 CSV 文件（code,name）")

    def handle(self, *args, code, parks=None, **options):
        try:
            park_rows = read_parks_csv(parks) if parks else []
            with acting(source="command"):
                city = init_city(code=code, parks=park_rows)
        except (ValidationError, OSError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        units = assessment_units(city)
        self.stdout.write(f"{city.code} {city.name}：{units.count()} 个考核板块")
        for unit in units:
            self.stdout.write(f"  {unit.code} {unit.name}（{unit.get_kind_display()}）")
