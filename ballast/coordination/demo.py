"""The demo city's coordination data: issues in every state and category, enterprise
contacts, visits (家家到) and a site tour (观摩) with scores.

:func:`demo_step` is one step of ``ballast.demo.services.DEMO_STEPS``. It goes through
the services (so access, history, escalation and notices are the real ones) with the
actor each step names, and draws its random numbers from ``ctx.rng("coordination")``:
the same seed and day give the same data.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ballast.accounts import policy
from ballast.accounts.models import Department
from ballast.assessments.models import Indicator
from ballast.assessments.services import ensure_default_schemes
from ballast.coordination import services
from ballast.coordination.choices import IssueCategory, VisitKind
from ballast.coordination.models import ProjectContact
from ballast.core.history import acting
from ballast.projects.choices import CATEGORIES_WITHOUT_PRODUCTION, Category
from ballast.projects.models import NodeTemplate, Project, Suspension, Termination

# category → (responsible department key of the demo, descriptions)
ISSUES = {
    IssueCategory.LAND: (
        "zrzy",
        ["新增建设用地指标缺口约 80 亩", "二期用地尚未完成组卷报批", "土地摘牌时间需提前"],
    ),
    IssueCategory.PLANNING: (
        "zrzy",
        ["规划条件中容积率需调整", "厂区道路红线与规划不一致", "规划许可证办理需加快"],
    ),
    IssueCategory.ENVIRONMENT: (
        "sthj",
        ["环评批复需在开工前取得", "能评指标需市级统筹", "排污总量指标尚未落实"],
    ),
    IssueCategory.PERMIT: (
        "xzsp",
        ["施工许可证需并联审批", "消防设计审查进度滞后", "图审意见反馈周期长"],
    ),
    IssueCategory.FUNDING: (
        "czj",
        ["项目贷款授信需银企对接", "专项债资金拨付滞后", "产业基金投资需加快决策"],
    ),
    IssueCategory.UTILITIES: (
        "power",
        ["110kV 专线接入未排期", "天然气管道接入需协调", "临时用水用电需尽快接通"],
    ),
    IssueCategory.LABOUR: (
        "gxj",
        ["投产前一线工人缺口约 300 人", "技术工人招聘困难", "员工宿舍需协调配套"],
    ),
    IssueCategory.OTHER: (
        "fgw",
        ["周边道路配套需同步建设", "企业人才公寓需协调", "外资项目外汇登记需指导"],
    ),
}

# The states, in the order they are dealt round (every category meets every state).
STATES = ("open", "accepted", "in_progress", "resolved", "closed", "reopened", "closed")

FINDINGS = [
    "主体结构施工中，现场人员约 200 人，进度符合计划。",
    "设备安装已进场，企业反映用电负荷紧张。",
    "厂房封顶，正在进行内部装修，计划下月试生产。",
    "土方作业中，受雨季影响进度略滞后。",
    "企业反映招工压力较大，希望协调技工学校对接。",
    "现场停工待料，需关注资金到位情况。",
]

CRITERIA = [("项目推进", 40), ("投资强度", 30), ("质量效益", 30)]
EXPERTS = ["王建国（特邀专家）", "李秀英（特邀专家）", "陈志强（特邀专家）"]


def _live_projects(ctx, on):
    """Projects of the demo that are on the line on ``on`` (not suspended or terminated)
    and not phase parents, largest first."""
    ids = [p.pk for p in ctx.projects.values()]
    return list(
        Project.objects.filter(pk__in=ids, phases__isnull=True)
        .exclude(pk__in=Termination.objects.filter(terminated_on__lte=on).values("project"))
        .exclude(
            pk__in=Suspension.objects.filter(started_on__lte=on, resumed_on__isnull=True).values(
                "project"
            )
        )
        .select_related("unit")
        .prefetch_related("leaders")
        .order_by("-total_investment", "pk")
        .distinct()
    )


# The city's node plan per project category (节点模板, DOMAIN.md): node kind, days from
# the planned start (negative: before it), the answering department's short name.
NODE_PLAN = [
    ("filing", -120, "市发改委"),
    ("land_supply", -90, "市自然资源和规划局"),
    ("planning_permit", -60, "市自然资源和规划局"),
    ("environment_review", -45, "市生态环境局"),
    ("energy_review", -45, "市发改委"),
    ("construction_permit", -10, "市行政审批局"),
    ("statistics_entry", 60, "市统计局"),
    ("completion_acceptance", 540, "市住建局"),
    ("production", 600, "市工信局"),
]
# categories without 投产 skip the energy review and production nodes
NODE_PLAN_WITHOUT_PRODUCTION = ("energy_review", "production")


def node_templates_step(ctx) -> int:
    """The city's node templates for every project category, as data (kept when the
    city has them already)."""
    existing = NodeTemplate.objects.filter(city=ctx.city).count()
    if existing:
        ctx.counts["nodetemplate"] = existing
        return existing
    departments = {d.short_name: d for d in Department.objects.filter(city=ctx.city)}
    rows = []
    for category in Category.values:
        for order, (kind, days, department) in enumerate(NODE_PLAN):
            if category in CATEGORIES_WITHOUT_PRODUCTION and kind in NODE_PLAN_WITHOUT_PRODUCTION:
                continue
            rows.append(
                NodeTemplate(
                    city=ctx.city,
                    category=category,
                    kind=kind,
                    offset_days=days,
                    department=departments.get(department),
                    sort_order=order,
                )
            )
    NodeTemplate.objects.bulk_create(rows)
    ctx.counts["nodetemplate"] = len(rows)
    return len(rows)


def demo_step(ctx) -> None:
    """Contacts, about a hundred issues, visits and one tour, as of ``ctx.today``."""
    rng = ctx.rng("coordination")
    today = ctx.today
    admin = ctx.admin
    node_templates_step(ctx)
    projects = _live_projects(ctx, today)
    by_unit: dict[str, list[Project]] = {}
    for project in projects:
        by_unit.setdefault(project.unit.code, []).append(project)

    # 1. Enterprise contacts: each unit's two enterprise users follow its two largest projects.
    enterprises: dict[str, list] = {}
    for user in ctx.users.values():
        if policy.holds(user, "be_project_contact"):
            enterprises.setdefault(user.region.code, []).append(user)
    contact_of: dict[int, object] = {}
    for code, users in sorted(enterprises.items()):
        for user, project in zip(
            sorted(users, key=lambda u: u.username), by_unit.get(code, []), strict=False
        ):
            ProjectContact.objects.create(project=project, user=user)
            contact_of[project.pk] = user
    ctx.counts["projectcontact"] = len(contact_of)

    # 2. Issues: every category meets every state; raisers take turns.
    categories = list(ISSUES)
    candidates = list(projects)
    rng.shuffle(candidates)
    chosen = candidates[: min(len(candidates), len(categories) * len(STATES) * 2)]
    # the contacts' projects are always among them, so enterprises have issues to see
    chosen = [p for p in projects if p.pk in contact_of] + [
        p for p in chosen if p.pk not in contact_of
    ]
    count = 0
    for index, project in enumerate(chosen):
        category = categories[index % len(categories)]
        state = STATES[(index // len(categories)) % len(STATES)]
        dept_key, texts = ISSUES[category]
        department = ctx.departments[dept_key]
        dept_user = ctx.users[f"dept_{dept_key}"]
        raised_on = today - timedelta(days=rng.randint(3, 120))
        deadline = raised_on + timedelta(days=rng.randint(15, 60))
        is_major = rng.random() < 0.2
        clerk = ctx.users[f"clerk_{project.unit.code}"]
        raisers = [clerk, ctx.users[f"leader_{project.unit.code}"], dept_user]
        if project.pk in contact_of:
            raisers.insert(0, contact_of[project.pk])
        raiser = raisers[index % len(raisers)]
        issue = services.issue_raise(
            user=raiser,
            project=project,
            data={
                "category": category,
                "description": rng.choice(texts),
                "raised_on": raised_on,
                "is_major": is_major,
                "department": department,
                "responsible_name": f"{department.short_name}联络员",
                "deadline": deadline,
            },
            steps=[
                (raised_on + timedelta(days=5), "现场踏勘、明确责任人"),
                (raised_on + timedelta(days=15), "拿出解决方案（路线图）"),
                (deadline, "办结销号"),
            ],
            now=ctx.aware(raised_on, 9),
        )
        count += 1
        if state == "open":
            continue
        # a major issue acknowledged the same day, others within two days
        ack_day = raised_on if is_major or rng.random() < 0.6 else raised_on + timedelta(days=2)
        services.issue_acknowledge(user=dept_user, issue=issue, now=ctx.aware(ack_day, 16))
        if state == "accepted":
            continue
        services.issue_start(user=dept_user, issue=issue)
        first = issue.steps.order_by("planned_on").first()
        if first.planned_on <= today:
            services.issue_step_done(user=dept_user, step=first, on=first.planned_on)
        if state == "in_progress":
            continue
        resolved_on = min(raised_on + timedelta(days=rng.randint(2, 40)), today)
        services.issue_resolve(
            user=dept_user, issue=issue, on=resolved_on, resolution="已协调解决，请确认。"
        )
        if state == "resolved":
            continue
        # the raiser confirms; a department's own finding is confirmed by the city office
        confirmer = admin if policy.holds(raiser, "answer_for_department") else raiser
        if state == "reopened":
            services.issue_reopen(user=confirmer, issue=issue, reason="问题仅部分解决，仍需跟进")
            continue
        closed_on = min(resolved_on + timedelta(days=rng.randint(0, 5)), today)
        services.issue_close(user=confirmer, issue=issue, on=closed_on)
    # the escalation rules as of this morning (overdue and late major issues rise)
    with acting(admin, source="command"):
        services.escalate_issues(as_of=ctx.aware(today, 8))
    ctx.counts["issue"] = count

    # 3. Visits (家家到): linked leaders visit most projects over the last quarter.
    visits = 0
    kinds = list(VisitKind.values)
    for project in projects:
        leaders = sorted(project.leaders.all(), key=lambda u: u.username)
        if not leaders or rng.random() < 0.3:
            continue
        for _ in range(rng.randint(1, 2)):
            leader = rng.choice(leaders)
            services.visit_record(
                user=leader,
                project=project,
                on=today - timedelta(days=rng.randint(1, 90)),
                kind=rng.choice(kinds),
                findings=rng.choice(FINDINGS),
            )
            visits += 1
    ctx.counts["visit"] = visits

    # 4. A site tour last quarter: each unit shows its two largest projects.
    shown = [p for code in sorted(by_unit) for p in by_unit[code][:2]]
    quarter = (today.month - 1) // 3  # the previous quarter (0 → Q4 of last year)
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    city_leaders = sorted(
        (u for k, u in ctx.users.items() if k.startswith("leader_city")), key=lambda u: u.username
    )[:2]
    tour = services.tour_create(
        user=admin,
        city=ctx.city,
        name=f"{year}年第{quarter}季度重大项目观摩",
        on=today - timedelta(days=rng.randint(20, 60)),
        period=f"{year}Q{quarter}",
        criteria=CRITERIA,
        judges=[*city_leaders, *EXPERTS],
        projects=shown,
    )
    judges = list(tour.judges.select_related("user"))
    criteria = list(tour.criteria.all())
    scores = 0
    for tour_project in tour.tour_projects.all():
        quality = Decimal(rng.randint(70, 92)) / 100
        for judge in judges:
            user = judge.user if judge.user_id else admin
            for criterion in criteria:
                share = min(quality + Decimal(rng.randint(-8, 8)) / 100, Decimal(1))
                points = (criterion.max_points * share).quantize(Decimal("0.1"))
                services.tour_score_set(
                    user=user,
                    judge=judge,
                    tour_project=tour_project,
                    criterion=criterion,
                    points=points,
                )
                scores += 1
    # the previous quarter's tour is over: its scoring is closed
    services.tour_close(user=admin, tour=tour, on=tour.date)
    ctx.counts["tour"] = 1
    ctx.counts["tourscore"] = scores

    # The tour's unit scores feed the quarterly scheme's manual indicator (coordination
    # sits above assessments: it publishes into them).
    schemes = {s.slug: s for s in ensure_default_schemes(ctx.city, user=admin)}
    manual = Indicator.objects.filter(scheme=schemes["quarterly"], method="manual").first()
    if manual is not None:
        services.tour_publish_to_assessment(
            user=admin, tour=tour, indicator=manual, period=tour.period
        )
