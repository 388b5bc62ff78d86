"""Planning an import of unit targets (板块目标): one sheet, one row per unit, period and
indicator — ``板块 | 期间 | 指标 | 目标值`` — read with the ledger's tolerance of messy
cells (``imports.cells``: full-width digits, stray spaces, “1.2亿元”, “70%”, “2026年一季度”)
and planned like the ledger (:class:`ImportPlan`: a preview of what each row creates or
changes, every problem with its row and column, the error workbook), then applied all or
nothing by ``imports.services.apply_plan`` through ``projects.services.target_set``.
"""

from __future__ import annotations

import os
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from ballast.accounts import policy
from ballast.imports import cells
from ballast.imports.cells import CellProblem
from ballast.imports.columns import TARGET_COLUMNS
from ballast.imports.matching import Lookups
from ballast.imports.plan import FieldChange, ImportPlan, RowError, RowPlan
from ballast.imports.reading import FileRejected, find_table
from ballast.projects.choices import TargetIndicator
from ballast.projects.models import UnitTarget

QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
VALUE_PLACES = Decimal("0.0001")


def to_period(value) -> str:
    """“2026”, 2026, “2026年”, “2026Q1”, “2026 q1”, “2026-Q1”, “2026年一季度”,
    “2026年第1季度” → "2026" or "2026Q1"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cells.compact(value).upper().replace("年度", "年")
    match = re.fullmatch(r"((?:19|20)\d{2})(?:年)?", text)
    if match:
        return match[1]
    match = re.fullmatch(
        r"((?:19|20)\d{2})(?:年)?[-/.]?(?:Q|第)?([1-4一二三四])(?:季度|季|Q)?", text
    )
    if match and (("Q" in text) or ("季" in text)):
        return f"{match[1]}Q{QUARTER_WORDS[match[2]]}"
    raise CellProblem(f"“{cells.clean_text(value)}”不是年度或季度：请写 2026 或 2026Q1。")


def _indicator_names() -> dict[str, str]:
    names = {}
    for indicator in TargetIndicator:
        label = str(indicator.label)
        for text in (indicator.value, label, re.sub(r"（.*?）$", "", label)):
            names[cells.name_key(text)] = indicator.value
    return names


def _kind(indicator: str) -> str:
    if indicator.endswith("_rate"):
        return "rate"
    if indicator.endswith("_count"):
        return "count"
    return "money"


def to_target_value(value, indicator: str, *, unit: str = "") -> Decimal:
    """A target's value for ``indicator``: a whole count, an amount in 万元 (units in the
    cell or header converted), or a rate as a fraction (70%, 0.7, or 70 read as 70%)."""
    kind = _kind(indicator)
    if kind == "money":
        amount = cells.to_quantity(value, kind="money", unit=unit)
    else:
        number, cell_unit = cells.to_decimal(value)
        if kind == "rate":
            if cell_unit == "%" or number > 1:
                number = number / 100
            elif cell_unit:
                raise CellProblem(f"“{cells.clean_text(value)}”不是比率。")
            if number > 1:
                raise CellProblem(f"比率 {cells.clean_text(value)} 超过 100%。")
        elif cell_unit not in ("", "个"):
            raise CellProblem(f"“{cells.clean_text(value)}”应为项目个数。")
        elif number != number.to_integral():
            raise CellProblem(f"项目个数 {cells.clean_text(value)} 应为整数。")
        amount = number.quantize(VALUE_PLACES, ROUND_HALF_UP)
    if amount < 0:
        raise CellProblem("目标值不能为负数。")
    return amount


def _shown(value: Decimal, indicator: str) -> str:
    kind = _kind(indicator)
    if kind == "rate":
        return f"{(value * 100).normalize():f}%"
    if kind == "money":
        return f"{value.quantize(Decimal('0.01')):f} 万元"
    return f"{value.normalize():f}"


def plan_target_import(file, *, user, filename: str | None = None) -> ImportPlan:
    """Read a targets workbook and plan what importing it would change; writes nothing.
    Only who may set targets (the city: ``set_targets``) may import them, for the units
    of their scope."""
    filename = filename or os.path.basename(str(getattr(file, "name", "") or file))
    plan = ImportPlan(kind="targets", filename=filename, user_id=user.pk)
    if not policy.may_do(user, "set_targets"):
        plan.file_errors.append(RowError(0, "", "板块目标由市级设定；您没有导入目标的权限。"))
        return plan
    try:
        table = find_table(
            file,
            filename=filename,
            columns=TARGET_COLUMNS,
            allow_months=False,
            anchors=("unit",),
            missing="没有找到表头：请确认前 15 行中有“板块”“期间”“指标”“目标值”等列名（可下载模板对照）。",
        )
    except FileRejected as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    plan.sheet = table.sheet
    heads = table.columns()
    absent = [c.header for c in TARGET_COLUMNS if c.key not in heads]
    if absent:
        plan.file_errors.append(RowError(0, "", f"缺少“{'”“'.join(absent)}”列。"))
        return plan
    if table.ignored:
        plan.warnings.append(f"以下列未识别，已忽略：{'、'.join(table.ignored)}")
    if not table.rows:
        plan.file_errors.append(RowError(0, "", "表头下没有数据行。"))
        return plan
    lookups = Lookups(user, write_model=UnitTarget, write_action=policy.CHANGE)
    names = _indicator_names()
    stored = {
        (t.unit_id, t.period, t.indicator): t
        for t in UnitTarget.objects.filter(unit_id__in=[u.pk for u in lookups.units])
    }
    seen: dict[tuple, int] = {}
    value_unit = heads["value"].unit or table.declared_unit
    for raw in table.rows:
        row = RowPlan(row=raw.number, label="")
        found = {}
        for key, head in heads.items():
            cell = raw.value(head.index)
            if cells.is_blank(cell):
                row.error(head.text, "不能为空。")
                continue
            try:
                if key == "unit":
                    unit = lookups.unit(cell)
                    if unit.pk not in lookups.writable_unit_ids:
                        raise CellProblem(f"您不能为板块“{unit.display_name}”设定目标。")
                    found["unit"] = unit
                elif key == "period":
                    found["period"] = to_period(cell)
                elif key == "indicator":
                    indicator = names.get(cells.name_key(cells.clean_text(cell)))
                    if indicator is None:
                        raise CellProblem(
                            f"“{cells.clean_text(cell)}”不是目标指标（见模板“填写说明”中的指标名称）。"
                        )
                    found["indicator"] = indicator
            except CellProblem as exc:
                row.error(head.text, str(exc))
        if "indicator" in found and not cells.is_blank(raw.value(heads["value"].index)):
            try:
                found["value"] = to_target_value(
                    raw.value(heads["value"].index), found["indicator"], unit=value_unit
                )
            except CellProblem as exc:
                row.error(heads["value"].text, str(exc))
        if "unit" in found:
            row.label = found["unit"].display_name
        if {"unit", "period", "indicator"} <= set(found):
            row.label = (
                f"{found['unit'].display_name} {found['period']} "
                f"{TargetIndicator(found['indicator']).label}"
            )
            key = (found["unit"].pk, found["period"], found["indicator"])
            if key in seen:
                row.error("", f"与第 {seen[key]} 行的板块、期间、指标相同。")
            seen.setdefault(key, raw.number)
        if not row.errors:
            _plan_row(row, found, stored.get(key))
        if row.errors:
            row.action, row.ops, row.changes = "error", [], []
        row.label = row.label or f"第 {raw.number} 行"
        plan.rows.append(row)
    return plan


def _plan_row(row: RowPlan, found: dict, existing) -> None:
    unit, period, indicator, value = (found[k] for k in ("unit", "period", "indicator", "value"))
    try:
        UnitTarget(unit=unit, period=period, indicator=indicator, value=value).full_clean(
            validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            column = {"period": "期间", "value": "目标值", "indicator": "指标"}.get(field, "")
            for message in messages:
                row.error(column, message)
        return
    if existing is None:
        row.action = "create"
        row.changes.append(FieldChange("目标值", "", _shown(value, indicator)))
    elif existing.value != value:
        row.action = "update"
        row.changes.append(
            FieldChange("目标值", _shown(existing.value, indicator), _shown(value, indicator))
        )
    else:
        return
    row.ops.append(("target", unit.pk, period, indicator, value))
