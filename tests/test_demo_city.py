"""The demo city: what it holds, the warning cases it builds, and that it is deterministic.

The city is built once for the module (it takes a few seconds) with a fixed seed and day.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Sum
from django.test import override_settings

from ballast.accounts.choices import Role
from ballast.accounts.models import Department, User
from ballast.audit.models import AuditRecord, ChainHead
from ballast.core.periods import add_months
from ballast.core.validators import validate_credit_code, validate_project_code
from ballast.dashboards import geo
from ballast.demo import services
from ballast.demo.selectors import demo_fingerprint
from ballast.projects.choices import (
    CATEGORIES_WITHOUT_PRODUCTION,
    PRODUCTION_STAGES,
    STAGE_ORDER,
    Stage,
    TargetIndicator,
)
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    IndustryCluster,
    Node,
    PlanMonth,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)
from ballast.regions.models import Region
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport

SEED = 11
TODAY = date(2026, 11, 22)
LAST_MONTH = date(2026, 10, 1)  # the last full month before TODAY
UNIT_CODES = [
    "321002",
    "321003",
    "321012",
    "321023",
    "321081",
    "321084",
    "321071",
    "321072",
    "321073",
]

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # the tests' fast hasher (tests/conftest.py) is function-scoped: use it here too
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        trail = _audit_state()
        summary = services.build_demo(seed=SEED, password="demo-pass", today=TODAY)
        yield summary
        services.reset_demo()
        _restore_audit(trail)


def _audit_state():
    """The audit trail's end before the demo is built (the demo's build is committed)."""
    head = ChainHead.objects.first()
    return head and (head.seq, head.hash, head.pruned_seq, head.pruned_hash)


def _restore_audit(state) -> None:
    """Put the trail back as it was: ``reset_demo`` keeps it (a demo database's trail
    stays), but the tests of other modules that run after these on the same worker
    (pytest-xdist) start from an empty, or their own, chain. The raw delete is the test's
    own door, as ``audit_prune``'s."""
    from django.db import connection

    kept = state[0] if state else 0
    AuditRecord.objects.filter(seq__gt=kept)._raw_delete(connection.alias)
    if state is None:
        ChainHead.objects.all()._raw_delete(connection.alias)
    else:
        ChainHead.objects.update(
            seq=state[0], hash=state[1], pruned_seq=state[2], pruned_hash=state[3]
        )


def cases(demo, key):
    codes = demo.cases[key]
    assert codes, f"no project built for case {key}"
    return Project.objects.filter(code__in=codes)


def has_stage(project, stage):
    return StageEvent.objects.filter(project=project, stage=stage).exists()


# ---- what the city holds -------------------------------------------------------------


def test_about_600_projects_spread_over_the_nine_units(demo):
    assert 580 <= Project.objects.count() <= 620
    per_unit = dict(Project.objects.values_list("unit__code").annotate(n=Count("id")))
    assert sorted(per_unit) == sorted(UNIT_CODES)
    assert min(per_unit.values()) >= 30


def test_city_has_13_clusters_and_the_departments(demo):
    assert IndustryCluster.objects.filter(city__code="321000").count() == 13
    assert Department.objects.filter(city__code="321000").count() >= 10


def test_every_role_has_a_person_in_every_unit_where_it_applies(demo):
    city = Region.objects.get(code="321000")
    for role in (Role.CITY_ADMIN, Role.CITY_REVIEWER, Role.LEADER, Role.AUDITOR):
        assert User.objects.filter(role=role, region=city).exists(), role
    for department in Department.objects.filter(city=city):
        assert User.objects.filter(role=Role.DEPARTMENT, department=department).exists()
    for code in UNIT_CODES:
        assert User.objects.get(username=f"clerk_{code}").role == Role.UNIT_CLERK
        assert User.objects.get(username=f"reviewer_{code}").role == Role.UNIT_REVIEWER
        assert User.objects.get(username=f"leader_{code}").region.code == code
        assert User.objects.filter(role=Role.ENTERPRISE, region__code=code).exists()
    assert not User.objects.filter(role=Role.ENTERPRISE, is_staff=True).exists()
    assert not User.objects.exclude(role=Role.ENTERPRISE).filter(is_staff=False).exists()
    assert not User.objects.filter(full_name="").exists()
    assert User.objects.get(username="city_admin").check_password("demo-pass")


def test_the_province_officer_compares_yangzhou_with_the_other_cities(demo):
    """江苏's 13 cities are there; the province cockpit shows Yangzhou's projects beside
    twelve cities without data, and its numbers are Yangzhou's own."""
    from ballast.dashboards.selectors import province_cockpit
    from ballast.figures.selectors import city_and_units_figures

    officer = User.objects.get(username="province_officer")
    assert officer.role == Role.PROVINCE_OFFICER and officer.region.code == "320000"
    data = province_cockpit(user=officer, province=officer.region, as_of=TODAY)
    rows = {row["city"].code: row for row in data["rows"]}
    assert len(rows) == 13
    yangzhou = Region.objects.get(code="321000")
    assert rows["321000"]["projects"] == Project.objects.filter(parent__isnull=True).count()
    assert (
        rows["321000"]["figures"]
        == city_and_units_figures(city=yangzhou, year=TODAY.year, as_of=TODAY)[0]
    )
    assert len(data["empty_cities"]) == 12


def test_every_stage_and_off_line_status_is_present(demo):
    stages = set(StageEvent.objects.values_list("stage", flat=True))
    assert stages == set(STAGE_ORDER)
    assert Suspension.objects.filter(resumed_on__isnull=True).exists()
    assert Suspension.objects.filter(resumed_on__isnull=False).exists()
    assert Suspension.objects.exclude(planned_resume_on=None).exists()
    assert Termination.objects.count() >= 5
    assert not Termination.objects.filter(note="").exists()


def test_sizes_levels_and_categories_are_realistic(demo):
    assert Project.objects.filter(total_investment__lt=10_000).exists()
    assert Project.objects.filter(total_investment__gte=1_000_000).exists()
    assert Project.objects.filter(total_investment__lt=5_000).count() == 0
    levels = dict(Project.objects.values_list("level").annotate(n=Count("id")))
    assert 0 < levels["provincial"] < levels["city"]
    assert levels["unit"] > 0
    categories = dict(Project.objects.values_list("category").annotate(n=Count("id")))
    assert categories["industrial"] > sum(categories.values()) / 2
    assert Project.objects.filter(parent__isnull=False).count() >= 10


def test_codes_coordinates_and_people_are_valid(demo):
    for project in Project.objects.all():
        validate_project_code(project.code)
        validate_credit_code(project.investor_credit_code)
        assert Decimal("119.0") <= project.longitude <= Decimal("119.9")
        assert Decimal("32.2") <= project.latitude <= Decimal("33.3")
        assert project.responsible_officer and project.service_team
    counts = Project.leaders.through.objects.values("project").annotate(n=Count("id"))
    assert {row["n"] for row in counts} <= {2, 3}
    assert counts.count() == Project.objects.count()


def test_stage_dates_never_go_backwards_and_no_production_without_it(demo):
    for project_id in Project.objects.values_list("id", flat=True):
        events = StageEvent.objects.filter(project_id=project_id)
        ordered = sorted(events, key=lambda e: STAGE_ORDER[e.stage])
        dates = [e.date for e in ordered]
        assert dates == sorted(dates), project_id
        assert all(d <= TODAY for d in dates)
    assert not StageEvent.objects.filter(
        stage__in=PRODUCTION_STAGES, project__category__in=CATEGORIES_WITHOUT_PRODUCTION
    ).exists()
    for termination in Termination.objects.all():
        last = StageEvent.objects.filter(project=termination.project).aggregate(m=Max("date"))["m"]
        assert last is None or last <= termination.terminated_on


def test_the_seed_projects_are_there_with_their_figures(demo):
    canadian = Project.objects.get(name="阿特斯光储全产业链项目")
    assert canadian.land_area == Decimal("1200")
    assert canadian.phases.count() == 3
    assert sorted(canadian.phases.values_list("phase_label", flat=True)) == ["一期", "三期", "二期"]
    piston = Project.objects.get(name="亚新科双环汽车零部件项目")
    assert piston.total_investment == Decimal("200000")
    started = StageEvent.objects.get(project=piston, stage=Stage.STARTED).date
    assert (started.year, started.month) == (2023, 3)
    assert StageEvent.objects.get(project=piston, stage=Stage.IN_PRODUCTION).date <= date(
        2023, 12, 31
    )
    data_centre = Project.objects.get(name="中国移动长三角（扬州）数据中心项目")
    assert data_centre.total_investment == Decimal("1000000")
    assert data_centre.floor_area == Decimal("240000")
    assert "25,600" in data_centre.capacity
    assert Project.objects.get(name="科霸高端生物医药一期项目").total_investment == Decimal(
        "260000"
    )
    tourism = Project.objects.get(name="长春路消费带文旅提升改造项目")
    assert tourism.total_investment == Decimal("100000")
    assert tourism.cluster.name == "文化旅游"


def test_plans_node_plans_targets_and_ratings(demo):
    assert AnnualPlan.objects.filter(year=TODAY.year).count() > 150
    assert set(AnnualPlan.objects.values_list("year", flat=True)) >= set(range(2021, 2027))
    curved = AnnualPlan.objects.filter(months__isnull=False).distinct()
    assert curved.exists()
    for plan in curved:
        total = PlanMonth.objects.filter(plan=plan).aggregate(s=Sum("planned_investment"))["s"]
        assert total == plan.planned_investment
    node_counts = Node.objects.values("project").annotate(n=Count("id"))
    assert {row["n"] for row in node_counts} <= set(range(5, 9))
    assert Node.objects.filter(outcome="pending", deadline__lt=TODAY).exists()  # late
    assert Node.objects.filter(outcome="done").exists()
    assert not Node.objects.filter(department__isnull=True).exists()
    # every unit, every year 2021–2026 and its quarters, every indicator: 9 × 6 × 5 × 10
    assert UnitTarget.objects.count() == 9 * 6 * 5 * len(TargetIndicator)
    assert not UnitTarget.objects.filter(indicator__endswith="_rate", value__gt=1).exists()
    assert ConfidenceAssessment.objects.filter(project__total_investment__gte=100_000).exists()
    assert {"green", "amber", "red"} <= set(
        ConfidenceAssessment.objects.values_list("rating", flat=True)
    )


def test_reports_older_months_accepted_recent_ones_fill_the_queues(demo):
    older = MonthlyReport.objects.filter(month__lt=add_months(LAST_MONTH, -1))
    assert older.count() > 3000
    assert not older.exclude(status=ReportStatus.ACCEPTED).exists()
    accepted = older.first()
    assert accepted.accepted_by.username == "city_reviewer"
    assert accepted.submitted_by.role == Role.UNIT_CLERK
    assert accepted.unit_approved_by.region_id == accepted.project.unit_id
    assert accepted.submitted_at <= accepted.unit_approved_at <= accepted.accepted_at
    recent = set(MonthlyReport.objects.filter(month=LAST_MONTH).values_list("status", flat=True))
    assert recent == set(ReportStatus.values)
    assert not MonthlyReport.objects.filter(month__gte=date(2026, 11, 1)).exists()
    amended = MonthlyReport.objects.filter(amendment_count__gt=0)
    assert amended.exists()
    reasons = amended.first().history.values_list("history_change_reason", flat=True)
    assert any(r and r.startswith("更正") for r in reasons)


def test_history_is_recorded_as_the_city_admin_running_a_command(demo):
    project = Project.objects.get(name="亚新科双环汽车零部件项目")
    row = project.history.get()
    assert row.history_user.username == "city_admin"
    assert row.history_source == "command"
    assert row.history_change_reason == "演示数据"
    assert MonthlyReport.history.count() >= MonthlyReport.objects.count()


# ---- the warning cases ---------------------------------------------------------------


def test_every_case_list_is_filled(demo):
    for key in services.CASE_KEYS:
        assert demo.cases[key], key
    assert set(demo.cases["stalled"]) == set(demo.cases["stalled.yellow"]) | set(
        demo.cases["stalled.red"]
    )


def _active_started_not_completed(project):
    assert has_stage(project, Stage.STARTED)
    assert not has_stage(project, Stage.COMPLETED)
    assert not Suspension.objects.filter(project=project).exists()
    assert not Termination.objects.filter(project=project).exists()


def test_start_overdue_cases(demo):
    three_months_ago = add_months(TODAY, -3)
    for project in cases(demo, "start_overdue.yellow"):
        assert three_months_ago <= project.planned_start < TODAY
        assert not has_stage(project, Stage.STARTED)
        assert not Termination.objects.filter(project=project).exists()
    for project in cases(demo, "start_overdue.red"):
        assert project.planned_start < three_months_ago
        assert not has_stage(project, Stage.STARTED)


def test_stalled_cases_have_zero_accepted_investment_in_the_last_months(demo):
    for key, months in (("stalled.yellow", 2), ("stalled.red", 3)):
        for project in cases(demo, key):
            _active_started_not_completed(project)
            reports = list(MonthlyReport.objects.filter(project=project).order_by("-month")[:4])
            assert reports[0].month == LAST_MONTH
            assert all(r.status == ReportStatus.ACCEPTED for r in reports)
            assert [r.investment for r in reports[:months]] == [Decimal("0.00")] * months
            if key == "stalled.yellow":
                assert reports[2].investment > 0


def test_silent_cases_have_no_report_for_the_last_months(demo):
    for key, months in (("silent.yellow", 2), ("silent.red", 3)):
        for project in cases(demo, key):
            _active_started_not_completed(project)
            since = add_months(LAST_MONTH, -(months - 1))
            assert not MonthlyReport.objects.filter(project=project, month__gte=since).exists()
            assert MonthlyReport.objects.filter(project=project).exists()


def test_lagging_cases_are_behind_time_progress(demo):
    # 22 November: October's reports were due on 5 November, November's are not due — the
    # months counted by 序时进度 are January to October.
    time_progress = Decimal(10) / 12
    for key, low, high in (("lagging.yellow", "0.10", "0.20"), ("lagging.red", "0.20", "1")):
        for project in cases(demo, key):
            _active_started_not_completed(project)
            plan = AnnualPlan.objects.get(project=project, year=TODAY.year)
            assert not plan.months.exists()
            done = MonthlyReport.objects.filter(
                project=project, month__year=TODAY.year, status=ReportStatus.ACCEPTED
            ).aggregate(s=Sum("investment"))["s"]
            gap = time_progress - done / plan.planned_investment
            assert Decimal(low) <= gap < Decimal(high), (key, gap)


def test_completion_overdue_cases(demo):
    for key in ("completion_overdue.yellow", "completion_overdue.red"):
        for project in cases(demo, key):
            _active_started_not_completed(project)
            assert project.planned_completion < TODAY


def test_not_in_statistics_cases(demo):
    for key, low, high in (
        ("not_in_statistics.yellow", add_months(TODAY, -2), add_months(TODAY, -1)),
        ("not_in_statistics.red", date(2000, 1, 1), add_months(TODAY, -2) - timedelta(days=1)),
    ):
        for project in cases(demo, key):
            started = StageEvent.objects.get(project=project, stage=Stage.STARTED).date
            assert low <= started <= high, (key, started)
            assert not has_stage(project, Stage.IN_STATISTICS)
            assert project.total_investment >= 500


def test_report_missing_cases(demo):
    # 2026-10's report was due on 2026-11-05, before TODAY
    for project in cases(demo, "report_missing"):
        _active_started_not_completed(project)
        assert not MonthlyReport.objects.filter(project=project, month=LAST_MONTH).exists()
        assert MonthlyReport.objects.filter(
            project=project, month=add_months(LAST_MONTH, -1)
        ).exists()


def test_data_anomaly_cases(demo):
    for project in cases(demo, "data_anomaly.over_total"):
        done = MonthlyReport.objects.filter(
            project=project, status=ReportStatus.ACCEPTED
        ).aggregate(s=Sum("investment"))["s"]
        assert done > project.total_investment
        # reachable through the rules: the reports fitted the original total, since cut
        assert done <= project.baseline_total_investment
    for project in cases(demo, "data_anomaly.spike"):
        amounts = sorted(
            MonthlyReport.objects.filter(project=project).values_list("investment", flat=True)
        )
        median = amounts[len(amounts) // 2]
        assert amounts[-1] >= 5 * median


# ---- determinism (last: it rebuilds the city) -----------------------------------------


def test_another_seed_gives_other_projects(demo):
    from ballast.demo.services import DemoContext, _Generator
    from ballast.regions.services import assessment_units

    def specs(seed):
        ctx = DemoContext(seed=seed, password="x", today=TODAY)
        ctx.city = Region.objects.get(code="321000")
        ctx.units = list(assessment_units(ctx.city))
        ctx.users = {u.username: u for u in User.objects.all()}
        return [
            (s.code, s.name, s.total, sorted(s.stages.items())) for s in _Generator(ctx).generate()
        ]

    assert specs(SEED) == specs(SEED)
    assert specs(SEED) != specs(SEED + 1)


def test_same_seed_and_day_rebuild_the_same_data(demo, django_db_blocker):
    before = demo_fingerprint()
    with django_db_blocker.unblock():
        services.reset_demo()
        assert not Project.objects.exists()
        services.build_demo(seed=SEED, password="demo-pass", today=TODAY)
    assert demo_fingerprint() == before


def test_demo_data_obeys_the_entry_rules(demo):
    """What the services would refuse is not in the demo either (docs/figures.md "Entry
    rules"): dates of 1990–2100, no stage after the demo's today, no report of a month not
    yet ended, no negative month, no since-start sum above the total but the two cases
    built for the data-anomaly warning."""
    from django.apps import apps
    from django.db import models
    from django.db.models import Q

    from ballast.core.validators import EARLIEST_DATE, LATEST_DATE
    from ballast.projects.models import StageEvent, Suspension, Termination

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                outside = Q(**{f"{field.name}__lt": EARLIEST_DATE}) | Q(
                    **{f"{field.name}__gt": LATEST_DATE}
                )
                assert not model._default_manager.filter(outside).exists(), field
    assert not StageEvent.objects.filter(date__gt=TODAY).exists()
    assert not Suspension.objects.filter(Q(started_on__gt=TODAY) | Q(resumed_on__gt=TODAY)).exists()
    assert not Termination.objects.filter(terminated_on__gt=TODAY).exists()
    assert not MonthlyReport.objects.filter(month__gt=LAST_MONTH).exists()
    assert not MonthlyReport.objects.filter(investment__lt=0).exists()
    over = (
        Project.objects.annotate(
            done=Sum("reports__investment", filter=Q(reports__status=ReportStatus.ACCEPTED))
        )
        .filter(done__gt=models.F("total_investment"))
        .values_list("pk", flat=True)
    )
    assert set(over) == {p.pk for p in cases(demo, "data_anomaly.over_total")}


def test_projects_lie_inside_their_units_outline_on_the_map(demo):
    outlines = geo.shipped_geometries("321000")
    placed = 0
    for code, lon, lat in Project.objects.values_list("unit__code", "longitude", "latitude"):
        if code in outlines:
            assert geo.contains(outlines[code], float(lon), float(lat)), (code, lon, lat)
            placed += 1
    assert placed > Project.objects.count() / 2
