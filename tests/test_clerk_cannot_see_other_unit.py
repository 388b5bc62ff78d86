"""A clerk reads and writes only their own unit's data, for every kind of object."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ballast.accounts import policy
from ballast.core.history import acting
from ballast.projects import services
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    Node,
    PlanMonth,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)
from ballast.reports import services as report_services
from ballast.reports.models import MonthlyReport


@pytest.fixture
def filled(make_project, people, d, unit_a):
    project = make_project(stages={"signed": d(2023, 1, 10), "started": d(2023, 3, 1)})
    services.plan_save(
        user=people["clerk_a"],
        project=project,
        year=2023,
        planned_investment=Decimal(1200),
        months={m: Decimal(100) for m in range(1, 13)},
    )
    services.project_suspend(
        user=people["clerk_a"], project=project, kind="deferred", reason="funding", on=d(2023, 6, 1)
    )
    ended = make_project(stages={"signed": d(2023, 1, 10)})
    services.project_terminate(
        user=people["clerk_a"], project=ended, on=d(2023, 2, 1), reason="other", note="投资方退出"
    )
    with acting(people["clerk_a"]):
        ConfidenceAssessment.objects.create(project=project, month=d(2023, 3, 1), rating="amber")
    services.node_save(
        user=people["clerk_a"], project=project, data={"kind": "filing", "deadline": d(2023, 2, 1)}
    )
    services.target_set(
        user=people["city_admin"],
        unit=unit_a,
        period="2023",
        indicator="signed_count",
        value=Decimal(10),
    )
    report_services.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 3, 1),
        data={"investment": Decimal(100)},
    )
    return project


MODELS = [
    Project,
    StageEvent,
    AnnualPlan,
    PlanMonth,
    Node,
    Suspension,
    Termination,
    ConfidenceAssessment,
    UnitTarget,
    MonthlyReport,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_outsider_clerk_sees_nothing_of_unit_a(filled, people, model):
    assert model.objects.restrict(people["clerk_a"]).exists()
    assert not model.objects.restrict(people["clerk_b"]).exists()
    assert not model.objects.restrict(people["reviewer_b"]).exists()
    assert model.objects.restrict(people["city_admin"]).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["change", "delete", "submit", "approve", "accept", "amend"])
def test_outsider_can_take_no_action(filled, people, model, action):
    assert not model.objects.restrict(people["clerk_b"], action).exists()
    assert not model.objects.restrict(people["reviewer_b"], action).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_history_rows_are_scoped_like_their_objects(filled, people, model):
    """The audit trail of unit A is not readable by a clerk of unit B either."""
    history = model.history.model
    assert policy.restrict(history.objects.all(), people["clerk_a"]).exists()
    assert not policy.restrict(history.objects.all(), people["clerk_b"]).exists()
    assert policy.restrict(history.objects.all(), people["auditor"]).exists()


@pytest.mark.parametrize("role", ["auditor", "department", "enterprise"])
def test_roles_without_project_scope_see_no_projects(filled, people, role):
    assert not Project.objects.restrict(people[role]).exists()


def test_outsider_cannot_write_through_services(filled, people, d, unit_a):
    outsider = people["clerk_b"]
    with pytest.raises(PermissionDenied):
        services.project_update(user=outsider, project=filled, data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        services.stage_record(
            user=outsider, project=filled, stage="in_statistics", on=d(2023, 4, 1)
        )
    with pytest.raises(PermissionDenied):
        services.plan_save(user=outsider, project=filled, year=2024, planned_investment=Decimal(1))
    with pytest.raises(PermissionDenied):
        services.project_create(
            user=outsider, data={"name": "越权", "unit": unit_a, "total_investment": Decimal(1)}
        )
    with pytest.raises(PermissionDenied):
        report_services.report_save(
            user=outsider, project=filled, month=d(2023, 4, 1), data={"investment": Decimal(1)}
        )
    report = MonthlyReport.objects.get(project=filled)
    with pytest.raises(PermissionDenied):
        report_services.report_submit(user=outsider, report=report)
    filled.refresh_from_db()
    assert filled.name.startswith("测试项目")
    assert not StageEvent.objects.filter(project=filled, stage="in_statistics").exists()


def test_reviewer_of_unit_b_cannot_approve_unit_a_report(filled, people, d):
    report = MonthlyReport.objects.get(project=filled)
    report_services.report_submit(user=people["clerk_a"], report=report)
    with pytest.raises(PermissionDenied):
        report_services.report_approve(user=people["reviewer_b"], report=report)
    report.refresh_from_db()
    assert report.status == "submitted"


def test_clerk_cannot_move_project_to_other_unit(filled, people, unit_b):
    with pytest.raises(PermissionDenied):
        services.project_update(user=people["clerk_a"], project=filled, data={"unit": unit_b})
    assert Project.objects.get(pk=filled.pk).unit.code == "321081"


def test_check_unit_rejects_unit_of_other_city(people, db):
    from ballast.regions.services import init_city

    zhenjiang = init_city(code="321100")
    danyang = zhenjiang.children.get(code="321181")
    with pytest.raises(PermissionDenied):
        policy.check_unit(people["city_admin"], policy.ADD, Project, danyang)


def test_anonymous_gets_nothing(filled):
    from django.contrib.auth.models import AnonymousUser

    assert Project.objects.exists()
    assert not Project.objects.restrict(AnonymousUser()).exists()


def test_import_jobs_are_seen_by_their_uploader_only(people, city):
    from ballast.imports.models import ImportJob

    fields = {f.name for f in ImportJob._meta.get_fields()}
    assert {"user", "city"} <= fields
    job = ImportJob.objects.create(
        user=people["clerk_a"], city=city, kind="ledger", filename="台账.xlsx"
    )
    assert list(ImportJob.objects.restrict(people["clerk_a"])) == [job]
    for other in ("clerk_b", "city_admin", "reviewer_a"):
        assert not ImportJob.objects.restrict(people[other]).exists()
