"""Lifecycle rules: order, dates never backwards, stages per category, suspension and
termination, and the stage as of any date."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ballast.core.periods import Period
from ballast.projects import selectors, services
from ballast.projects.models import Project


def test_stage_as_of_follows_dated_events(make_project, d):
    project = make_project(
        stages={"signed": d(2023, 1, 10), "landed": d(2023, 2, 1), "started": d(2023, 3, 8)}
    )
    assert selectors.stage_as_of(project, d(2023, 1, 9)) is None
    assert selectors.stage_as_of(project, d(2023, 1, 10)) == "signed"
    assert selectors.stage_as_of(project, d(2023, 3, 7)) == "landed"
    assert selectors.stage_as_of(project, d(2023, 12, 31)) == "started"
    annotated = selectors.with_stage_as_of(
        Project.objects.filter(pk=project.pk), d(2023, 2, 15)
    ).get()
    assert annotated.stage_seq == 4


def test_dates_never_go_backwards(make_project, people, d):
    project = make_project(stages={"signed": d(2023, 3, 1)})
    with pytest.raises(ValidationError) as err:
        services.stage_record(
            user=people["clerk_a"], project=project, stage="started", on=d(2023, 2, 1)
        )
    assert "早于已记录的“签约”日期" in str(err.value)
    with pytest.raises(ValidationError):
        services.stage_record(
            user=people["clerk_a"], project=project, stage="reserve", on=d(2023, 4, 1)
        )
    # equal dates are allowed (signed and landed the same day)
    services.stage_record(user=people["clerk_a"], project=project, stage="landed", on=d(2023, 3, 1))


def test_infrastructure_has_no_production(make_project, people, d):
    project = make_project(category="infrastructure", stages={"completed": d(2023, 6, 1)})
    with pytest.raises(ValidationError) as err:
        services.stage_record(
            user=people["clerk_a"], project=project, stage="in_production", on=d(2023, 7, 1)
        )
    assert "基础设施类项目没有“投产”阶段" in str(err.value)


def test_reaching_a_later_stage_implies_the_earlier(make_project, d):
    project = make_project(stages={"started": d(2023, 3, 8)})
    landed = Project.objects.filter(selectors.reached_by("landed", d(2023, 3, 8)))
    assert list(landed) == [project]
    assert not Project.objects.filter(selectors.reached_by("landed", d(2023, 3, 7))).exists()


def test_suspension_and_resumption_as_of(make_project, people, d):
    project = make_project(stages={"started": d(2023, 1, 5)})
    services.project_suspend(
        user=people["clerk_a"],
        project=project,
        kind="deferred",
        reason="funding",
        on=d(2023, 4, 1),
        planned_resume_on=d(2023, 9, 1),
    )
    with pytest.raises(ValidationError):
        services.project_suspend(
            user=people["clerk_a"],
            project=project,
            kind="stopped",
            reason="market",
            on=d(2023, 5, 1),
        )
    services.project_resume(user=people["clerk_a"], project=project, on=d(2023, 8, 15))
    assert selectors.status_as_of(project, d(2023, 3, 31)) == "active"
    assert selectors.status_as_of(project, d(2023, 4, 1)) == "suspended"
    assert selectors.status_as_of(project, d(2023, 8, 14)) == "suspended"
    assert selectors.status_as_of(project, d(2023, 8, 15)) == "active"
    active = Project.objects.filter(selectors.active_q(d(2023, 5, 1)))
    assert not active.exists()


def test_termination_needs_a_reason_and_blocks_later_stages(make_project, people, d):
    project = make_project(stages={"signed": d(2023, 1, 5)})
    with pytest.raises(ValidationError):
        services.project_terminate(
            user=people["clerk_a"],
            project=project,
            on=d(2023, 5, 1),
            reason="investor_withdrew",
            note=" ",
        )
    services.project_terminate(
        user=people["clerk_a"],
        project=project,
        on=d(2023, 5, 1),
        reason="investor_withdrew",
        note="投资方撤回",
    )
    with pytest.raises(ValidationError):
        services.stage_record(
            user=people["clerk_a"], project=project, stage="landed", on=d(2023, 6, 1)
        )
    assert selectors.status_as_of(project, d(2023, 5, 1)) == "terminated"
    assert selectors.status_as_of(project, d(2023, 4, 30)) == "active"


def test_four_batches_of_a_quarter(make_project, d):
    reserve = make_project(stages={"reserve": d(2023, 2, 1)})
    signed = make_project(stages={"signed": d(2023, 3, 31)})
    landed_only = make_project(stages={"signed": d(2022, 12, 1), "landed": d(2023, 1, 15)})
    started = make_project(stages={"signed": d(2022, 5, 1), "started": d(2023, 1, 20)})
    completed = make_project(stages={"started": d(2022, 1, 1), "completed": d(2023, 3, 1)})
    make_project(stages={"started": d(2023, 4, 1)})  # next quarter

    b = selectors.batches(projects=Project.objects.all(), period=Period.parse("2023Q1"))
    assert set(b.reserve) == {reserve}
    assert set(b.signed_landed) == {signed, landed_only}
    assert set(b.started) == {started}
    assert set(b.completed) == {completed}
    # as of an earlier day of the quarter, the signing of 31 March is not yet counted
    early = selectors.batches(
        projects=Project.objects.all(), period=Period.parse("2023Q1"), as_of=d(2023, 3, 30)
    )
    assert set(early.signed_landed) == {landed_only}


def test_baseline_is_kept_when_forecast_changes(make_project, people, d):
    project = make_project(
        total_investment=Decimal(50000),
        planned_completion=d(2024, 6, 30),
        planned_start=d(2023, 1, 1),
    )
    services.project_update(
        user=people["clerk_a"],
        project=project,
        data={"total_investment": Decimal(65000), "planned_completion": d(2025, 3, 31)},
    )
    project.refresh_from_db()
    assert project.baseline_total_investment == Decimal(50000)
    assert project.baseline_completion == d(2024, 6, 30)
    assert project.total_investment == Decimal(65000)


def test_size_class_is_derived(make_project):
    assert make_project(total_investment=Decimal(1_000_000)).size_class == "100yi"
    assert make_project(total_investment=Decimal("999999.99")).size_class == "50yi"
    assert make_project(total_investment=Decimal(100_000)).size_class == "10yi"
    assert make_project(total_investment=Decimal(10_000)).size_class == "1yi"
    assert make_project(total_investment=Decimal(9_999)).size_class == "below"


def test_phase_must_share_unit_and_be_one_level(make_project, people, unit_b, d):
    parent = make_project(name="阿特斯光储全产业链")
    phase = make_project(name="阿特斯一期", parent=parent, phase_label="一期")
    assert list(parent.phases.all()) == [phase]
    with pytest.raises(ValidationError):
        make_project(name="二级分期", parent=phase)
    with pytest.raises(ValidationError):
        make_project(unit_b, name="跨板块分期", parent=parent)
