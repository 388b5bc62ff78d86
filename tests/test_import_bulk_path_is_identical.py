"""The ledger and report imports' bulk path (the services' bulk forms) leaves exactly what the
one-operation-at-a-time path leaves: the same rows with the same values, the same
history rows (user, reason, source, change type, values) and the same audit records,
apart from ids and times."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from simple_history.models import HistoricalRecords

from ballast.audit.models import AuditRecord
from ballast.audit.services import verify_chain
from ballast.imports import services as import_services
from ballast.imports.plan import ImportRejected
from ballast.imports.services import apply_plan, plan_ledger_import, plan_report_import
from ballast.projects import services as project_services
from ballast.projects.choices import SuspensionReason
from ballast.projects.models import AnnualPlan, Project, StageEvent, Suspension, Termination
from ballast.reports import services as report_services
from ballast.reports.models import MonthlyReport

MODELS = (Project, StageEvent, AnnualPlan, Suspension, Termination, MonthlyReport)
TIMES = {"id", "created_at", "updated_at", "history_id", "history_date", "accepted_at"}


def xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _names():
    return dict(Project.objects.values_list("pk", "name"))


def _plain(values: dict, names: dict) -> tuple:
    """A row's values without ids and times, its projects by name."""
    out = {}
    for key, value in values.items():
        if key in TIMES:
            continue
        if key in ("project_id", "parent_id") and value is not None:
            value = names.get(value, value)
        out[key] = value
    return tuple(sorted(out.items(), key=lambda item: item[0]))


def _audit_changes(changes: dict, names: dict) -> tuple:
    out = []
    for field, values in sorted(changes.items()):
        if field in TIMES:
            continue
        values = dict(values)
        if field in ("project_id", "parent_id"):
            values = {k: names.get(int(v), v) if v else v for k, v in values.items()}
        out.append((field, tuple(sorted(values.items()))))
    return tuple(out)


def snapshot(after_seq: int) -> dict:
    """Everything the import can leave, comparable across the two paths."""
    names = _names()
    state = {}
    for model in MODELS:
        state[model.__name__] = sorted((_plain(v, names) for v in model.objects.values()), key=repr)
        history = model.history.model
        state[f"history:{model.__name__}"] = sorted(
            (_plain(v, names) for v in history.objects.values()), key=repr
        )
    leaders = HistoricalRecords.m2m_models[Project._meta.get_field("leaders")]
    state["history:leaders"] = sorted(
        (names[row.project_id], row.history.history_type, row.user_id)
        for row in leaders.objects.select_related("history")
    )
    state["audit"] = sorted(
        (
            (
                r.actor_username,
                r.source,
                r.kind,
                r.action,
                r.model_label,
                r.object_repr,
                r.reason,
                _audit_changes(r.changes, names),
            )
            for r in AuditRecord.objects.filter(seq__gt=after_seq)
        ),
        key=repr,
    )
    return state


class _Undo(Exception):
    pass


def run(plan, user, *, bulk: bool) -> dict:
    """Apply ``plan`` one way, take the snapshot, roll the import back."""
    after_seq = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    try:
        with transaction.atomic():
            apply_plan(plan, user=user, bulk=bulk)
            assert verify_chain()[1] is None
            state = snapshot(after_seq)
            raise _Undo
    except _Undo:
        pass
    return state


@pytest.fixture
def ledger(people, make_project, unit_a, tmp_path, d):
    """A city with projects at several points of their lives, and a ledger that creates,
    changes, records and corrects stages, plans, suspends, resumes, terminates, and has a
    row that changes nothing."""
    clerk = people["clerk_a"]
    changed = make_project(
        name="扩建项目", code="2023-321081-39-03-000001", stages={"signed": d(2023, 1, 5)}
    )
    changed.leaders.set([people["leader_a"]])
    make_project(name="更正项目", stages={"signed": d(2023, 2, 1)})
    make_project(name="原样项目", code="2023-321081-39-03-000002")
    planned = make_project(name="计划项目")
    project_services.plan_save(
        user=clerk, project=planned, year=2024, planned_investment=Decimal("1000")
    )
    make_project(name="停建项目")
    paused = make_project(name="复工项目", stages={"started": d(2023, 3, 1)})
    project_services.project_suspend(
        user=clerk, project=paused, kind="stopped", reason=SuspensionReason.OTHER, on=d(2023, 5, 1)
    )
    make_project(name="终止项目", stages={"signed": d(2023, 1, 9)})
    head = [
        "项目代码",
        "项目名称",
        "所属板块",
        "项目类别",
        "总投资（万元）",
        "签约日期",
        "开工日期",
        "阶段更正原因",
        "状态",
        "状态日期",
        "状态原因",
        "计划年度",
        "年度计划投资",
    ]
    rows = [
        head,
        [
            "",
            "新项目甲",
            "仪征",
            "工业",
            5000,
            "2023-03-08",
            "2023-06-01",
            "",
            "",
            "",
            "",
            2024,
            800,
        ],
        ["", "新项目乙", "仪征", "服务业", 12000, "", "", "", "", "", "", "", ""],
        ["2023-321081-39-03-000001", "扩建项目", "仪征", "工业", 180000, "", "2023-04-01"]
        + [""] * 6,
        ["", "更正项目", "仪征", "工业", 100000, "2023-02-03", "", "合同重签"] + [""] * 5,
        ["2023-321081-39-03-000002", "原样项目", "仪征", "工业", 100000] + [""] * 8,
        ["", "计划项目", "仪征", "工业", 100000, "", "", "", "", "", "", 2024, 1500],
        ["", "停建项目", "仪征", "", "", "", "", "", "停建", "2023-07-01", "资金", "", ""],
        ["", "复工项目", "仪征", "", "", "", "", "", "在建", "2023-08-01", "", "", ""],
        ["", "终止项目", "仪征", "", "", "", "", "", "终止", "2023-09-01", "企业退出", "", ""],
    ]
    path = xlsx(tmp_path / "台账.xlsx", rows)
    plan = plan_ledger_import(path, user=clerk, today=date(2023, 12, 31))
    assert plan.is_valid, plan.error_listing()
    assert plan.counts == {"create": 2, "update": 6, "unchanged": 1, "error": 0}
    return plan, clerk


def test_bulk_and_one_by_one_leave_the_same_data_history_and_trail(ledger, monkeypatch):
    plan, clerk = ledger

    one_by_one = run(plan, clerk, bulk=False)
    # The bulk run must not fall back to the one-by-one path.
    monkeypatch.setattr(import_services, "_apply_ledger_row", None)
    bulk = run(plan, clerk, bulk=True)

    assert bulk == one_by_one
    # … and the import did everything it was meant to.
    assert len(one_by_one["Project"]) == 9
    assert len(one_by_one["audit"]) == 12  # 2 new, 1 changed, 4 stages, 2 plans, 3 statuses
    assert any(row[1] == "~" for row in one_by_one["history:leaders"])
    reasons = {dict(row)["history_change_reason"] for row in one_by_one["history:StageEvent"]}
    assert any(reason and "合同重签" in reason for reason in reasons)
    sources = {dict(row)["history_source"] for row in one_by_one["history:Project"]}
    assert "import" in sources
    plans = [dict(row) for row in one_by_one["AnnualPlan"]]
    assert {(p["project_id"], p["planned_investment"]) for p in plans} == {
        ("新项目甲", Decimal("800.00")),
        ("计划项目", Decimal("1500.00")),
    }


def test_a_refusal_in_bulk_names_the_row_and_keeps_nothing(ledger, people):
    plan, clerk = ledger
    before = Project.objects.count()
    Project.objects.filter(name="扩建项目").update(unit=people["clerk_b"].region)

    with pytest.raises(ImportRejected) as refused:
        apply_plan(plan, user=clerk)

    assert refused.value.errors[0].row == 4
    assert Project.objects.count() == before


@pytest.fixture
def report_file(people, make_project, tmp_path, d):
    """Projects with a draft, an accepted report and one accepted report that stays as
    it is, and a wide file of three months that creates, accepts, amends and keeps."""
    clerk, admin = people["clerk_a"], people["city_admin"]
    solar = make_project(name="光储项目", total_investment=Decimal("500"))
    parts = make_project(name="部件项目", total_investment=Decimal("60"))
    make_project(name="新报项目", total_investment=Decimal("100"))
    report_services.report_save(
        user=clerk, project=solar, month=d(2023, 1, 1), data={"investment": 100}
    )
    for month, amount in ((1, 10), (2, 20)):
        report_services.report_record_accepted(
            user=admin,
            project=parts,
            month=d(2023, month, 1),
            data={"investment": Decimal(amount)},
            reason="先前导入",
        )
    path = xlsx(
        tmp_path / "三个月.xlsx",
        [
            ["项目名称", "所属板块", "2023年1月", "2023年2月", "2023年3月"],
            ["光储项目", "仪征", 100, 50, None],
            ["部件项目", "仪征", 12, 20, 25],  # January amended, February kept, March new
            ["新报项目", "仪征", None, 30, 40],
        ],
    )
    plan = plan_report_import(path, user=admin, today=d(2023, 12, 31))
    assert plan.is_valid, plan.error_listing()
    assert plan.counts == {"create": 1, "update": 2, "unchanged": 0, "error": 0}
    return plan, admin


def test_bulk_and_one_by_one_record_the_same_reports_history_and_trail(report_file, monkeypatch):
    plan, admin = report_file

    one_by_one = run(plan, admin, bulk=False)
    monkeypatch.setattr(import_services, "_apply_report_row", None)  # no fallback
    bulk = run(plan, admin, bulk=True)

    assert bulk == one_by_one
    reports = {
        (r["project_id"], r["month"]): (r["investment"], r["status"], r["amendment_count"])
        for r in map(dict, one_by_one["MonthlyReport"])
    }
    assert reports == {
        ("光储项目", date(2023, 1, 1)): (Decimal("100.00"), "accepted", 0),
        ("光储项目", date(2023, 2, 1)): (Decimal("50.00"), "accepted", 0),
        ("部件项目", date(2023, 1, 1)): (Decimal("12.00"), "accepted", 1),
        ("部件项目", date(2023, 2, 1)): (Decimal("20.00"), "accepted", 0),
        ("部件项目", date(2023, 3, 1)): (Decimal("25.00"), "accepted", 0),
        ("新报项目", date(2023, 2, 1)): (Decimal("30.00"), "accepted", 0),
        ("新报项目", date(2023, 3, 1)): (Decimal("40.00"), "accepted", 0),
    }
    # 4 new reports, the draft accepted, January amended: 6 history rows and records.
    assert len([r for r in one_by_one["audit"] if r[4] == "reports.MonthlyReport"]) == 6
    history = [dict(r) for r in one_by_one["history:MonthlyReport"]]
    assert {r["history_change_reason"] for r in history if r["history_source"] == "import"} == {
        "导入 三个月.xlsx"
    }


def test_a_report_over_the_total_in_bulk_names_the_row_and_keeps_nothing(report_file):
    plan, admin = report_file
    Project.objects.filter(name="新报项目").update(total_investment=Decimal("50"))
    before = MonthlyReport.objects.count()

    with pytest.raises(ImportRejected) as refused:
        apply_plan(plan, user=admin)

    assert refused.value.errors[0].row == 4
    assert "超过项目总投资" in refused.value.errors[0].message
    assert MonthlyReport.objects.count() == before
