"""A messy real-world ledger imports: title row, unit line, two-row merged headers,
aliases, 亿元 and 元 units, text dates, full-width digits, numbers stored as text."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from ballast.imports.services import apply_plan, plan_ledger_import
from ballast.projects.models import AnnualPlan, Project, StageEvent


def write(path, rows, merges=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


@pytest.fixture
def messy_ledger(tmp_path):
    rows = [
        ["2023年仪征市重大项目台账", None, None, None, None, None, None, None, None, None, None],
        ["金额单位：亿元", None, None, None, None, None, None, None, None, None, None],
        [
            "序号",
            "项目名称",
            "县（市、区）",
            "项目业主",
            "总投资",
            "达产后年入库税收（元）",
            "计划日期",
            None,
            "签约日期",
            "开工时间",
            "2023年计划",
        ],
        [None, None, None, None, None, None, "开工", "竣工", None, None, "年度计划投资（万元）"],
        [
            1,
            "  阿特斯光储 一期 ",
            "仪征",
            "阿特斯阳光电力集团",
            1.1,
            "１２，３４５，６７８",
            "2023.3.8",
            "2024年12月",
            "2023/1/5",
            "2023年3月8日",
            "２０００",
        ],
        [
            2,
            "亚新科双环汽车零部件",
            "321081",
            " 亚新科 ",
            "20",
            1500000,
            date(2023, 3, 1),
            "2023-12-31",
            "2022-11-20",
            date(2023, 3, 10),
            6000.5,
        ],
        ["合计", None, None, None, 21.1, None, None, None, None, None, 8000.5],
    ]
    merges = [
        "A1:K1",
        "A3:A4",
        "B3:B4",
        "C3:C4",
        "D3:D4",
        "E3:E4",
        "F3:F4",
        "G3:H3",
        "I3:I4",
        "J3:J4",
    ]
    return write(tmp_path / "仪征台账.xlsx", rows, merges)


def test_messy_ledger_is_read_into_exact_values(people, unit_a, messy_ledger):
    plan = plan_ledger_import(messy_ledger, user=people["clerk_a"])

    assert plan.is_valid, plan.error_listing()
    assert plan.counts["create"] == 2
    assert plan.warnings == []
    apply_plan(plan, user=people["clerk_a"])

    solar = Project.objects.get(name="阿特斯光储一期")
    assert solar.unit == unit_a
    assert solar.investor == "阿特斯阳光电力集团"
    # 1.1 亿元 = 11,000 万元 exactly, not 11000.000000000000888…
    assert solar.total_investment == Decimal("11000.00")
    # 12,345,678 元 (full-width, text with separators) = 1,234.5678 万元 → 1,234.57
    assert solar.expected_annual_tax == Decimal("1234.57")
    assert solar.planned_start == date(2023, 3, 8)
    assert solar.planned_completion == date(2024, 12, 1)
    assert dict(StageEvent.objects.filter(project=solar).values_list("stage", "date")) == {
        "signed": date(2023, 1, 5),
        "started": date(2023, 3, 8),
    }
    assert AnnualPlan.objects.get(project=solar, year=2023).planned_investment == Decimal("2000")

    parts = Project.objects.get(name="亚新科双环汽车零部件")
    assert parts.investor == "亚新科"
    assert parts.total_investment == Decimal("200000.00")  # "20" 亿元
    assert parts.expected_annual_tax == Decimal("150.00")  # 1,500,000 元
    assert AnnualPlan.objects.get(project=parts, year=2023).planned_investment == Decimal("6000.50")


def test_reimporting_the_same_ledger_changes_nothing(people, messy_ledger):
    clerk = people["clerk_a"]
    apply_plan(plan_ledger_import(messy_ledger, user=clerk), user=clerk)
    counts = (
        Project.history.count(),
        StageEvent.history.count(),
        AnnualPlan.history.count(),
    )

    second = plan_ledger_import(messy_ledger, user=clerk)
    assert second.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    apply_plan(second, user=clerk)

    assert (
        Project.history.count(),
        StageEvent.history.count(),
        AnnualPlan.history.count(),
    ) == counts


def test_history_of_an_import_names_the_file_and_the_source(people, messy_ledger):
    clerk = people["clerk_a"]
    apply_plan(plan_ledger_import(messy_ledger, user=clerk), user=clerk)

    record = Project.history.get(name="阿特斯光储一期")
    assert record.history_user == clerk
    assert record.history_source == "import"
    assert record.history_change_reason == "导入 仪征台账.xlsx"


def test_the_plan_year_comes_from_a_merged_year_above_the_plan_column(people, tmp_path):
    path = write(
        tmp_path / "year.xlsx",
        [
            ["项目名称", "所属板块", "总投资（万元）", "2024年", None],
            [None, None, None, "计划投资", "1-6月完成"],
            ["新材料产业园", "仪征", 50000, 8000, 3000],
        ],
        merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1"],
    )

    plan = plan_ledger_import(path, user=people["clerk_a"])

    assert plan.warnings == ["以下列未识别，已忽略：1-6月完成"]
    apply_plan(plan, user=people["clerk_a"])
    assert AnnualPlan.objects.get(project__name="新材料产业园").year == 2024
