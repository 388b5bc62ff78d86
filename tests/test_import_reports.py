"""Monthly report import, long and wide: recorded as accepted by the city with the import
in their history; re-importing changes nothing; only the city may import them."""

from datetime import date
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from ballast.imports.services import apply_plan, plan_report_import
from ballast.reports import services as report_services
from ballast.reports.models import MonthlyReport


def xlsx(path, rows, merges=(), percent_cells=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    for ref in percent_cells:
        sheet[ref].number_format = "0%"
    workbook.save(path)
    return path


@pytest.fixture
def projects(make_project, unit_b):
    return {
        "solar": make_project(name="阿特斯光储", code="2023-321081-39-03-000001"),
        "parts": make_project(name="亚新科双环"),
        "b": make_project(unit_b, name="高邮项目"),
    }


def test_long_reports_are_recorded_as_accepted_with_the_import_in_history(
    people, projects, tmp_path
):
    path = xlsx(
        tmp_path / "三月填报.xlsx",
        [
            ["2023年3月重大项目月度填报"],
            ["项目代码", "项目名称", "所属板块", "月份", "本月完成投资（亿元）", "形象进度", "完成比例", "存在的问题", "工作建议"],
            ["2023-321081-39-03-000001", None, None, "2023年3月", 0.3, "主体结构封顶", 0.45, "用电指标不足", "协调供电"],
            [None, "亚新科双环", "仪征", date(2023, 3, 1), "0.12", None, "45%", None, None],
            [None, "高邮项目", None, "2023.03", 0, "未动工", None, None, None],
        ],
        percent_cells=["G3"],
    )  # fmt: skip
    admin = people["city_admin"]

    plan = plan_report_import(path, user=admin)

    assert plan.is_valid, plan.error_listing()
    assert plan.layout == "long"
    apply_plan(plan, user=admin)
    solar = MonthlyReport.objects.get(project=projects["solar"])
    assert solar.month == date(2023, 3, 1)
    assert solar.investment == Decimal("3000.00")  # 0.3 亿元
    assert solar.percent_complete == Decimal("45.00")
    assert (solar.progress, solar.problems, solar.suggestions) == (
        "主体结构封顶",
        "用电指标不足",
        "协调供电",
    )
    assert solar.status == "accepted"
    assert solar.accepted_by == admin
    record = solar.history.get()
    assert (record.history_source, record.history_change_reason) == ("import", "导入 三月填报.xlsx")
    parts = MonthlyReport.objects.get(project=projects["parts"])
    assert (parts.investment, parts.percent_complete) == (Decimal("1200.00"), Decimal("45.00"))
    assert MonthlyReport.objects.get(project=projects["b"]).investment == Decimal("0")

    again = plan_report_import(path, user=admin)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    history = MonthlyReport.history.count()
    apply_plan(again, user=admin)
    assert MonthlyReport.history.count() == history


def test_wide_reports_with_a_year_in_the_title(people, projects, tmp_path):
    path = xlsx(
        tmp_path / "wide.xlsx",
        [
            ["2023年重大项目月度完成投资（单位：万元）"],
            ["序号", "项目名称", "所属板块", "1月", "二月", "3月完成投资"],
            [1, "阿特斯光储", "仪征", 100, "２００", None],
            [2, "亚新科双环", "仪征", None, 50.5, "-"],
        ],
    )
    admin = people["city_admin"]

    plan = plan_report_import(path, user=admin)

    assert plan.layout == "wide"
    assert plan.is_valid, plan.error_listing()
    apply_plan(plan, user=admin)
    assert sorted(
        MonthlyReport.objects.values_list("project__name", "month", "investment", "status")
    ) == [
        ("亚新科双环", date(2023, 2, 1), Decimal("50.50"), "accepted"),
        ("阿特斯光储", date(2023, 1, 1), Decimal("100.00"), "accepted"),
        ("阿特斯光储", date(2023, 2, 1), Decimal("200.00"), "accepted"),
    ]


def test_wide_reports_with_a_merged_year_over_the_months(people, projects, tmp_path):
    path = xlsx(
        tmp_path / "wide2.xlsx",
        [
            ["项目名称", "所属板块", "2023年", None, "2023-03"],
            [None, None, "1月", "2月", None],
            ["阿特斯光储", "仪征", 1, 2, 3],
        ],
        merges=["A1:A2", "B1:B2", "C1:D1", "E1:E2"],
    )

    plan = plan_report_import(path, user=people["city_admin"])

    assert plan.is_valid, plan.error_listing()
    assert [str(c) for c in plan.rows[0].changes] == [
        "2023年01月当月完成投资：（空） → 1 万元",
        "2023年02月当月完成投资：（空） → 2 万元",
        "2023年03月当月完成投资：（空） → 3 万元",
    ]


def test_an_existing_draft_becomes_accepted_and_a_changed_accepted_report_is_amended(
    people, projects, tmp_path
):
    clerk, admin = people["clerk_a"], people["city_admin"]
    report_services.report_save(
        user=clerk, project=projects["solar"], month=date(2023, 1, 1), data={"investment": 100}
    )
    report_services.report_record_accepted(
        user=admin,
        project=projects["parts"],
        month=date(2023, 1, 1),
        data={"investment": Decimal(10)},
        reason="先前导入",
    )
    path = xlsx(
        tmp_path / "amend.xlsx",
        [
            ["项目名称", "所属板块", "2023年1月"],
            ["阿特斯光储", "仪征", 100],
            ["亚新科双环", "仪征", 12],
        ],
    )

    plan = plan_report_import(path, user=admin)

    assert [r.action for r in plan.rows] == ["update", "update"]
    assert [str(c) for c in plan.rows[0].changes] == ["2023年01月状态：草稿 → 市级验收"]
    apply_plan(plan, user=admin)
    amended = MonthlyReport.objects.get(project=projects["parts"])
    assert (amended.investment, amended.amendment_count) == (Decimal("12.00"), 1)
    assert MonthlyReport.objects.get(project=projects["solar"]).status == "accepted"


def test_report_rows_with_problems_are_listed_and_nothing_is_written(people, projects, tmp_path):
    path = xlsx(
        tmp_path / "bad.xlsx",
        [
            ["项目名称", "所属板块", "月份", "当月完成投资", "完成比例"],
            ["阿特斯光储", "仪征", "2023年3月", 10, 120],
            ["不存在的项目", "仪征", "2023年3月", 10, None],
            ["亚新科双环", "仪征", "第三月", None, None],
            ["阿特斯光储", "仪征", "2023-03", 10, None],
        ],
    )

    plan = plan_report_import(path, user=people["city_admin"])

    assert [str(e) for e in plan.errors] == [
        "第 2 行“完成比例”列：完成比例 120.00% 应在 0–100 之间。",
        "第 3 行：找不到名为“不存在的项目”的项目（板块“仪征市”），请先导入项目台账。",
        "第 4 行“月份”列：“第三月”不是有效的月份，请写成 2023-03 或 2023年3月。",
        "第 5 行“当月完成投资”列：2023年03月 的填报与第 2 行重复。",
    ]
    with pytest.raises(CommandError):
        call_command("import_reports", str(path), stdout=StringIO())
    assert not MonthlyReport.objects.exists()


def test_only_people_who_may_accept_reports_import_them(people, projects, tmp_path):
    path = xlsx(
        tmp_path / "clerk.xlsx",
        [["项目名称", "所属板块", "月份", "当月完成投资"], ["阿特斯光储", "仪征", "2023-03", 1]],
    )

    plan = plan_report_import(path, user=people["clerk_a"])

    assert plan.file_errors[0].message.startswith("导入的月度填报按市级验收记录")


def test_report_command_dry_run_and_user(people, projects, tmp_path):
    path = xlsx(
        tmp_path / "cmd.xlsx",
        [["项目名称", "所属板块", "月份", "当月完成投资"], ["阿特斯光储", "仪征", "2023-03", 1]],
    )
    out = StringIO()

    call_command("import_reports", str(path), "--dry-run", "--user", "city_admin", stdout=out)
    assert "新增 1" in out.getvalue()
    assert not MonthlyReport.objects.exists()
    call_command("import_reports", str(path), "--user", "city_admin", stdout=out)
    assert MonthlyReport.objects.get().accepted_by == people["city_admin"]


@pytest.mark.parametrize("wide", [False, True])
def test_the_report_templates_read_back(people, projects, tmp_path, wide):
    from ballast.imports.templates import build_template

    workbook = build_template("reports", wide=wide)
    sheet = workbook["月度填报"]
    headers = [c.value for c in sheet[2]]
    row = dict.fromkeys(headers)
    row.update({"项目名称": "阿特斯光储", "所属板块": "仪征"})
    if wide:
        row.update({"年度": 2022, "11月（万元）": 30, "12月（万元）": "40"})
    else:
        row.update({"月份": "2022-12", "当月完成投资（万元）": 40, "完成比例（%）": 12.5})
    sheet.append([row[h] for h in headers])
    path = tmp_path / "template.xlsx"
    workbook.save(path)

    plan = plan_report_import(path, user=people["city_admin"])

    assert plan.warnings == []
    assert plan.layout == ("wide" if wide else "long")
    apply_plan(plan, user=people["city_admin"])
    assert MonthlyReport.objects.get(month=date(2022, 12, 1)).investment == Decimal("40.00")
    assert MonthlyReport.objects.count() == (2 if wide else 1)
