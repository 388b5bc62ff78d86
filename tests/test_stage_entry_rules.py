"""Dates of the lifecycle (projects/rules.py, core/validators.py), through every door: the
services, the web forms, the ledger import.

- a stage, a stop, a resumption, a termination or a node's completion has happened: not
  after today (开工 2026-12-20 on 2026-12-02 is refused);
- every date of the domain lies in 1990–2100 (0001-01-01, 9999-12-31 refused);
- correcting an already recorded stage date needs a reason, kept in the history.
"""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from ballast.imports.services import apply_plan, plan_ledger_import
from ballast.projects import services
from ballast.projects.models import Project, StageEvent

TODAY = date(2026, 12, 2)


@pytest.fixture
def project(make_project, pinned_today):
    pinned_today(TODAY)
    return make_project(
        name="仪征智能装备产业园",
        code="2026-321081-35-03-000012",
        stages={"signed": date(2026, 3, 1), "started": date(2026, 6, 1)},
    )


def ledger(tmp_path, header, *rows, name="台账.xlsx"):
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def errors_of(plan) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in plan.errors]


# -- 2. stage dates in the future ------------------------------------------------------


def test_service_refuses_a_start_after_today(people, make_project, pinned_today):
    pinned_today(TODAY)
    signed = make_project(name="签约未开工", stages={"signed": date(2026, 10, 1)})
    with pytest.raises(ValidationError) as exc:
        services.stage_record(
            user=people["clerk_a"], project=signed, stage="started", on=date(2026, 12, 20)
        )
    assert "“开工”日期 2026-12-20 晚于今天（2026-12-02）" in exc.value.message_dict["date"][0]
    assert not StageEvent.objects.filter(project=signed, stage="started").exists()


def test_service_refuses_a_stage_reached_after_today(people, project):
    with pytest.raises(ValidationError) as exc:
        services.stage_record(
            user=people["clerk_a"], project=project, stage="in_statistics", on=date(2026, 12, 20)
        )
    assert exc.value.message_dict["date"] == [
        "“列统”日期 2026-12-20 晚于今天（2026-12-02），不能记录尚未发生的事。"
    ]
    assert not StageEvent.objects.filter(project=project, stage="in_statistics").exists()
    event = services.stage_record(
        user=people["clerk_a"], project=project, stage="in_statistics", on=TODAY
    )
    assert event.date == TODAY


def test_stops_resumptions_terminations_and_done_nodes_have_happened(people, project):
    clerk = people["clerk_a"]
    with pytest.raises(ValidationError) as exc:
        services.project_suspend(
            user=clerk, project=project, kind="stopped", reason="funding", on=date(2026, 12, 3)
        )
    assert "started_on" in exc.value.message_dict
    services.project_suspend(
        user=clerk, project=project, kind="stopped", reason="funding", on=date(2026, 11, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.project_resume(user=clerk, project=project, on=date(2027, 1, 1))
    assert "resumed_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.project_terminate(
            user=clerk, project=project, on=date(2027, 1, 1), reason="other", note="退出"
        )
    assert "terminated_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.node_save(
            user=clerk,
            project=project,
            data={
                "kind": "filing",
                "deadline": date(2027, 3, 1),
                "outcome": "done",
                "completed_on": date(2026, 12, 10),
            },
        )
    assert "completed_on" in exc.value.message_dict
    # A deadline ahead is a plan, not an event: fine.
    node = services.node_save(
        user=clerk, project=project, data={"kind": "filing", "deadline": date(2027, 3, 1)}
    )
    assert node.deadline == date(2027, 3, 1)


def test_stage_form_shows_a_future_date_on_the_date_field(client, people, project):
    client.force_login(people["clerk_a"])
    page = client.post(
        f"/projects/{project.pk}/stage/", {"stage": "in_statistics", "date": "2026-12-20"}
    )
    assert page.status_code == 200
    assert "晚于今天（2026-12-02）" in page.context["form"].errors["date"][0]
    assert not StageEvent.objects.filter(project=project, stage="in_statistics").exists()


def test_ledger_import_marks_a_future_stage_date_as_an_error(people, project, tmp_path):
    path = ledger(
        tmp_path, ["项目代码", "所属板块", "列统日期"], [project.code, "仪征", "2026-12-20"]
    )
    plan = plan_ledger_import(path, user=people["clerk_a"])
    assert errors_of(plan) == [
        ("列统日期", "“列统”日期 2026-12-20 晚于今天（2026-12-02），不能记录尚未发生的事。")
    ]
    path = ledger(
        tmp_path,
        ["项目代码", "所属板块", "状态", "状态日期"],
        [project.code, "仪征", "停建", "2026-12-25"],
        name="停建.xlsx",
    )
    assert [c for c, _m in errors_of(plan_ledger_import(path, user=people["clerk_a"]))] == [
        "状态日期"
    ]


# -- 2. dates outside 1990–2100 ----------------------------------------------------------


@pytest.mark.parametrize("planned", [date(1, 1, 1), date(9999, 12, 31), date(1989, 12, 31)])
def test_service_refuses_planned_dates_outside_1990_2100(people, unit_a, planned):
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            user=people["clerk_a"],
            data={
                "name": "日期离谱项目",
                "unit": unit_a,
                "total_investment": Decimal("1000"),
                "planned_completion": planned,
            },
        )
    assert exc.value.message_dict["planned_completion"] == [
        f"日期 {planned.isoformat()} 不在 1990-01-01 至 2100-12-31 之间，请检查是否填错。"
    ]
    assert not Project.objects.filter(name="日期离谱项目").exists()


def test_stage_and_node_dates_outside_1990_2100_are_refused(people, project):
    with pytest.raises(ValidationError) as exc:
        services.stage_record(
            user=people["clerk_a"], project=project, stage="reserve", on=date(1, 1, 1)
        )
    assert "1990-01-01 至 2100-12-31" in exc.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as exc:
        services.node_save(
            user=people["clerk_a"],
            project=project,
            data={"kind": "filing", "deadline": date(9999, 12, 31)},
        )
    assert "1990-01-01 至 2100-12-31" in exc.value.message_dict["deadline"][0]


def test_project_form_shows_the_out_of_range_date_on_its_field(client, people, unit_a):
    client.force_login(people["clerk_a"])
    page = client.post(
        "/projects/new/",
        {
            "name": "九九九九项目",
            "unit": unit_a.pk,
            "origin": "domestic",
            "category": "industrial",
            "level": "city",
            "total_investment": "1000",
            "planned_start": "0001-01-01",
            "planned_completion": "9999-12-31",
        },
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert "不在 1990-01-01 至 2100-12-31 之间" in errors["planned_start"][0]
    assert "不在 1990-01-01 至 2100-12-31 之间" in errors["planned_completion"][0]
    assert not Project.objects.filter(name="九九九九项目").exists()


def test_ledger_import_marks_out_of_range_dates_as_errors(people, project, tmp_path):
    path = ledger(
        tmp_path,
        ["项目名称", "所属板块", "总投资", "计划开工日期", "计划竣工日期", "入库储备日期"],
        ["新项目", "仪征", 500, "0001-01-01", "9999-12-31", None],
        [project.name, "仪征", None, None, None, "0001-01-01"],
    )
    plan = plan_ledger_import(path, user=people["clerk_a"])
    columns = sorted(c for c, _m in errors_of(plan))
    assert columns == ["入库储备日期", "计划开工日期", "计划竣工日期"]
    assert all("1990-01-01 至 2100-12-31" in m for _c, m in errors_of(plan))
    assert [r.action for r in plan.rows] == ["error", "error"]


# -- 3. corrections of recorded stage dates ----------------------------------------------


def test_correcting_a_recorded_stage_date_needs_a_reason_kept_in_history(people, project):
    clerk = people["clerk_a"]
    with pytest.raises(ValidationError) as exc:
        services.stage_record(user=clerk, project=project, stage="started", on=date(2026, 6, 5))
    assert exc.value.message_dict["reason"] == [
        "“开工”已记录为 2026-06-01，改为 2026-06-05 属于更正，须填写更正原因。"
    ]
    assert StageEvent.objects.get(project=project, stage="started").date == date(2026, 6, 1)
    # Recording the same date again is no correction.
    services.stage_record(user=clerk, project=project, stage="started", on=date(2026, 6, 1))

    event = services.stage_record(
        user=clerk,
        project=project,
        stage="started",
        on=date(2026, 6, 5),
        reason="以施工许可证和破土开槽照片为准",
    )
    latest = event.history.latest()
    assert latest.history_user == clerk
    assert latest.history_change_reason == (
        "更正“开工”日期 2026-06-01 → 2026-06-05：以施工许可证和破土开槽照片为准"
    )


def test_stage_form_asks_for_the_reason_of_a_correction(client, people, project):
    client.force_login(people["clerk_a"])
    url = f"/projects/{project.pk}/stage/"
    page = client.post(url, {"stage": "started", "date": "2026-06-05"})
    assert page.status_code == 200
    assert "须填写更正原因" in page.context["form"].errors["reason"][0]
    response = client.post(url, {"stage": "started", "date": "2026-06-05", "reason": "核对许可证"})
    assert response.status_code == 302
    event = StageEvent.objects.get(project=project, stage="started")
    assert event.date == date(2026, 6, 5)
    assert event.history.latest().history_change_reason.endswith("：核对许可证")


def test_ledger_import_needs_a_correction_reason_and_records_it(people, project, tmp_path):
    clerk = people["clerk_a"]
    without = ledger(
        tmp_path, ["项目代码", "所属板块", "开工日期"], [project.code, "仪征", "2026-06-05"]
    )
    assert errors_of(plan_ledger_import(without, user=clerk)) == [
        (
            "开工日期",
            "“开工”已记录为 2026-06-01，改为 2026-06-05 属于更正，须在“阶段更正原因”列写明原因。",
        )
    ]
    with_reason = ledger(
        tmp_path,
        ["项目代码", "所属板块", "开工日期", "更正原因"],
        [project.code, "仪征", "2026-06-05", "按施工许可证核对"],
        name="更正.xlsx",
    )
    plan = plan_ledger_import(with_reason, user=clerk)
    assert plan.is_valid, plan.error_listing()
    apply_plan(plan, user=clerk)
    event = StageEvent.objects.get(project=project, stage="started")
    assert event.date == date(2026, 6, 5)
    latest = event.history.latest()
    assert latest.history_source == "import"
    assert (
        latest.history_change_reason == "更正“开工”日期 2026-06-01 → 2026-06-05：按施工许可证核对"
    )


def test_every_date_of_the_domain_carries_the_1990_2100_validator():
    """One validator everywhere: a new date field without it fails here."""
    from django.apps import apps
    from django.db import models

    from ballast.core.models import BallastModel
    from ballast.core.validators import validate_plausible_date

    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if issubclass(model, BallastModel)
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
        and validate_plausible_date not in field.validators
    ]
    assert missing == []
