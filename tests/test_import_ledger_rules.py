"""Ledger import rules: all-or-nothing with every error listed, stage order, access,
matching by code then name, status, CSV, limits, formulas, commands and templates."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from ballast.imports import reading
from ballast.imports.plan import ImportRejected
from ballast.imports.services import apply_plan, plan_ledger_import
from ballast.imports.templates import build_template
from ballast.projects import services as project_services
from ballast.projects.models import AnnualPlan, Project, StageEvent, Suspension, Termination

HEAD = ["项目代码", "项目名称", "所属板块", "项目类别", "总投资（万元）", "签约日期", "开工日期"]


def xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_any_invalid_row_stops_the_import_and_every_error_is_listed(people, tmp_path):
    path = xlsx(
        tmp_path / "bad.xlsx",
        [
            ["项目名称", "所属板块", "总投资（万元）", "签约日期", "统一社会信用代码"],
            ["好项目", "仪征", 5000, "2023-03-08", ""],
            ["坏日期", "仪征", 5000, "2023-13-45", ""],
            ["坏板块", "火星区", "一千", None, "91320000MA1234567X"],
        ],
    )
    clerk = people["clerk_a"]

    plan = plan_ledger_import(path, user=clerk)

    assert not plan.is_valid
    assert [str(e) for e in plan.errors] == [
        "第 3 行“签约日期”列：“2023-13-45”不是有效的日期。",
        "第 4 行“所属板块”列：找不到板块“火星区”（可填板块代码、名称或简称）。",
        "第 4 行“总投资（万元）”列：“一千”不是有效的数字。",
    ]
    assert plan.counts == {"create": 1, "update": 0, "unchanged": 0, "error": 2}
    with pytest.raises(ImportRejected):
        apply_plan(plan, user=clerk)
    with pytest.raises(CommandError) as failure:
        call_command("import_projects", str(path), "--user", "clerk_a")
    assert "没有写入任何数据" in str(failure.value)
    assert "第 3 行“签约日期”列" in str(failure.value)
    assert not Project.objects.exists()


def test_field_rules_of_the_model_become_row_errors(people, tmp_path):
    path = xlsx(
        tmp_path / "rules.xlsx",
        [
            ["项目名称", "所属板块", "总投资（万元）", "统一社会信用代码", "项目代码"],
            ["校验位错", "仪征", 5000, "91320000MA1234567X", "2023-321000-39-03-012345"],
            ["负投资", "仪征", -1, None, "2023-321000-39-03-12"],
        ],
    )

    plan = plan_ledger_import(path, user=people["clerk_a"])

    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "统一社会信用代码"),
        (3, "项目代码"),
        (3, "总投资（万元）"),
    ]
    assert plan.errors[0].message == "统一社会信用代码校验位不正确。"


def test_stage_dates_against_the_domain_order_are_row_errors(people, make_project, tmp_path):
    recorded = make_project(name="已开工项目", stages={"started": date(2023, 3, 1)})
    path = xlsx(
        tmp_path / "stages.xlsx",
        [
            [
                "项目名称",
                "所属板块",
                "项目类别",
                "总投资（万元）",
                "签约日期",
                "开工日期",
                "投产日期",
            ],
            ["倒序项目", "仪征", "产业类", 100, "2023-05-01", "2023-03-01", None],
            [recorded.name, "仪征", None, None, "2023-04-01", None, None],
            ["道路工程", "仪征", "基础设施类", 100, None, None, "2024-01-01"],
        ],
    )

    plan = plan_ledger_import(path, user=people["clerk_a"])

    assert [str(e) for e in plan.errors] == [
        "第 2 行“开工日期”列：开工日期 2023-03-01 早于本行的签约日期 2023-05-01，阶段日期不能倒序。",
        "第 3 行“签约日期”列：签约日期 2023-04-01 晚于已记录的开工日期 2023-03-01，阶段日期不能倒序。",
        "第 4 行“投产日期”列：基础设施类项目没有“投产”阶段。",
    ]


def test_rows_of_units_the_user_may_not_write_are_errors(people, make_project, unit_b, tmp_path):
    theirs = make_project(unit_b, name="高邮项目", code="2023-321084-39-03-000001")
    path = xlsx(
        tmp_path / "access.xlsx",
        [
            ["项目代码", "项目名称", "所属板块", "总投资（万元）"],
            [None, "越界新增", "高邮市", 100],
            [theirs.code, "改名", None, 200],
        ],
    )

    plan = plan_ledger_import(path, user=people["clerk_a"])

    assert [str(e) for e in plan.errors] == [
        "第 2 行“所属板块”列：您无权在板块“高邮市”新增项目。",
        "第 3 行：项目“高邮项目”属于板块“高邮市”，您无权修改。",
    ]
    assert plan_ledger_import(path, user=people["city_reviewer"]).file_errors[0].message == (
        "您没有导入项目台账的权限。"
    )


def test_rows_match_by_code_then_by_name_within_the_unit(people, make_project, unit_b, tmp_path):
    coded = make_project(name="旧名称", code="2023-321081-39-03-000007")
    named = make_project(name="数据中心", total_investment=Decimal("1000"))
    same_name_elsewhere = make_project(unit_b, name="数据中心", total_investment=Decimal("1000"))
    path = xlsx(
        tmp_path / "match.xlsx",
        [
            ["项目代码", "项目名称", "所属板块", "总投资（万元）"],
            ["２０２３－３２１０８１－３９－０３－０００００７", "新名称", "仪征", "100,000"],
            [None, "数据 中心", "321081", 1200],
        ],
    )

    plan = plan_ledger_import(path, user=people["city_admin"])

    assert plan.is_valid, plan.error_listing()
    assert [(r.action, r.project_id) for r in plan.rows] == [
        ("update", coded.pk),
        ("update", named.pk),
    ]
    assert [str(c) for c in plan.rows[0].changes] == ["项目名称：旧名称 → 新名称"]
    assert [str(c) for c in plan.rows[1].changes] == ["总投资（万元）：1000 万元 → 1200 万元"]
    apply_plan(plan, user=people["city_admin"])
    coded.refresh_from_db()
    named.refresh_from_db()
    same_name_elsewhere.refresh_from_db()
    assert coded.name == "新名称"
    assert named.total_investment == Decimal("1200")
    assert same_name_elsewhere.total_investment == Decimal("1000")


def test_status_columns_suspend_and_terminate_once(people, make_project, tmp_path):
    make_project(name="停建项目", stages={"started": date(2023, 2, 1)})
    make_project(name="终止项目", stages={"signed": date(2023, 1, 10)})
    path = xlsx(
        tmp_path / "status.xlsx",
        [
            ["项目名称", "所属板块", "状态", "状态日期", "状态原因", "说明"],
            ["停建项目", "仪征", "停建", "2023-06-01", "资金不到位", None],
            ["终止项目", "仪征", "终止", "2023-07-01", "投资方退出", "企业战略调整"],
        ],
    )
    clerk = people["clerk_a"]

    apply_plan(plan_ledger_import(path, user=clerk), user=clerk)

    suspension = Suspension.objects.get(project__name="停建项目")
    assert (suspension.kind, suspension.reason, suspension.started_on) == (
        "stopped",
        "funding",
        date(2023, 6, 1),
    )
    termination = Termination.objects.get(project__name="终止项目")
    assert (termination.reason, termination.note) == ("investor_withdrew", "企业战略调整")
    again = plan_ledger_import(path, user=clerk)
    assert again.counts["unchanged"] == 2


def test_a_new_phase_may_name_its_parent_in_an_earlier_row(people, tmp_path):
    path = xlsx(
        tmp_path / "phases.xlsx",
        [
            ["项目名称", "所属板块", "总投资（万元）", "上级项目", "分期"],
            ["阿特斯光储全产业链", "仪征", 300000, None, None],
            ["阿特斯光储二期", "仪征", 100000, "阿特斯光储全产业链", "二期"],
        ],
    )
    clerk = people["clerk_a"]

    apply_plan(plan_ledger_import(path, user=clerk), user=clerk)

    phase = Project.objects.get(name="阿特斯光储二期")
    assert phase.parent.name == "阿特斯光储全产业链"
    assert phase.phase_label == "二期"
    assert plan_ledger_import(path, user=clerk).counts["unchanged"] == 2


def test_csv_in_gb18030_is_read_like_a_workbook(people, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(
        "项目名称,所属板块,总投资（亿元）,开工日期,计划年度,年度计划投资\n"
        '扬州数据中心,仪征,"1.25",2023年3月8日,2023,"1,200"\n'.encode("gb18030")
    )
    clerk = people["clerk_a"]

    apply_plan(plan_ledger_import(path, user=clerk), user=clerk)

    project = Project.objects.get(name="扬州数据中心")
    assert project.total_investment == Decimal("12500.00")
    assert StageEvent.objects.get(project=project).date == date(2023, 3, 8)
    assert AnnualPlan.objects.get(project=project).planned_investment == Decimal("1200")


def test_formula_cells_are_never_evaluated(people, tmp_path):
    path = xlsx(
        tmp_path / "formula.xlsx",
        [["项目名称", "所属板块", "总投资（万元）"], ["公式项目", "仪征", "=100*2"]],
    )

    plan = plan_ledger_import(path, user=people["clerk_a"])

    # openpyxl wrote no cached value, so the cell reads as blank: nothing computes 200.
    assert [str(e) for e in plan.errors] == ["第 2 行“总投资（万元）”列：新增项目须填写总投资。"]


def test_oversized_input_is_refused_with_a_clear_message(people, tmp_path, monkeypatch):
    rows = [["项目名称", "所属板块", "总投资（万元）"]] + [
        [f"项目{i}", "仪征", 1] for i in range(30)
    ]
    path = xlsx(tmp_path / "big.xlsx", rows)
    monkeypatch.setattr(reading, "MAX_ROWS", 20)

    plan = plan_ledger_import(path, user=people["clerk_a"])

    assert plan.file_errors[0].message.startswith("数据共 30 行，超过 20 行的上限")
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    assert "超过上限" in plan_ledger_import(path, user=people["clerk_a"]).file_errors[0].message


def test_dry_run_reports_changes_and_writes_nothing(people, tmp_path):
    path = xlsx(
        tmp_path / "dry.xlsx",
        [["项目名称", "所属板块", "总投资（万元）"], ["试运行项目", "仪征", 500]],
    )
    from io import StringIO

    out = StringIO()
    call_command("import_projects", str(path), "--dry-run", stdout=out)

    assert "新增 1，修改 0，无变化 0，有错误 0" in out.getvalue()
    assert "第 2 行 试运行项目：新增" in out.getvalue()
    assert "试运行（--dry-run）：没有写入任何数据。" in out.getvalue()
    assert not Project.objects.exists()
    call_command("import_projects", str(path), stdout=StringIO())
    assert Project.history.get().history_user == people["city_admin"]


def test_the_ledger_template_reads_back_every_column(people, tmp_path):
    workbook = build_template("ledger")
    sheet = workbook["项目台账"]
    headers = [c.value for c in sheet[2]]
    row = {h: None for h in headers}
    row.update({"项目名称": "模板项目", "所属板块": "仪征", "总投资（万元）": 100})
    sheet.append([row[h] for h in headers])
    path = tmp_path / "template.xlsx"
    workbook.save(path)

    plan = plan_ledger_import(path, user=people["clerk_a"])

    assert plan.warnings == []
    assert plan.counts["create"] == 1, plan.error_listing()


def test_services_reject_what_slipped_past_the_plan_and_roll_back(people, make_project, tmp_path):
    project = make_project(name="并发项目")
    path = xlsx(
        tmp_path / "race.xlsx",
        [["项目名称", "所属板块", "总投资（万元）", "签约日期"], ["新项目", "仪征", 1, None],
         ["并发项目", "仪征", None, "2023-05-01"]],
    )  # fmt: skip
    clerk = people["clerk_a"]
    plan = plan_ledger_import(path, user=clerk)
    # After the preview, someone records a later stage: the signed date now goes backwards.
    project_services.stage_record(user=clerk, project=project, stage="started", on=date(2023, 4, 1))

    with pytest.raises(ImportRejected) as failure:
        apply_plan(plan, user=clerk)

    assert str(failure.value).startswith("第 3 行：")
    assert not Project.objects.filter(name="新项目").exists()


def test_commands_need_someone_to_act_as(db, tmp_path):
    path = xlsx(tmp_path / "nobody.xlsx", [["项目名称", "所属板块"], ["项目", "仪征"]])

    with pytest.raises(CommandError, match="没有可用的超级用户或市级管理员"):
        call_command("import_projects", str(path))
    with pytest.raises(CommandError, match="没有名为“ghost”的有效用户"):
        call_command("import_projects", str(path), "--user", "ghost")


def test_one_project_code_on_two_rows_is_an_error_even_in_two_units(people, tmp_path):
    path = xlsx(
        tmp_path / "twice.xlsx",
        [
            ["项目代码", "项目名称", "所属板块", "总投资（万元）"],
            ["2023-321081-39-03-000009", "甲", "仪征", 1],
            ["2023-321081-39-03-000009", "乙", "高邮", 1],
        ],
    )

    plan = plan_ledger_import(path, user=people["city_admin"])

    assert [str(e) for e in plan.errors] == [
        "第 3 行：与第 2 行是同一个项目，一个项目只能出现一行。"
    ]


def test_stage_dates_can_all_be_moved_later_or_earlier_at_once(people, make_project, tmp_path):
    project = make_project(
        name="改期项目", stages={"signed": date(2023, 1, 1), "started": date(2023, 2, 1)}
    )
    clerk = people["clerk_a"]
    for signed, started in (("2023-03-01", "2023-04-01"), ("2022-11-01", "2022-12-01")):
        path = xlsx(
            tmp_path / f"move{signed}.xlsx",
            [["项目名称", "所属板块", "签约日期", "开工日期", "落地日期", "阶段更正原因"],
             ["改期项目", "仪征", signed, started, started, "按施工许可证核对"]],
        )  # fmt: skip

        apply_plan(plan_ledger_import(path, user=clerk), user=clerk)

        assert dict(StageEvent.objects.filter(project=project).values_list("stage", "date")) == {
            "signed": date.fromisoformat(signed),
            "landed": date.fromisoformat(started),
            "started": date.fromisoformat(started),
        }


def test_an_uploaded_file_object_is_read_like_a_path(people, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = xlsx(
        tmp_path / "up.xlsx", [["项目名称", "所属板块", "总投资（万元）"], ["上传项目", "仪征", 9]]
    )
    upload = SimpleUploadedFile("网页上传.xlsx", path.read_bytes())
    csv_upload = SimpleUploadedFile(
        "网页上传.csv", "项目名称,所属板块,总投资\n上传项目,仪征,9\n".encode()
    )

    plan = plan_ledger_import(upload, user=people["clerk_a"], filename=upload.name)
    csv_plan = plan_ledger_import(csv_upload, user=people["clerk_a"])

    assert (plan.counts["create"], csv_plan.counts["create"]) == (1, 1)
    assert (plan.reason, csv_plan.reason) == ("导入 网页上传.xlsx", "导入 网页上传.csv")


def test_zip_bombs_and_files_that_are_not_workbooks_are_refused(people, tmp_path, monkeypatch):
    path = xlsx(tmp_path / "ok.xlsx", [["项目名称", "所属板块"], ["项目", "仪征"]])
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a workbook")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    clerk = people["clerk_a"]

    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    assert "解压后" in plan_ledger_import(path, user=clerk).file_errors[0].message
    assert (
        plan_ledger_import(fake, user=clerk)
        .file_errors[0]
        .message.startswith("文件不是有效的 .xlsx 工作簿")
    )
    assert (
        plan_ledger_import(old, user=clerk)
        .file_errors[0]
        .message.startswith("不支持旧版 .xls 文件")
    )
