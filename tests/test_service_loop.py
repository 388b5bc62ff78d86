"""The service loop on the web (issue 13, items 1–4): a clerk raises an issue on the
page, the city assigns it, the department edits the roadmap, the raiser confirms; the
issue's version refuses stale saves on the pages and in the API (428/412); the SLA clock
of 重大事项不过夜; visits with issues raised on the spot; a judge's scoring page hides the
other judges until the tour is closed; node templates, late nodes, the ``node_overdue``
rule and the notices before and after a node's deadline."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ballast.accounts.choices import Role
from ballast.alerts.models import WarningRule
from ballast.coordination import notifications, services
from ballast.coordination.models import Issue, TourScore, Visit
from ballast.coordination.rules import evaluate_node_overdue
from ballast.coordination.selectors import major_sla
from ballast.inbox.models import Notification
from ballast.projects import services as project_services
from ballast.projects.models import Node, NodeTemplate, Project
from tests.api_helpers import token_client
from tests.conftest import make_user

TZ = ZoneInfo("Asia/Shanghai")


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def project(make_project):
    return make_project(name="仪征港口项目", planned_start=date(2023, 5, 1))


@pytest.fixture
def officer2(people, department):
    """A second officer of the department and a person to assign to."""
    return make_user(
        "dept_wang", Role.DEPARTMENT, people["department"].region, department=department
    )


# --------------------------------------------------------------------------- issues


def test_clerk_raises_city_assigns_department_answers_raiser_confirms(
    people, project, department, officer2, pinned_today
):
    pinned_today(date(2023, 4, 3))
    clerk, admin, dept = people["clerk_a"], people["city_admin"], people["department"]
    # Another unit's project is not offered: the clerk of unit B cannot raise on it.
    refused = _web(people["clerk_b"]).post(
        "/issues/new/", {"project": project.pk, "category": "land", "description": "越权"}
    )
    assert refused.status_code == 200 and not Issue.objects.exists()

    page = _web(clerk).post(
        "/issues/new/",
        {"project": project.pk, "category": "land", "description": "用地指标未落实"},
    )
    issue = Issue.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/issues/{issue.pk}/"
    assert issue.raised_by == clerk and issue.status == "open" and issue.version == 1

    assigned = _web(admin).post(
        f"/issues/{issue.pk}/assign/",
        {
            "version": 1,
            "department": department.pk,
            "responsible_person": officer2.pk,
            "deadline": "2023-04-30",
            "level": "unit",
        },
    )
    assert assigned.status_code == 302
    issue.refresh_from_db()
    assert (issue.department, issue.responsible_person, issue.deadline) == (
        department,
        officer2,
        date(2023, 4, 30),
    )
    assert issue.version == 2
    # The assignment form is the city's and the unit's, not the answering department's.
    assert _web(dept).post(f"/issues/{issue.pk}/assign/", {"version": 2}).status_code == 403
    # both officers of the department are told, once
    told = set(
        Notification.objects.filter(event="issue_assigned").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"dept", "dept_wang"}

    # A stale assignment (opened at version 1) is refused with who changed what.
    stale = _web(people["city_admin"]).post(
        f"/issues/{issue.pk}/assign/",
        {"version": 1, "department": department.pk, "deadline": "2023-05-30", "level": "unit"},
    )
    assert stale.status_code == 200 and "他人已修改此记录" in stale.content.decode()
    issue.refresh_from_db()
    assert issue.deadline == date(2023, 4, 30)

    officer = _web(dept)
    assert officer.post(f"/issues/{issue.pk}/acknowledge/", {"version": 2}).status_code == 302
    step = officer.post(
        f"/issues/{issue.pk}/steps/",
        {"planned_on": "2023-04-10", "description": "报省厅审批", "owner": "王科长"},
    )
    assert step.status_code == 302
    s = issue.steps.get()
    assert (s.planned_on, s.owner) == (date(2023, 4, 10), "王科长")
    # the raiser hears of the roadmap
    assert Notification.objects.filter(event="issue_step", recipient=clerk).count() == 1
    # a future completion date is refused; today's is taken with its outcome
    officer.post(f"/issues/{issue.pk}/steps/{s.pk}/done/", {"done_on": "2023-04-20"})
    s.refresh_from_db()
    assert s.done_on is None
    officer.post(
        f"/issues/{issue.pk}/steps/{s.pk}/done/", {"done_on": "2023-04-03", "outcome": "已上报"}
    )
    s.refresh_from_db()
    assert (s.done_on, s.outcome) == (date(2023, 4, 3), "已上报")
    issue.refresh_from_db()
    officer.post(
        f"/issues/{issue.pk}/resolve/", {"version": issue.version, "resolution": "指标已下达"}
    )
    issue.refresh_from_db()
    assert issue.status == "resolved"
    # the department cannot confirm its own answer; the raiser does (销号)
    officer.post(f"/issues/{issue.pk}/confirm/", {"version": issue.version})
    issue.refresh_from_db()
    assert issue.status == "resolved"
    _web(clerk).post(f"/issues/{issue.pk}/confirm/", {"version": issue.version})
    issue.refresh_from_db()
    assert issue.status == "closed" and issue.closed_on == date(2023, 4, 3)
    assert Notification.objects.filter(event="issue_closed", recipient=dept).count() == 1

    # every step is in the issue's history on its page
    html = _web(admin).get(f"/issues/{issue.pk}/").content.decode()
    for reason in ("提出问题", "交办", "受理", "路线图：2023-04-10 报省厅审批", "确认销号"):
        assert reason in html, reason


def test_a_stale_board_button_is_refused(people, project, department):
    issue = services.issue_raise(
        user=people["clerk_a"],
        project=project,
        data={"category": "land", "description": "用地", "department": department},
    )
    services.issue_update(
        user=people["city_admin"], issue=issue, data={"deadline": date(2030, 1, 1)}
    )
    _web(people["department"]).post(f"/issues/{issue.pk}/acknowledge/", {"version": 1})
    issue.refresh_from_db()
    assert issue.status == "open"  # the page showed version 1; it is 2 now


def test_enterprise_raises_a_need_only_for_its_own_project(people, project, make_project):
    other = make_project(name="别家项目")
    services.contact_add(user=people["clerk_a"], project=project, contact=people["enterprise"])
    client = _web(people["enterprise"])
    form = client.get("/issues/new/").content.decode()
    assert "提出诉求" in form and project.name in form and other.name not in form
    client.post("/issues/new/", {"project": other.pk, "category": "funding", "description": "贷款"})
    assert not Issue.objects.exists()
    client.post(
        "/issues/new/",
        {"project": project.pk, "category": "funding", "description": "贷款", "is_major": "on"},
    )
    issue = Issue.objects.get()
    assert issue.project == project and issue.is_major


def test_the_sla_clock_of_a_major_issue(people, project):
    issue = services.issue_raise(
        user=people["clerk_a"],
        project=project,
        data={
            "category": "land",
            "description": "重大",
            "is_major": True,
            "raised_on": date(2023, 4, 3),
        },
        now=datetime(2023, 4, 3, 9, tzinfo=TZ),
    )
    running = major_sla(issue, datetime(2023, 4, 3, 21, 30, tzinfo=TZ))
    assert (running.state, running.left) == ("running", "2:30")
    assert major_sla(issue, datetime(2023, 4, 4, 0, 5, tzinfo=TZ)).state == "late"
    issue.acknowledged_at = datetime(2023, 4, 3, 23, 59, tzinfo=TZ)
    assert major_sla(issue, datetime(2023, 4, 5, tzinfo=TZ)).state == "met"
    issue.acknowledged_at = datetime(2023, 4, 4, 8, tzinfo=TZ)
    assert major_sla(issue, datetime(2023, 4, 5, tzinfo=TZ)).state == "missed"
    issue.is_major = False
    assert major_sla(issue, datetime(2023, 4, 5, tzinfo=TZ)) is None


# --------------------------------------------------------------------------- API


def test_api_issue_changes_need_if_match(people, project, department, pinned_today):
    pinned_today(date(2023, 4, 3))
    issue = services.issue_raise(
        user=people["clerk_a"],
        project=project,
        data={
            "category": "land",
            "description": "用地",
            "department": department,
            "raised_on": date(2023, 4, 3),
        },
        steps=[(date(2023, 4, 20), "报省厅")],
    )
    admin = token_client(people["city_admin"])
    url = f"/api/v1/issues/{issue.pk}/"
    got = admin.get(url)
    assert got["ETag"] == '"1"' and got.json()["version"] == 1
    assert admin.patch(url, {"deadline": "2023-05-31"}, format="json").status_code == 428
    done = admin.patch(url, {"deadline": "2023-05-31"}, format="json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200, done.content.decode()
    assert done["ETag"] == '"2"'
    stale = admin.patch(url, {"deadline": "2023-06-30"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert Issue.objects.get().deadline == date(2023, 5, 31)

    officer = token_client(people["department"])
    step = issue.steps.get()
    assert officer.post(url + f"steps/{step.pk}/done/", {}, format="json").status_code == 428
    marked = officer.post(
        url + f"steps/{step.pk}/done/", {"outcome": "已报"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert marked.status_code == 200, marked.content
    assert marked.json()["steps"][0]["done_on"] == "2023-04-03"
    assert marked.json()["steps"][0]["outcome"] == "已报"
    # the enterprise contact of another project does not see the issue at all
    assert token_client(people["enterprise"]).get(url).status_code == 404


def test_api_visit_coverage_per_unit_and_leader(people, project, make_project, unit_b):
    leader = people["leader_a"]
    other = make_project(name="未走访项目")
    make_project(unit=unit_b, name="高邮项目")
    project.leaders.add(leader)
    other.leaders.add(leader)
    services.visit_record(user=leader, project=project, on=date(2023, 3, 2), kind="visit")
    got = token_client(people["city_admin"]).get(
        "/api/v1/visits/coverage/", {"start": "2023-01-01", "end": "2023-03-31"}
    )
    assert got.status_code == 200, got.content
    body = got.json()
    assert body["total"] == {
        "key": "",
        "name": "合计",
        "active": 3,
        "visited": 1,
        "share": "33.33",
    }
    units = {u["key"]: (u["active"], u["visited"]) for u in body["units"]}
    assert units["321081"] == (2, 1) and units["321084"] == (1, 0)
    assert [(r["key"], r["active"], r["visited"]) for r in body["leaders"]] == [
        (str(leader.pk), 2, 1)
    ]


# --------------------------------------------------------------------------- visits


def test_a_visit_from_the_phone_page_raises_issues_on_the_spot(people, project, make_project):
    leader = people["leader_a"]
    project.leaders.add(leader)
    other = make_project(name="ZZ项目")
    page = _web(leader).get("/visits/new/").content.decode()
    # the leader's linked project comes first, in its own group
    assert page.index("我挂钩的项目") < page.index(project.name) < page.index(other.name)
    posted = _web(leader).post(
        "/visits/new/",
        {
            "project": project.pk,
            "date": "2023-03-02",
            "kind": "visit",
            "findings": "用工紧张",
            "issues": "缺少技工\n\n道路未通",
            "issue_category": "labour",
        },
    )
    assert posted.status_code == 302
    visit = Visit.objects.get()
    assert (visit.visitor, visit.findings) == (leader, "用工紧张")
    assert sorted(visit.issues.values_list("description", "category")) == [
        ("缺少技工", "labour"),
        ("道路未通", "labour"),
    ]
    assert set(visit.issues.values_list("raised_by", flat=True)) == {leader.pk}


# --------------------------------------------------------------------------- tours


@pytest.fixture
def tour(people, project, make_project):
    second = make_project(name="第二个观摩项目")
    judge2 = make_user("judge_li", Role.CITY_REVIEWER, people["city_admin"].region)
    t = services.tour_create(
        user=people["city_admin"],
        city=project.unit.parent,
        name="一季度观摩",
        on=date(2023, 3, 20),
        period="2023Q1",
        criteria=[("形象进度", 50), ("投资强度", 50)],
        judges=[people["city_reviewer"], judge2],
        projects=[second, project],
    )
    # visiting order: the port project first
    for order, tp in enumerate(t.tour_projects.order_by("-pk")):
        tp.visit_order = order
        tp.save()
    return t, judge2


def test_judges_score_on_the_phone_and_see_others_only_when_closed(people, tour, project):
    t, judge2 = tour
    first_tp = t.tour_projects.get(project=project)
    c1, c2 = t.criteria.order_by("sort_order")
    zhang = _web(people["city_reviewer"])
    page = zhang.get(f"/tours/{t.pk}/score/").content.decode()
    assert page.index("仪征港口项目") < page.index("第二个观摩项目")
    zhang.post(
        f"/tours/{t.pk}/score/", {"tour_project": first_tp.pk, f"c{c1.pk}": "45", f"c{c2.pk}": "40"}
    )
    # above the maximum: refused, nothing of this project saved for judge 2
    li = _web(judge2)
    bad = li.post(
        f"/tours/{t.pk}/score/", {"tour_project": first_tp.pk, f"c{c1.pk}": "30", f"c{c2.pk}": "60"}
    )
    assert "得分不能超过该项满分" in bad.content.decode()
    assert not TourScore.objects.filter(judge__user=judge2).exists()
    li.post(
        f"/tours/{t.pk}/score/", {"tour_project": first_tp.pk, f"c{c1.pk}": "30", f"c{c2.pk}": "35"}
    )
    # before closing: judge 2 sees neither judge 1's total nor the averages
    page = li.get(f"/tours/{t.pk}/score/").content.decode()
    assert "85" not in page and "其他评委总分" not in page
    assert "尚未评分" not in li.get(f"/tours/{t.pk}/").content.decode()
    assert "截止评分前不显示得分" in li.get(f"/tours/{t.pk}/").content.decode()
    api = token_client(judge2).get(f"/api/v1/tours/{t.pk}/").json()
    assert [p["score"] for p in api["projects"]] == [None, None] and api["unit_scores"] == []
    # a judge who is not the city cannot close; the city closes
    assert li.post(f"/tours/{t.pk}/close/").status_code == 403
    _web(people["city_admin"]).post(f"/tours/{t.pk}/close/")
    t.refresh_from_db()
    assert t.closed_on is not None
    page = li.get(f"/tours/{t.pk}/score/").content.decode()
    assert "其他评委总分" in page and "85" in page
    with pytest.raises(ValidationError):
        services.tour_score_set(
            user=judge2,
            judge=t.judges.get(user=judge2),
            tour_project=first_tp,
            criterion=c1,
            points=Decimal(10),
        )
    # two judges: no trimming, the mean of 85 and 65
    api = token_client(judge2).get(f"/api/v1/tours/{t.pk}/").json()
    assert {p["project_name"]: p["score"] for p in api["projects"]}["仪征港口项目"] == "75.00"


# --------------------------------------------------------------------------- nodes


@pytest.fixture
def templates(city, department):
    NodeTemplate.objects.create(
        city=city, category="industrial", kind="filing", offset_days=-60, department=department
    )
    NodeTemplate.objects.create(
        city=city, category="industrial", kind="construction_permit", offset_days=-5, sort_order=1
    )
    NodeTemplate.objects.create(
        city=city, category="infrastructure", kind="filing", offset_days=-90
    )


def test_node_templates_make_the_plan_from_the_planned_start(people, project, templates):
    made = project_services.node_templates_apply(user=people["clerk_a"], project=project)
    assert [(n.kind, n.deadline) for n in made] == [
        ("filing", date(2023, 3, 2)),
        ("construction_permit", date(2023, 4, 26)),
    ]
    assert project_services.node_templates_apply(user=people["clerk_a"], project=project) == []
    with pytest.raises(PermissionDenied):
        project_services.node_templates_apply(user=people["clerk_b"], project=project)
    project.planned_start = None
    project.save()
    with pytest.raises(ValidationError):
        project_services.node_templates_apply(user=people["city_admin"], project=project)


def test_late_nodes_are_marked_warned_and_noticed(
    people, project, templates, department, officer2, pinned_today
):
    pinned_today(date(2023, 3, 10))
    project_services.node_templates_apply(user=people["clerk_a"], project=project)
    filing = Node.objects.get(project=project, kind="filing")  # due 2023-03-02
    filing.person_user = people["leader_a"]
    filing.save()
    page = _web(people["clerk_a"]).get(f"/projects/{project.pk}/?as_of=2023-03-10")
    assert page.content.decode().count("data-late-node") == 1

    rule = WarningRule(key="node_overdue", yellow_threshold=Decimal(0), red_threshold=Decimal(30))
    hits = list(
        evaluate_node_overdue(
            projects=Project.objects.filter(pk=project.pk), as_of=date(2023, 3, 10), rule=rule
        )
    )
    assert [(h.level, h.since) for h in hits] == [("yellow", date(2023, 3, 3))]
    hits = list(
        evaluate_node_overdue(
            projects=Project.objects.filter(pk=project.pk), as_of=date(2023, 4, 1), rule=rule
        )
    )
    assert hits[0].level == "red" and "最早的 2023-03-02 已过 30 天" in hits[0].detail

    # before the deadline (within the city's 3 days): the permit node has no department
    # or person, so nobody; the filing node is late: its department officers and person
    assert notifications.node_notices(as_of=date(2023, 2, 27)) == 3  # 2 officers + person
    assert set(Notification.objects.values_list("event", flat=True)) == {"node_due_soon"}
    assert notifications.node_notices(as_of=date(2023, 3, 10)) == 3
    assert notifications.node_notices(as_of=date(2023, 3, 11)) == 0  # once per deadline
    late = Notification.objects.filter(event="node_overdue")
    assert set(late.values_list("recipient__username", flat=True)) == {
        "dept",
        "dept_wang",
        "leader_a",
    }
    # the project page is linked only for whoever may open it: a department officer sees
    # their department's nodes, not projects (a link would be a 404) — theirs is the
    # node's answer page
    assert dict(late.values_list("recipient__username", "link")) == {
        "dept": f"/projects/nodes/{filing.pk}/answer/",
        "dept_wang": f"/projects/nodes/{filing.pk}/answer/",
        "leader_a": f"/projects/{project.pk}/",
    }
    assert _web(people["department"]).get(f"/projects/{project.pk}/").status_code == 404
    # a node done is no longer late, and a moved deadline is a new event
    filing.outcome, filing.completed_on = "done", date(2023, 3, 9)
    filing.save()
    assert notifications.node_notices(as_of=date(2023, 3, 12)) == 0
