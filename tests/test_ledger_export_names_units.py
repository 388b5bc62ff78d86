"""The ledger and report exports (导出台账) name each project's unit by name (仪征市), not
by its code, and the import still reads names and codes alike: export → import changes
nothing, and a file naming units by code plans the same rows."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from ballast.imports.services import plan_ledger_import, plan_report_import
from ballast.reports import services as report_services


@pytest.fixture
def projects(make_project, unit_b):
    return (
        make_project(
            name="光储一期", code="2023-321081-38-03-000001", planned_start=date(2023, 3, 1)
        ),
        make_project(unit_b, name="高邮项目", total_investment=Decimal("25000.00")),
    )


def _sheet(client, url):
    return openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active


def _unit_column(sheet) -> int:
    return [c.value for c in sheet[2]].index("所属板块") + 1


def test_ledger_names_units_and_reads_back_names_and_codes(client, people, projects):
    admin = people["city_admin"]
    client.force_login(admin)
    sheet = _sheet(client, "/imports/export/ledger/?year=2023")
    column = _unit_column(sheet)
    units = {row[1].value: row[column - 1].value for row in sheet.iter_rows(min_row=3)}
    assert units == {"光储一期": "仪征市", "高邮项目": "高邮市"}

    saved = io.BytesIO()
    sheet.parent.save(saved)
    plan = plan_ledger_import(io.BytesIO(saved.getvalue()), user=admin, filename="台账.xlsx")
    assert plan.errors == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}

    codes = {"仪征市": "321081", "高邮市": "321084"}
    for row in sheet.iter_rows(min_row=3):
        row[column - 1].value = codes[row[column - 1].value]
    by_code = io.BytesIO()
    sheet.parent.save(by_code)
    plan = plan_ledger_import(io.BytesIO(by_code.getvalue()), user=admin, filename="台账.xlsx")
    assert plan.errors == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}


@pytest.mark.django_db
def test_report_export_names_units_and_reads_back(client, people, projects):
    admin = people["city_admin"]
    report_services.report_record_accepted(
        user=admin,
        project=projects[0],
        month=date(2023, 3, 1),
        data={"investment": Decimal("300.00"), "progress": "主体施工"},
        reason="测试",
    )
    client.force_login(admin)
    sheet = _sheet(client, "/imports/export/reports/?year=2023")
    column = _unit_column(sheet)
    assert [row[column - 1].value for row in sheet.iter_rows(min_row=3)] == ["仪征市"]
    saved = io.BytesIO()
    sheet.parent.save(saved)
    plan = plan_report_import(io.BytesIO(saved.getvalue()), user=admin, filename="月报.xlsx")
    assert plan.errors == []
    assert plan.counts.get("create", 0) == 0 and plan.counts.get("update", 0) == 0
