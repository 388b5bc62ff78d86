"""``python manage.py import_reports FILE.xlsx [--dry-run] [--user USERNAME]``

Imports monthly reports (长表 or 宽表) as accepted by the city; see docs/import.md.
"""

from ballast.imports.management.commands._base import ImportCommand
from ballast.imports.services import plan_report_import


class Command(ImportCommand):
    help = "导入月度填报（长表或宽表，xlsx/csv），按市级验收记录。全部无误才写入。"
    planner = staticmethod(plan_report_import)
