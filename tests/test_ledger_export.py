"""Ledger (台账) and monthly report exports: standard layout, escaped formula text, the
user's filters, and a round trip export → import that changes nothing."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from ballast.imports.columns import LEDGER_COLUMNS, LEDGER_TEMPLATE_KEYS
from ballast.imports.services import plan_ledger_import, plan_report_import
from ballast.projects import services as project_services
from ballast.reports import services as report_services


@pytest.fixture
def ledger_projects(people, unit_a, unit_b, make_project):
    clerk = people["clerk_a"]
    first = make_project(
        name="光储一期",
        code="2023-321081-38-03-000001",
        investor="=HYPERLINK(evil)",
        total_investment=Decimal("11000.50"),
        level="provincial",
        planned_start=date(2023, 3, 1),
        planned_completion=date(2024, 12, 31),
        responsible_officer="张三",
        stages={"signed": date(2023, 1, 5), "started": date(2023, 3, 8)},
    )
    project_services.plan_save(
        user=clerk, project=first, year=2023, planned_investment=Decimal("2000.00")
    )
    second = make_project(name="汽车零部件", total_investment=Decimal("25000.00"))
    project_services.project_suspend(
        user=clerk,
        project=second,
        kind="deferred",
        reason="funding",
        on=date(2023, 5, 1),
        note="资金未到位",
    )
    make_project(name="二期扩建", parent=first, phase_label="二期")
    make_project(unit_b, name="高邮项目")
    return first, second


def test_ledger_export_layout(client, people, ledger_projects):
    client.force_login(people["city_admin"])
    response = client.get("/imports/export/ledger/?year=2023")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].value == "2023年重大项目台账"
    headers = [c.value for c in sheet[2]]
    by_key = {c.key: c for c in LEDGER_COLUMNS}
    assert headers == [by_key[k].template_header for k in LEDGER_TEMPLATE_KEYS]
    assert "总投资（万元）" in headers and "用地（亩）" in headers
    assert sheet.column_dimensions["B"].width >= 10
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"光储一期", "汽车零部件", "二期扩建", "高邮项目"}
    first = rows["光储一期"]
    col = {h: i for i, h in enumerate(headers)}
    assert first[col["所属板块"]] == "仪征市"
    assert first[col["总投资（万元）"]] == pytest.approx(11000.5)
    assert first[col["建设单位/投资主体"]] == "'=HYPERLINK(evil)"  # escaped, not a formula
    assert first[col["项目层级"]] == "省重大"
    assert first[col["签约日期"]].date() == date(2023, 1, 5)
    assert first[col["计划年度"]] == 2023
    assert first[col["年度计划投资（万元）"]] == 2000
    assert rows["汽车零部件"][col["状态"]] == "缓建"
    assert rows["汽车零部件"][col["状态原因"]] == "资金不到位"
    assert rows["二期扩建"][col["上级项目"]] == "2023-321081-38-03-000001"
    cell = next(
        c for row in sheet.iter_rows(min_row=3) for c in row if c.value == "'=HYPERLINK(evil)"
    )
    assert cell.data_type == "s"


def test_ledger_export_follows_the_list_filters_and_scope(client, people, ledger_projects, unit_a):
    client.force_login(people["clerk_b"])
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/imports/export/ledger/?year=2023").content)
    ).active
    assert [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["高邮项目"]
    client.force_login(people["city_admin"])
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/imports/export/ledger/?year=2023&unit={unit_a.pk}&q=光储").content)
    ).active
    assert [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["光储一期"]


def test_ledger_round_trip_changes_nothing(client, people, ledger_projects, unit_a):
    # the formula-like investor would come back with its apostrophe: keep the round trip
    # about the layout
    first, _second = ledger_projects
    project_services.project_update(
        user=people["clerk_a"], project=first, data={"investor": "阿特斯阳光电力"}
    )
    client.force_login(people["clerk_a"])
    data = client.get("/imports/export/ledger/?year=2023").content
    plan = plan_ledger_import(io.BytesIO(data), user=people["clerk_a"], filename="台账.xlsx")
    assert plan.errors == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 3, "error": 0}


def test_reports_round_trip_changes_nothing(client, people, ledger_projects):
    first, second = ledger_projects
    admin = people["city_admin"]
    for project, month, amount, pct in (
        (first, date(2023, 3, 1), Decimal("300.00"), Decimal("15.0")),
        (first, date(2023, 4, 1), Decimal("450.25"), Decimal("20.5")),
        (second, date(2023, 3, 1), Decimal("0.00"), None),
    ):
        data = {"investment": amount, "progress": "主体施工", "problems": "-用地指标"}
        if pct is not None:
            data["percent_complete"] = pct
        report_services.report_record_accepted(
            user=admin, project=project, month=month, data=data, reason="测试"
        )
    client.force_login(admin)
    response = client.get("/imports/export/reports/?year=2023")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A3"
    headers = [c.value for c in sheet[2]]
    assert headers[:5] == ["项目代码", "项目名称", "所属板块", "月份", "当月完成投资（万元）"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3
    assert rows[0][3] == "2023-03" and rows[1][4] == pytest.approx(450.25)
    assert rows[0][headers.index("存在问题")] == "'-用地指标"

    # the escaped text comes back with its apostrophe; compare a copy without it
    for project in (first, second):
        for report in project.reports.all():
            if report.problems.startswith("-"):
                report_services.report_record_accepted(
                    user=admin,
                    project=project,
                    month=report.month,
                    data={"problems": "用地指标"},
                    reason="测试",
                )
    data = client.get("/imports/export/reports/?year=2023").content
    plan = plan_report_import(io.BytesIO(data), user=admin, filename="填报.xlsx")
    assert plan.errors == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
