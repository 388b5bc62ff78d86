"""Importing investment leads (招商线索) from a workbook, with the ledger's tolerance of
messy cells (``imports.cells``: amounts with units such as “1.2亿元”, dates in the usual
forms, full-width digits, stray spaces) and its all-or-nothing rule: every row is read and
matched first; one bad row writes nothing, and every problem is reported with its line.

The columns are those of the lead list's export (``attraction.tables.LeadTable``), so
an exported list, added to, imports back; rows of leads already recorded (same unit,
investor and project) are refused rather than doubled. Each lead is written through
``attraction.services.lead_create`` (the policy re-checked per row) inside one
transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook

from ballast.accounts import policy
from ballast.attraction import services
from ballast.attraction.choices import SourceTeam
from ballast.attraction.models import ChainLink, Channel, Lead, match_key
from ballast.core.history import acting
from ballast.imports.cells import (
    CellProblem,
    clean_name,
    clean_text,
    is_blank,
    name_key,
    to_date,
    to_quantity,
)
from ballast.projects.models import IndustryCluster
from ballast.regions.models import Region, within

# field → the headers that name it (the export's first)
HEADERS = {
    "unit": ("板块", "所属板块", "县（市、区）", "县市区"),
    "project_name": ("意向项目", "项目名称"),
    "investor": ("投资方", "投资主体", "企业名称"),
    "investor_credit_code": ("统一社会信用代码", "信用代码"),
    "is_fortune500": ("世界500强",),
    "is_central_soe": ("央企",),
    "is_listed": ("上市公司",),
    "amount": ("意向投资额（万元）", "意向投资额", "投资额（万元）", "投资额"),
    "amount_usd": ("其中外资（万美元）", "外资（万美元）", "外资"),
    "cluster": ("产业集群", "集群"),
    "link": ("产业链环节", "链节"),
    "channel": ("招商渠道", "渠道"),
    "source_team": ("来源团队",),
    "responsible_person": ("责任人",),
    "info_on": ("获得信息日期", "信息日期", "获取时间"),
    "expected_signing_month": ("预计签约月份", "预计签约时间"),
}
REQUIRED = ("unit", "project_name", "investor", "amount", "channel", "info_on")
YES = {"是", "√", "✓", "y", "yes", "1", "true"}


def _header_map(rows) -> tuple[int, dict]:
    keys = {name_key(h): field for field, names in HEADERS.items() for h in names}
    for index, row in enumerate(rows[:10]):
        found = {}
        for column, cell in enumerate(row):
            field = keys.get(name_key(clean_text(cell)))
            if field and field not in found:
                found[field] = column
        if {"project_name", "investor"} <= set(found):
            return index, found
    raise ValidationError("没有找到表头：须有“意向项目”“投资方”等列（可先导出线索清单作为模板）。")


def read_leads(upload) -> list[dict]:
    """The raw cells of each non-blank row: ``{"line", field: cell …}``."""
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 — any unreadable file is the same answer
        raise ValidationError("无法读取该文件：请上传 Excel 工作簿（.xlsx）。") from exc
    rows = list(sheet.iter_rows(values_only=True))
    header_at, columns = _header_map(rows)
    found = []
    for line, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {f: (row[c] if c < len(row) else None) for f, c in columns.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        found.append({"line": line, **cells})
    return found


def _units(city) -> dict[str, Region]:
    found = {}
    for unit in Region.objects.filter(within("", city), is_assessment_unit=True):
        for name in (unit.name, unit.display_name, unit.code):
            found[name_key(name)] = unit
        short = unit.name.rstrip("市区县") if len(unit.name) > 2 else unit.name
        found.setdefault(name_key(short), unit)
    return found


def plan_leads(*, user, city, rows: list[dict]) -> list[dict]:
    """The service data of every row, or ValidationError listing each row's problems."""
    units = _units(city)
    channels = {name_key(c.name): c for c in Channel.objects.filter(city=city)}
    clusters = {name_key(c.name): c for c in IndustryCluster.objects.filter(city=city)}
    links = {
        (link.cluster_id, name_key(link.name)): link
        for link in ChainLink.objects.filter(cluster__city=city)
    }
    teams = {name_key(label): value for value, label in SourceTeam.choices}
    known = set(
        Lead.objects.filter(within("unit", city)).values_list(
            "unit_id", "investor_key", "project_key"
        )
    )
    errors, planned, in_file = [], [], set()
    for row in rows:
        line = row["line"]
        problems = []
        data = {}

        def fail(text, line=line, problems=problems):
            problems.append(f"第 {line} 行：{text}")

        for field in REQUIRED:
            if is_blank(row.get(field)):
                fail(f"“{HEADERS[field][0]}”不能为空。")
        if problems:
            errors += problems
            continue
        unit = units.get(name_key(clean_name(row["unit"])))
        if unit is None:
            fail(f"板块“{clean_text(row['unit'])}”不是本市的考核板块。")
        elif not policy.units_for(user, policy.ADD, Lead).filter(pk=unit.pk).exists():
            fail(f"您不能为“{unit.display_name}”登记线索。")
        data["unit"] = unit
        data["project_name"] = clean_name(row["project_name"])[:128]
        data["investor"] = clean_name(row["investor"])[:128]
        if not is_blank(row.get("investor_credit_code")):
            data["investor_credit_code"] = clean_text(row["investor_credit_code"]).upper()
        for flag in ("is_fortune500", "is_central_soe", "is_listed"):
            data[flag] = name_key(clean_text(row.get(flag))) in YES
        for field, kind in (("amount", "money"), ("amount_usd", "usd")):
            if is_blank(row.get(field)):
                continue
            try:
                data[field] = to_quantity(row[field], kind=kind)
            except CellProblem as exc:
                fail(f"“{HEADERS[field][0]}”{exc}")
        channel = channels.get(name_key(clean_name(row["channel"])))
        if channel is None:
            fail(f"招商渠道“{clean_text(row['channel'])}”不在本市设定的渠道中。")
        data["channel"] = channel
        cluster = None
        if not is_blank(row.get("cluster")):
            cluster = clusters.get(name_key(clean_name(row["cluster"])))
            if cluster is None:
                fail(f"产业集群“{clean_text(row['cluster'])}”不是本市的集群。")
        data["cluster"] = cluster
        if not is_blank(row.get("link")):
            link = links.get((cluster.pk if cluster else None, name_key(clean_name(row["link"]))))
            if link is None:
                fail(f"产业链环节“{clean_text(row['link'])}”不在该集群的招商图谱中。")
            data["link"] = link
        if not is_blank(row.get("source_team")):
            team = teams.get(name_key(clean_text(row["source_team"])))
            if team is None:
                fail("来源团队应为 招商大本营、专班 或 小组。")
            else:
                data["source_team"] = team
        if not is_blank(row.get("responsible_person")):
            data["responsible_person"] = clean_name(row["responsible_person"])[:32]
        for field in ("info_on", "expected_signing_month"):
            if is_blank(row.get(field)):
                continue
            try:
                day = to_date(row[field])
                data[field] = day.replace(day=1) if field == "expected_signing_month" else day
            except CellProblem as exc:
                fail(f"“{HEADERS[field][0]}”{exc}")
        if unit is not None:
            key = (
                unit.pk,
                data["investor_credit_code"]
                if data.get("investor_credit_code")
                else match_key(data["investor"]),
                match_key(data["project_name"]),
            )
            if key in known:
                fail("该板块已登记过同一投资方的同一项目。")
            elif key in in_file:
                fail("与表中前面的行重复（同一板块、投资方和项目）。")
            in_file.add(key)
        if problems:
            errors += problems
        else:
            planned.append(data)
    if errors:
        raise ValidationError(errors)
    return planned


@transaction.atomic
def import_leads(*, user, city, upload) -> list[Lead]:
    """Read, check and write the leads of ``upload`` — all or nothing."""
    if not policy.may_do(user, "keep_leads"):
        raise PermissionDenied("您没有登记招商线索的权限。")
    planned = plan_leads(user=user, city=city, rows=read_leads(upload))
    with acting(user, source="import", reason="导入招商线索"):
        return [services.lead_create(user=user, data=data) for data in planned]
