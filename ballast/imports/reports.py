"""Planning a monthly report import, long (one row per project and month) or wide (one
row per project, one column per month of completed investment)."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from ballast.accounts import policy
from ballast.core import clock
from ballast.imports import cells
from ballast.imports.cells import CellProblem
from ballast.imports.columns import REPORT_COLUMNS
from ballast.imports.ledger import DEFAULT_UNITS, _project_code, display
from ballast.imports.matching import Lookups
from ballast.imports.plan import FieldChange, ImportPlan, RowError, RowPlan
from ballast.imports.reading import FileRejected, RawRow, Table, find_table
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport
from ballast.reports.rules import check_entry

FIELD_KEYS = ("investment", "progress", "percent_complete", "problems", "suggestions")


def _shown(field: str, value) -> str:
    if value is None or value == "":
        return ""
    if field == "investment":
        return f"{display(value)} 万元"
    if field == "percent_complete":
        return f"{display(value)}%"
    return display(value)


class ReportPlanner:
    def __init__(self, *, user, table: Table, plan: ImportPlan, today: date):
        self.user = user
        self.table = table
        self.plan = plan
        self.today = today
        # Per project: accepted investment by month in the database, and the months this
        # file has planned so far (they replace those months when applied, row by row).
        self.accepted: dict[int, dict[date, object]] = {}
        self.planned: dict[int, dict[date, object]] = {}
        self.heads = table.columns()
        self.month_heads = [h for h in table.header if h.month is not None]
        self.lookups = Lookups(user)
        self.acceptable_unit_ids = set(
            policy.units_for(user, policy.ACCEPT, MonthlyReport).values_list("id", flat=True)
        ) & set(policy.units_for(user, policy.ADD, MonthlyReport).values_list("id", flat=True))
        self.seen: dict[tuple, int] = {}

    def header_text(self, key: str) -> str:
        head = self.heads.get(key)
        if head is not None:
            return head.text
        return next((c.header for c in REPORT_COLUMNS if c.key == key), key)

    def money_unit(self, head) -> str:
        return head.unit or self.table.declared_unit or DEFAULT_UNITS["money"]

    def read(self, raw: RawRow, row: RowPlan) -> dict:
        values = {}
        for key, head in self.heads.items():
            cell = raw.cell(head.index)
            if cells.is_blank(cell.value) or key == "month":
                continue
            kind = head.column.kind
            try:
                if kind == "code":
                    values[key] = _project_code(cell.value)
                elif kind == "name":
                    values[key] = cells.clean_name(cell.value)
                elif kind == "unit":
                    values[key] = self.lookups.unit(cell.value)
                elif kind == "text":
                    values[key] = cells.clean_text(cell.value)
                elif kind == "money":
                    values[key] = cells.to_quantity(
                        cell.value, kind="money", unit=self.money_unit(head)
                    )
                elif kind == "percent":
                    values[key] = cells.to_percent(cell.value, formatted_as_percent=cell.percent)
                elif kind == "year":
                    values[key] = cells.to_year(cell.value)
            except CellProblem as exc:
                row.error(head.text, str(exc))
        if "month" in self.heads:
            head = self.heads["month"]
            cell = raw.cell(head.index)
            if cells.is_blank(cell.value):
                row.error(head.text, "请填写月份。")
            else:
                try:
                    values["month"] = cells.to_month(
                        cell.value, year=values.get("year") or self.table.title_year
                    )
                except CellProblem as exc:
                    row.error(head.text, str(exc))
        return values

    def months_of(self, raw: RawRow, row: RowPlan, values: dict) -> list[tuple[date, dict, str]]:
        """(month, report data, column) pairs of the row."""
        if self.plan.layout == "long":
            if "month" not in values:
                return []
            data = {k: values[k] for k in FIELD_KEYS if k in values}
            failed = {e.column for e in row.errors}
            if "investment" not in data and self.header_text("investment") not in failed:
                row.error(self.header_text("investment"), "请填写当月完成投资。")
                return []
            return [(values["month"], data, self.header_text("investment"))]
        found = []
        for head in self.month_heads:
            cell = raw.cell(head.index)
            if cells.is_blank(cell.value):
                continue
            year = head.month[0] or values.get("year") or self.table.title_year
            if year is None:
                row.error(
                    head.text, "月份列没有年份：请在表头写“2023年1月”，或在标题、年度列中写明年份。"
                )
                continue
            try:
                amount = cells.to_quantity(cell.value, kind="money", unit=self.money_unit(head))
            except CellProblem as exc:
                row.error(head.text, str(exc))
                continue
            found.append((date(year, head.month[1], 1), {"investment": amount}, head.text))
        return found

    def build(self) -> None:
        parsed = []
        for raw in self.table.rows:
            row = RowPlan(row=raw.number, label="")
            values = self.read(raw, row)
            row.label = values.get("name") or values.get("code") or f"第 {raw.number} 行"
            parsed.append((raw, row, values))
        self.lookups.load_projects(
            codes=[v.get("code") for _raw, _row, v in parsed],
            unit_ids=self.lookups.writable_unit_ids
            | self.acceptable_unit_ids
            | {v["unit"].id for _raw, _row, v in parsed if "unit" in v},
        )
        found = {}
        for _raw, row, values in parsed:
            try:
                found[row.row] = self.find_project(values)
            except CellProblem as exc:
                found[row.row] = exc
        self.load_reports({p.pk for p in found.values() if not isinstance(p, CellProblem)})
        for raw, row, values in parsed:
            try:
                if isinstance(found[row.row], CellProblem):
                    raise found[row.row]
                self.plan_row(raw, row, values, found[row.row])
            except CellProblem as exc:
                row.error("", str(exc))
            if row.errors:
                row.action, row.ops, row.changes = "error", [], []
            self.plan.rows.append(row)

    def load_reports(self, project_ids) -> None:
        """The file's projects' reports, read once (one query per 500 projects): the
        accepted investment by month, and every report by (project, month)."""
        self.stored: dict[tuple[int, date], MonthlyReport] = {}
        ids = sorted(project_ids)
        for start in range(0, len(ids), 500):
            for report in MonthlyReport.objects.filter(project_id__in=ids[start : start + 500]):
                self.stored[(report.project_id, report.month)] = report
        for (project_id, month), report in self.stored.items():
            accepted = self.accepted.setdefault(project_id, {})
            if report.status == ReportStatus.ACCEPTED:
                accepted[month] = report.investment

    def find_project(self, values):
        code, name, unit = values.get("code", ""), values.get("name", ""), values.get("unit")
        if not code and not name:
            raise CellProblem("项目代码和项目名称至少填写一项。")
        project = self.lookups.find_project(code=code, name=name, unit=unit)
        if project is None and unit is None and name and not code:
            matches = [
                p
                for p in self.lookups.find_by_name_anywhere(name)
                if p.unit_id in self.acceptable_unit_ids
            ]
            if len(matches) > 1:
                raise CellProblem(f"有多个名为“{name}”的项目，请填写所属板块或项目代码。")
            project = matches[0] if matches else None
        if project is None:
            what = f"项目代码 {code}" if code else f"名为“{name}”的项目"
            where = f"（板块“{unit}”）" if unit else ""
            raise CellProblem(f"找不到{what}{where}，请先导入项目台账。")
        if project.unit_id not in self.acceptable_unit_ids:
            raise CellProblem(
                f"项目“{project.name}”属于板块“{project.unit}”，您无权导入其月度填报。"
            )
        return project

    def check_rules(self, row, project, months) -> None:
        """The service's entry rules (``reports/rules.py``) on each month of the row, with
        the since-start sum as it will stand when this row is applied."""
        accepted = self.accepted.setdefault(project.pk, {})
        planned = self.planned.setdefault(project.pk, {})
        for month, data, column in months:  # in the order apply_plan records them
            planned[month] = data["investment"]
            others = sum(
                (v for m, v in accepted.items() if m not in planned), start=Decimal(0)
            ) + sum((v for m, v in planned.items() if m != month), start=Decimal(0))
            try:
                check_entry(
                    project=project,
                    month=month,
                    data=data,
                    today=self.today,
                    final=True,
                    others=others,
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    where = column if field == "investment" else self.month_column(column)
                    for message in messages:
                        row.error(where, f"{month:%Y年%m月}：{message}")

    def month_column(self, column: str) -> str:
        return self.header_text("month") if self.plan.layout == "long" else column

    def plan_row(self, raw, row, values, project) -> None:
        row.project_id = project.pk
        row.label = project.name
        months = self.months_of(raw, row, values)
        for month, _data, column in months:
            key = (project.pk, month)
            if key in self.seen:
                row.error(column, f"{month:%Y年%m月} 的填报与第 {self.seen[key]} 行重复。")
            else:
                self.seen[key] = row.row
        if row.errors:
            return
        self.check_rules(row, project, months)
        if row.errors:
            return
        existing = {
            month: self.stored[(project.pk, month)]
            for month, _d, _c in months
            if (project.pk, month) in self.stored
        }
        actions = set()
        for month, data, _column in months:
            report = existing.get(month)
            prefix = f"{month:%Y年%m月}"
            if report is None:
                actions.add("create")
                row.ops.append(("report", project.pk, month, data))
                row.changes.append(
                    FieldChange(f"{prefix}当月完成投资", "", f"{display(data['investment'])} 万元")
                )
                continue
            changed = {}
            for field, value in data.items():
                old = getattr(report, field)
                if (old if old is not None else "") != value:
                    changed[field] = value
            if not changed and report.status == ReportStatus.ACCEPTED:
                continue
            actions.add("update")
            row.ops.append(("report", project.pk, month, data))
            for field, value in changed.items():
                label = MonthlyReport._meta.get_field(field).verbose_name
                row.changes.append(
                    FieldChange(
                        f"{prefix}{label}",
                        _shown(field, getattr(report, field)),
                        _shown(field, value),
                    )
                )
            if report.status != ReportStatus.ACCEPTED:
                row.changes.append(
                    FieldChange(f"{prefix}状态", report.get_status_display(), "市级验收")
                )
        if not months:
            row.error("", "本行没有任何月份的数据。")
        if row.errors:
            return
        row.action = "update" if "update" in actions else ("create" if actions else "unchanged")


def plan_report_import(
    file, *, user, filename: str | None = None, today: date | None = None
) -> ImportPlan:
    """Read a monthly report file (long or wide) and plan what importing it would change.

    Writes nothing. Imported reports are recorded as accepted by the city, so the user
    must be allowed to add and accept reports of the rows' units.
    """
    filename = filename or os.path.basename(str(getattr(file, "name", "") or file))
    plan = ImportPlan(kind="reports", filename=filename, user_id=user.pk)
    if not policy.may(user, policy.ACCEPT, MonthlyReport) or not policy.may(
        user, policy.ADD, MonthlyReport
    ):
        plan.file_errors.append(
            RowError(0, "", "导入的月度填报按市级验收记录，须由市级管理员导入；您没有此权限。")
        )
        return plan
    try:
        table = find_table(file, filename=filename, columns=REPORT_COLUMNS, allow_months=True)
    except FileRejected as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    plan.sheet = table.sheet
    columns = table.columns()
    has_months = any(h.month for h in table.header)
    if "month" in columns:
        plan.layout = "long"
    elif has_months:
        plan.layout = "wide"
    else:
        plan.file_errors.append(
            RowError(0, "", "没有找到“月份”列（长表）或“2023年1月”“1月”这样的月份列（宽表）。")
        )
        return plan
    if plan.layout == "long" and "investment" not in columns:
        plan.file_errors.append(RowError(0, "", "长表须有“当月完成投资”列。"))
        return plan
    if table.ignored:
        plan.warnings.append(f"以下列未识别，已忽略：{'、'.join(table.ignored)}")
    if not table.rows:
        plan.file_errors.append(RowError(0, "", "表头下没有数据行。"))
        return plan
    ReportPlanner(user=user, table=table, plan=plan, today=today or clock.today()).build()
    return plan
