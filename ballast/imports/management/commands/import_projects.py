"""``python manage.py import_projects FILE.xlsx [--dry-run] [--user USERNAME]``

Imports a project ledger (项目台账); see docs/import.md.
"""

from ballast.imports.management.commands._base import ImportCommand
from ballast.imports.services import plan_ledger_import


class Command(ImportCommand):
    help = "导入项目台账（xlsx/csv）：新增或更新项目、阶段日期、状态和年度计划。全部无误才写入。"
    planner = staticmethod(plan_ledger_import)
