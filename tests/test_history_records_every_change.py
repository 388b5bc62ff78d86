"""One mechanism records every change, with user, source and reason, for every door."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from ballast.core.history import acting
from ballast.projects import services
from ballast.projects.models import AnnualPlan, Node, Project, StageEvent, Suspension, Termination
from ballast.reports import services as report_services
from ballast.reports.models import MonthlyReport


def test_service_change_writes_one_row_with_user(make_project, people):
    project = make_project(name="甲项目")
    assert project.history.count() == 1
    created = project.history.get()
    assert created.history_type == "+"
    assert created.history_user == people["clerk_a"]

    services.project_update(
        user=people["clerk_a"],
        project=project,
        data={"total_investment": Decimal("150000")},
        reason="追加投资",
    )
    rows = list(project.history.order_by("history_date"))
    assert len(rows) == 2
    changed = rows[1]
    assert changed.history_type == "~"
    assert changed.history_user == people["clerk_a"]
    assert changed.history_change_reason == "追加投资"
    delta = changed.diff_against(rows[0])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("total_investment", Decimal("100000.00"), Decimal("150000.00"))
    ]


@pytest.mark.parametrize(
    "model,make",
    [
        (
            StageEvent,
            lambda s, p, u, d: s.stage_record(user=u, project=p, stage="signed", on=d(2023, 1, 5)),
        ),
        (
            AnnualPlan,
            lambda s, p, u, d: s.plan_save(
                user=u, project=p, year=2023, planned_investment=Decimal(10)
            ),
        ),
        (
            Node,
            lambda s, p, u, d: s.node_save(
                user=u, project=p, data={"kind": "filing", "deadline": d(2023, 2, 1)}
            ),
        ),
        (
            Suspension,
            lambda s, p, u, d: s.project_suspend(
                user=u, project=p, kind="stopped", reason="funding", on=d(2023, 5, 1)
            ),
        ),
        (
            Termination,
            lambda s, p, u, d: s.project_terminate(
                user=u, project=p, on=d(2023, 6, 1), reason="other", note="投资方战略调整"
            ),
        ),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_every_lifecycle_object_has_history(make_project, people, d, model, make):
    project = make_project()
    obj = make(services, project, people["clerk_a"], d)
    rows = model.history.filter(id=obj.pk)
    assert rows.count() == 1
    assert rows.get().history_user == people["clerk_a"]


def test_reasons_of_returns_and_amendments_are_kept(make_project, people, d):
    project = make_project(stages={"started": d(2023, 1, 5)})
    report = report_services.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 2, 1),
        data={"investment": Decimal(300)},
    )
    report_services.report_submit(user=people["clerk_a"], report=report)
    report_services.report_return(user=people["reviewer_a"], report=report, reason="形象进度未填写")
    report_services.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 2, 1),
        data={"progress": "主体结构封顶"},
    )
    report_services.report_submit(user=people["clerk_a"], report=report)
    report_services.report_approve(user=people["reviewer_a"], report=report)
    report_services.report_accept(user=people["city_reviewer"], report=report)
    report_services.report_amend(
        user=people["city_reviewer"],
        report=report,
        data={"investment": Decimal(280)},
        reason="统计局核实",
    )

    rows = list(MonthlyReport.history.filter(id=report.pk).order_by("history_date"))
    reasons = [r.history_change_reason for r in rows]
    assert reasons == [
        None,
        "报送",
        "退回：形象进度未填写",
        None,
        "报送",
        "板块审核通过",
        "市级验收",
        "更正：统计局核实",
    ]
    assert [r.history_user.username for r in rows] == [
        "clerk_a",
        "clerk_a",
        "reviewer_a",
        "clerk_a",
        "clerk_a",
        "reviewer_a",
        "city_reviewer",
        "city_reviewer",
    ]
    assert rows[-1].investment == Decimal(280) and rows[-2].investment == Decimal(300)


def test_command_source_and_actor_are_recorded(db):
    call_command("init_city", "321000")
    with acting(source="command", reason="批量"):
        from ballast.regions.models import Region

        unit = Region.objects.get(code="321081")
        project = Project(name="命令行项目", unit=unit, total_investment=Decimal(1))
        project.save()
    row = project.history.get()
    assert row.history_source == "command"
    assert row.history_change_reason == "批量"
    assert row.history_user is None


def test_web_request_records_user_and_source(client, make_project, people):
    project = make_project()
    client.force_login(people["city_admin"])
    response = client.post(
        f"/admin/projects/project/{project.pk}/change/",
        {
            "name": "后台改名",
            "unit": project.unit_id,
            "category": "industrial",
            "level": "city",
            "origin": "domestic",
            "total_investment": "100000.00",
            "stage_events-TOTAL_FORMS": "0",
            "stage_events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = project.history.order_by("-history_date").first()
    assert row.name == "后台改名"
    assert row.history_user == people["city_admin"]
    assert row.history_source == "admin"
