"""Planning an import of 亩均 data (亩均论英雄): one row per project and year — tax, sales,
value added, energy, emissions, R&D, employees, land — written through
``assessments.services.efficiency_record_save``.

The rows name their project by code, or by name within its unit, as the ledger does;
the year comes from the row's “年度” column or, failing that, from the title (“2023年亩均
数据”). Amounts are 万元 unless the header or a “单位：亿元” line says otherwise; land is
亩 (or 公顷). A blank optional cell leaves the recorded value as it is. Every row is read
and checked first: one bad row and nothing is written (the plan's rule, ``plan.py``).
"""

from __future__ import annotations

import os
from decimal import Decimal

from ballast.accounts import policy
from ballast.assessments.models import EfficiencyRecord
from ballast.imports import cells
from ballast.imports.cells import CellProblem
from ballast.imports.columns import MUJUN_COLUMNS
from ballast.imports.ledger import DEFAULT_UNITS, _project_code, display
from ballast.imports.matching import Lookups
from ballast.imports.plan import FieldChange, ImportPlan, RowError, RowPlan
from ballast.imports.reading import FileRejected, RawRow, Table, find_table
from ballast.projects.choices import Category
from ballast.projects.models import Project

RECORD_KEYS = (
    "tax",
    "sales",
    "value_added",
    "energy",
    "emissions",
    "rd_spending",
    "employees",
    "land_area",
)
REQUIRED_KEYS = ("tax", "sales")
PLACES = {"emissions": Decimal("0.001")}
HEADERS = {c.key: c.header for c in MUJUN_COLUMNS}


def _shown(key: str, value) -> str:
    if value is None:
        return ""
    column = next(c for c in MUJUN_COLUMNS if c.key == key)
    return f"{display(value)} {column.unit}".strip()


class MujunPlanner:
    def __init__(self, *, user, table: Table, plan: ImportPlan):
        self.user = user
        self.table = table
        self.plan = plan
        self.heads = table.columns()
        self.lookups = Lookups(user, write_model=Project, write_action=policy.CHANGE)
        self.seen: dict[tuple[int, int], int] = {}

    def header_text(self, key: str) -> str:
        head = self.heads.get(key)
        return head.text if head is not None else HEADERS[key]

    def read(self, raw: RawRow, row: RowPlan) -> dict:
        values = {}
        for key, head in self.heads.items():
            cell = raw.cell(head.index)
            if cells.is_blank(cell.value):
                continue
            kind = head.column.kind
            try:
                if kind == "code":
                    values[key] = _project_code(cell.value)
                elif kind == "name":
                    values[key] = cells.clean_name(cell.value)
                elif kind == "unit":
                    values[key] = self.lookups.unit(cell.value)
                elif kind == "year":
                    values[key] = cells.to_year(cell.value)
                elif kind == "integer":
                    values[key] = cells.to_integer(cell.value)
                    if values[key] < 0:
                        raise CellProblem("不能为负数。")
                else:
                    unit = head.unit or (self.table.declared_unit if kind == "money" else "")
                    values[key] = cells.to_quantity(
                        cell.value,
                        kind=kind,
                        unit=unit or DEFAULT_UNITS.get(kind, ""),
                        places=PLACES.get(key, cells.TWO_PLACES),
                    )
                    if values[key] < 0:
                        raise CellProblem("不能为负数。")
            except CellProblem as exc:
                row.error(head.text, str(exc))
        return values

    def build(self) -> None:
        parsed = []
        for raw in self.table.rows:
            row = RowPlan(row=raw.number, label="")
            values = self.read(raw, row)
            row.label = values.get("name") or values.get("code") or f"第 {raw.number} 行"
            parsed.append((row, values))
        self.lookups.load_projects(
            codes=[v.get("code") for _row, v in parsed],
            unit_ids=self.lookups.writable_unit_ids
            | {v["unit"].id for _row, v in parsed if "unit" in v},
        )
        ids = self.lookups.loaded_project_ids()
        self.records = {
            (r.project_id, r.year): r for r in EfficiencyRecord.objects.filter(project_id__in=ids)
        }
        for row, values in parsed:
            self.plan.rows.append(row)
            if row.errors:
                row.action = "error"
                continue
            self.plan_row(row, values)
            if row.errors:
                row.action = "error"

    def plan_row(self, row: RowPlan, values: dict) -> None:
        code, name, unit = values.get("code", ""), values.get("name", ""), values.get("unit")
        if not code and not name:
            row.error("", "须填写项目代码或项目名称。")
            return
        try:
            project = self.lookups.find_project(code=code, name=name, unit=unit)
        except CellProblem as exc:
            row.error(self.header_text("name"), str(exc))
            return
        if project is None:
            where = f"板块“{unit}”中" if unit else "您的范围内"
            row.error(
                self.header_text("name" if name else "code"), f"{where}找不到项目“{name or code}”。"
            )
            return
        if project.unit_id not in self.lookups.writable_unit_ids:
            row.error("", f"您不能录入项目“{project.name}”（{project.unit}）的亩均数据。")
            return
        if project.category != Category.INDUSTRIAL:
            row.error(
                "",
                f"项目“{project.name}”是{project.get_category_display()}项目，亩均评价只适用于产业类（工业）项目。",
            )
            return
        year = values.get("year") or self.table.title_year
        if year is None:
            row.error(
                self.header_text("year"), "须填写年度（或在表格标题中写明，如“2023年亩均数据”）。"
            )
            return
        row.label = project.name
        row.project_id = project.pk
        key = (project.pk, year)
        if key in self.seen:
            row.error("", f"与第 {self.seen[key]} 行是同一项目同一年度。")
            return
        self.seen[key] = row.row
        record = self.records.get(key)
        data = {k: values[k] for k in RECORD_KEYS if k in values}
        if record is None:
            missing = [HEADERS[k] for k in REQUIRED_KEYS if k not in data]
            if missing:
                row.error("", f"新录入 {year} 年的亩均数据须填写{'、'.join(missing)}。")
                return
            row.action = "create"
            row.changes = [FieldChange("年度", "", str(year))] + [
                FieldChange(HEADERS[k], "", _shown(k, v)) for k, v in data.items()
            ]
        else:
            changed = {k: v for k, v in data.items() if getattr(record, k) != v}
            if not changed:
                return
            row.action = "update"
            row.changes = [
                FieldChange(HEADERS[k], _shown(k, getattr(record, k)), _shown(k, v))
                for k, v in changed.items()
            ]
            data = changed
        row.ops.append(("mujun", project.pk, year, data))


def plan_mujun_import(file, *, user, filename: str | None = None) -> ImportPlan:
    """Read a 亩均 data file and plan what importing it would change. Writes nothing."""
    filename = filename or os.path.basename(str(getattr(file, "name", "") or file))
    plan = ImportPlan(kind="mujun", filename=filename, user_id=user.pk)
    if not policy.may_do(user, "enter_mujun"):
        plan.file_errors.append(RowError(0, "", "您没有录入亩均数据的权限。"))
        return plan
    try:
        table = find_table(file, filename=filename, columns=MUJUN_COLUMNS, allow_months=False)
    except FileRejected as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    plan.sheet = table.sheet
    plan.layout = "mujun"
    if table.ignored:
        plan.warnings.append(f"以下列未识别，已忽略：{'、'.join(table.ignored)}")
    if not table.rows:
        plan.file_errors.append(RowError(0, "", "表头下没有数据行。"))
        return plan
    MujunPlanner(user=user, table=table, plan=plan).build()
    return plan
