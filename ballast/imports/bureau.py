"""Reconciliation with the statistics bureau's 入库 list (与统计局入库清单比对).

:func:`bureau_list_import` reads the bureau's file (xlsx or CSV, the imports' tolerant
reader: a header anywhere in the first rows, two-row headers, units in the header or the
cells, totals rows skipped) — all or nothing: one bad row and nothing is stored, every
problem listed by row. :func:`bureau_differences` compares a stored list with Ballast,
project by project:

* ``missing_in_bureau`` — a project Ballast has as 列统 by the list's date (its
  in-statistics stage event) that the list does not hold;
* ``missing_in_ballast`` — a row of the list that matches no project of the city (by
  project code, then by name);
* ``amount`` — the bureau's amount and Ballast's accepted since-start sum (months up to
  the list's month) differ by more than ``bureau_amount_gap_max`` (the city's integrity
  threshold, default 5%) of the larger;
* ``date`` — the bureau's 入库 date is not Ballast's 列统 date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from ballast.accounts import policy
from ballast.core.history import acting
from ballast.figures.integrity import thresholds
from ballast.figures.selectors import money
from ballast.imports.cells import (
    CellProblem,
    clean_name,
    clean_text,
    is_blank,
    name_key,
    to_date,
    to_quantity,
)
from ballast.imports.columns import Column
from ballast.imports.models import BureauEntry, BureauList
from ballast.imports.reading import FileRejected, find_table
from ballast.projects.choices import Stage
from ballast.projects.models import Project, StageEvent
from ballast.regions.models import Region
from ballast.reports.models import MonthlyReport

COLUMNS = [
    Column("code", "项目代码", "code", ("项目编码", "项目编号", "入库项目代码", "统计代码")),
    Column("name", "项目名称", "name", ("入库项目名称", "项目", "名称")),
    Column("entered_on", "入库日期", "date", ("入库时间", "入统日期", "纳统日期", "入库年月")),
    Column(
        "amount",
        "累计完成投资",
        "money",
        ("自开工累计完成投资", "开工累计完成投资", "累计投资", "完成投资", "入库金额"),
        unit="万元",
    ),
]

KIND_LABELS = {
    "missing_in_bureau": "Ballast已列统，统计局清单中没有",
    "missing_in_ballast": "统计局清单中有，Ballast中找不到",
    "amount": "累计投资金额不一致",
    "date": "入库日期不一致",
}


def _parse(file, filename: str) -> tuple[list[dict], list[str]]:
    try:
        table = find_table(file, filename=filename, columns=COLUMNS, allow_months=False)
    except FileRejected as exc:
        return [], [str(exc)]
    heads = table.columns()
    rows, errors = [], []
    for raw in table.rows:
        row = {"row": raw.number, "code": "", "name": "", "entered_on": None, "amount": None}
        problems = []
        for key, head in heads.items():
            value = raw.value(head.index)
            if is_blank(value):
                continue
            try:
                if key == "code":
                    row["code"] = clean_text(value).replace(" ", "")
                elif key == "name":
                    row["name"] = clean_name(value)
                elif key == "entered_on":
                    row["entered_on"] = to_date(value)
                elif key == "amount":
                    row["amount"] = to_quantity(
                        value, kind="money", unit=head.unit or table.declared_unit or "万元"
                    )
            except CellProblem as exc:
                problems.append(f"第{raw.number}行“{head.text}”：{exc}")
        if not row["code"] and not row["name"]:
            problems.append(f"第{raw.number}行：没有项目名称，也没有项目代码。")
        errors += problems
        rows.append(row)
    if not rows and not errors:
        errors.append("文件中没有项目行。")
    return rows, errors


@transaction.atomic
def bureau_list_import(*, user, city: Region, file, filename: str, received_on: date) -> BureauList:
    """Store the bureau's list of ``city`` as received on ``received_on`` — all rows or,
    on any problem, none (a ``ValidationError`` listing every problem by row)."""
    if not policy.may(user, policy.ADD, BureauList) or not policy.in_area(user, city):
        raise PermissionDenied("您没有导入统计局入库清单的权限。")
    rows, errors = _parse(file, filename)
    if errors:
        raise ValidationError({"file": errors})
    with acting(user, reason=f"导入统计局入库清单（{filename}）"):
        bureau_list = BureauList(
            city=city, received_on=received_on, filename=filename[:200], uploaded_by=user
        )
        bureau_list.full_clean()
        bureau_list.save()
        for row in rows:
            entry = BureauEntry(bureau_list=bureau_list, **row)
            entry.full_clean()
            entry.save()
    policy.check(user, policy.ADD, bureau_list)
    return bureau_list


def bureau_differences(*, bureau_list: BureauList) -> list[dict]:
    """The differences between ``bureau_list`` and Ballast, one row per finding, in the
    order: rows of the list (missing, amount, date), then Ballast's projects missing
    from the list. Money in Decimal 万元."""
    city = bureau_list.city
    as_of = bureau_list.received_on
    gap = thresholds(city)["bureau_amount_gap_max"]
    projects = list(
        Project.objects.filter(unit__path__startswith=f"{city.path}/").select_related("unit")
    )
    by_code = {p.code: p for p in projects if p.code}
    by_name = defaultdict(list)
    for p in projects:
        by_name[name_key(p.name)].append(p)
    listed = {}
    for project_id, on in StageEvent.objects.filter(
        project__in=projects, stage=Stage.IN_STATISTICS, date__lte=as_of
    ).values_list("project_id", "date"):
        listed[project_id] = min(on, listed.get(project_id, on))
    sums = dict(
        MonthlyReport.objects.counted(as_of=as_of)
        .filter(project__in=projects)
        .values_list("project_id")
        .annotate(total=Sum("investment"))
        .order_by()
    )

    out, seen = [], set()

    def finding(kind, entry, project, note=""):
        ours = money(sums.get(project.pk)) if project else None
        out.append(
            {
                "kind": kind,
                "kind_label": KIND_LABELS[kind],
                "row": entry.row if entry else None,
                "bureau_code": entry.code if entry else "",
                "bureau_name": entry.name if entry else "",
                "bureau_date": entry.entered_on if entry else None,
                "bureau_amount": entry.amount if entry else None,
                "project": project.pk if project else None,
                "project_name": project.name if project else "",
                "project_code": (project.code or "") if project else "",
                "unit_name": project.unit.name if project else "",
                "ballast_date": listed.get(project.pk) if project else None,
                "ballast_amount": ours,
                "note": note,
            }
        )

    for entry in bureau_list.entries.order_by("row"):
        project = by_code.get(entry.code) if entry.code else None
        if project is None and entry.name:
            named = by_name.get(name_key(entry.name), [])
            project = named[0] if len(named) == 1 else None
        if project is None:
            finding("missing_in_ballast", entry, None)
            continue
        seen.add(project.pk)
        if entry.amount is not None:
            ours = Decimal(sums.get(project.pk) or 0)
            larger = max(abs(ours), abs(entry.amount))
            if larger and abs(ours - entry.amount) > (larger * gap):
                finding(
                    "amount",
                    entry,
                    project,
                    f"相差{money(ours - entry.amount)}万元（容许{gap * 100:.1f}%）",
                )
        if entry.entered_on is not None and listed.get(project.pk) != entry.entered_on:
            finding("date", entry, project)
    for project in projects:
        if project.pk in listed and project.pk not in seen:
            finding("missing_in_bureau", None, project)
    return out
