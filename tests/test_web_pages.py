"""Every page answers every role as it should: 200 for what they may use, a redirect to
their own page, 403 for what their role may not do, 404 for another unit's objects."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.projects import services as project_services
from ballast.reports import services as report_services
from ballast.reports.models import MonthlyReport


@pytest.fixture
def web_city(make_project, people, unit_b, d):
    """Unit A: a started project with a 2026 plan of 1,200 万元, September accepted
    (300 万元) and October submitted (150 万元). Unit B: one started project."""
    clerk, reviewer, city = people["clerk_a"], people["reviewer_a"], people["city_reviewer"]
    a1 = make_project(
        name="仪征光伏组件项目",
        code="2026-321081-38-03-000001",
        investor="阿特斯阳光电力",
        total_investment=Decimal("250000.00"),
        stages={"signed": d(2026, 1, 10), "started": d(2026, 3, 1)},
    )
    project_services.plan_save(
        user=clerk, project=a1, year=2026, planned_investment=Decimal("1200.00")
    )
    project_services.node_save(
        user=clerk, project=a1, data={"kind": "filing", "deadline": d(2026, 2, 1)}
    )
    sept = report_services.report_save(
        user=clerk, project=a1, month=d(2026, 9, 1), data={"investment": Decimal("300.00")}
    )
    report_services.report_submit(user=clerk, report=sept)
    report_services.report_approve(user=reviewer, report=sept)
    report_services.report_accept(user=city, report=sept)
    octo = report_services.report_save(
        user=clerk, project=a1, month=d(2026, 10, 1), data={"investment": Decimal("150.00")}
    )
    report_services.report_submit(user=clerk, report=octo)
    b1 = make_project(
        unit_b,
        name="高邮特种线缆项目",
        stages={"started": d(2026, 2, 1)},
    )
    return {"a1": a1, "b1": b1, "sept": sept, "oct": octo}


def login(client, user):
    client.force_login(user)
    return client


LANDING = {
    "clerk_a": "/reports/",
    "reviewer_a": "/reports/review/",
    "city_reviewer": "/reports/city/",
    "clerk_b": "/reports/",
    "reviewer_b": "/reports/review/",
}


@pytest.mark.parametrize(
    "role",
    [
        "city_admin",
        "city_reviewer",
        "city_leader",
        "auditor",
        "department",
        "clerk_a",
        "reviewer_a",
        "leader_a",
        "clerk_b",
        "reviewer_b",
        "enterprise",
    ],
)
def test_each_role_lands_on_its_page(client, people, web_city, role):
    response = login(client, people[role]).get("/")
    if role in LANDING:
        assert response.status_code == 302
        assert response["Location"] == LANDING[role]
        assert client.get(response["Location"]).status_code == 200
    elif role == "leader_a":  # unit leaders land on their unit's cockpit
        assert response.status_code == 302
        assert response["Location"] == "/cockpit/321081/"
        assert client.get(response["Location"]).status_code == 200
    else:
        assert response.status_code == 200


def test_anonymous_is_sent_to_sign_in(client, web_city):
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/projects/")


def test_sign_in_page_is_chinese_and_lands_the_clerk_on_reports(client, people):
    page = client.get("/login/")
    assert page.status_code == 200
    assert "用户名" in page.content.decode()
    response = client.post("/login/", {"username": "clerk_a", "password": "pass"})
    assert response.status_code == 302
    assert client.get(response["Location"]).url == "/reports/"


def test_cockpit_at_root_counts_projects_by_stage_as_of_a_date(client, people, web_city):
    """ "/" serves the dashboards' cockpit to city people; its funnel moves with as_of."""
    login(client, people["city_admin"])

    def funnel(day):
        page = client.get(f"/?as_of={day}")
        assert page.status_code == 200
        return {s["value"]: s["n"] for s in page.context["funnel"]}

    march = funnel("2026-03-15")
    assert sum(march.values()) == 2
    assert march["started"] == 2  # A1 started 1 March, B1 on 1 February
    january = funnel("2026-01-31")
    assert january["signed"] == 1 and january["started"] == 0
    assert january["none"] == 1  # B1 had no stage yet


def test_auditor_sees_login_log_and_history_only(client, people, web_city):
    client.post("/login/", {"username": "clerk_a", "password": "pass"})
    client.logout()
    login(client, people["auditor"])
    page = client.get("/")
    assert page.status_code == 200
    assert page.context["reads_audit"]
    logins = client.get("/audit/logins/").context["page"].object_list
    assert any(r.actor_username == "clerk_a" and r.kind == "login" for r in logins)
    trail = client.get("/audit/?model=monthlyreport").context["page"].object_list
    assert any(r.model_label == "reports.MonthlyReport" for r in trail)
    assert client.get("/projects/").status_code == 403
    assert client.get(f"/projects/{web_city['a1'].pk}/").status_code == 404
    assert client.get("/reports/").status_code == 403


@pytest.mark.parametrize("role", ["department", "enterprise"])
def test_department_and_enterprise_see_no_unit_projects_or_reports(client, people, web_city, role):
    login(client, people[role])
    assert client.get("/").status_code == 200
    listing = client.get("/projects/")
    assert listing.status_code in (200, 403)
    if listing.status_code == 200:  # an enterprise contact sees only its own projects
        assert list(listing.context["page"].object_list) == []
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/projects/{web_city['a1'].pk}/").status_code == 404


PAGES_OF_A = [
    "/projects/{a1}/",
    "/projects/{a1}/edit/",
    "/projects/{a1}/stage/",
    "/projects/{a1}/plan/",
    "/projects/{a1}/nodes/new/",
    "/projects/{a1}/suspend/",
    "/reports/entry/{a1}/2026-11/",
    "/reports/{sept}/",
    "/reports/{oct}/",
    "/reports/{sept}/amend/",
]


def _fill(url, web_city):
    return url.format(a1=web_city["a1"].pk, sept=web_city["sept"].pk, oct=web_city["oct"].pk)


@pytest.mark.parametrize("url", PAGES_OF_A)
def test_outsider_clerk_gets_404_on_unit_a_pages(client, people, web_city, url):
    login(client, people["clerk_b"])
    assert client.get(_fill(url, web_city)).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/reports/{oct}/approve/", "/reports/{oct}/return/", "/reports/{oct}/accept/"],
)
def test_outsider_reviewer_cannot_act_on_unit_a_reports(client, people, web_city, url):
    login(client, people["reviewer_b"])
    assert client.post(_fill(url, web_city), {"reason": "x"}).status_code == 404
    web_city["oct"].refresh_from_db()
    assert web_city["oct"].status == "submitted"


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("clerk_a", "/projects/{a1}/", 200),
        ("clerk_a", "/projects/{a1}/edit/", 200),
        ("clerk_a", "/projects/{a1}/stage/", 200),
        ("clerk_a", "/projects/{a1}/plan/", 200),
        ("clerk_a", "/projects/{a1}/nodes/new/", 200),
        ("clerk_a", "/projects/{a1}/suspend/", 200),
        ("clerk_a", "/projects/{a1}/terminate/", 200),
        ("clerk_a", "/projects/new/", 200),
        ("clerk_a", "/reports/entry/{a1}/2026-11/", 200),
        ("clerk_a", "/reports/{sept}/", 200),
        ("clerk_a", "/reports/review/", 403),
        ("clerk_a", "/reports/city/", 403),
        ("clerk_a", "/reports/{sept}/amend/", 403),
        ("reviewer_a", "/projects/{a1}/", 200),
        ("reviewer_a", "/projects/{a1}/edit/", 403),
        ("reviewer_a", "/projects/new/", 403),
        ("reviewer_a", "/reports/", 200),
        ("reviewer_a", "/reports/review/", 200),
        ("reviewer_a", "/reports/entry/{a1}/2026-11/", 403),
        ("city_reviewer", "/reports/city/", 200),
        ("city_reviewer", "/reports/review/", 403),
        ("city_reviewer", "/reports/{sept}/amend/", 200),
        ("city_reviewer", "/projects/{a1}/stage/", 403),
        ("city_admin", "/projects/", 200),
        ("city_admin", "/projects/new/", 200),
        ("city_admin", "/projects/{a1}/edit/", 200),
        ("city_admin", "/reports/", 200),
        ("city_admin", "/reports/city/", 200),
        ("city_leader", "/projects/{a1}/", 200),
        ("city_leader", "/projects/{a1}/edit/", 403),
        ("leader_a", "/projects/", 200),
        ("leader_a", "/reports/", 200),
    ],
)
def test_page_answers_role(client, people, web_city, role, url, status):
    login(client, people[role])
    assert client.get(_fill(url, web_city)).status_code == status


def test_403_page_is_chinese(client, people, web_city):
    login(client, people["reviewer_a"])
    page = client.get("/projects/new/")
    assert page.status_code == 403
    assert "无权访问" in page.content.decode()


def test_project_page_shows_accepted_year_to_date(client, people, web_city):
    login(client, people["clerk_a"])
    page = client.get(f"/projects/{web_city['a1'].pk}/?as_of=2026-10-31")
    # Only September is accepted: 300 of a 1,200 plan = 25%; October (150) is only submitted.
    assert page.context["totals"]["ytd_investment_wan"] == Decimal("300.00")
    assert page.context["plan_share"] == Decimal("25")
    assert round(page.context["time_progress"], 1) == Decimal("83.3")  # 10 of 12 months
    assert page.context["chart"]["monthly"][8] == "300.00"
    assert page.context["chart"]["cumulative"][9] == "300.00"  # through October
    assert page.context["chart"]["cumulative"][10] is None  # nothing drawn after as_of
    assert page.context["chart"]["plan"][2] == "300.00"  # 1,200 × 3/12
    assert page.context["stage_label"] == "开工"
    html = page.content.decode()
    assert 'id="invest-data"' in html and "仪征光伏组件项目" in html


def test_project_history_lists_changes_with_user_and_fields(client, people, web_city):
    a1 = web_city["a1"]
    project_services.project_update(
        user=people["clerk_a"], project=a1, data={"investor": "阿特斯"}, reason="名称简写"
    )
    login(client, people["clerk_a"])
    history = client.get(f"/projects/{a1.pk}/").context["history"]
    change = next(r for r in history if r.kind == "项目" and r.action == "修改")
    assert change.user == people["clerk_a"]
    assert change.reason == "名称简写"
    assert change.changes == [
        {"field": "建设单位/投资主体", "old": "阿特斯阳光电力", "new": "阿特斯"}
    ]
    assert any(r.kind == "阶段节点" and r.object_label == "开工" for r in history)
    assert any(r.kind == "月度填报" and r.reason == "市级验收" for r in history)


def test_report_month_lists_projects_that_must_report(client, people, web_city, make_project, d):
    make_project(name="仅签约项目", stages={"signed": d(2026, 5, 1)})  # not started: no report
    login(client, people["clerk_a"])
    page = client.get("/reports/?month=2026-10")
    rows = {r.name: r for r in page.context["rows"]}
    assert set(rows) == {"仪征光伏组件项目"}
    assert rows["仪征光伏组件项目"].report_status == "submitted"
    assert page.context["deadline"] == date(2026, 11, 5)
    november = client.get("/reports/?month=2026-11").context["rows"]
    assert [r.missing for r in november] == ["未填报"]


def test_clerk_month_view_hides_other_units(client, people, web_city):
    login(client, people["clerk_b"])
    rows = client.get("/reports/?month=2026-10").context["rows"]
    assert [r.name for r in rows] == ["高邮特种线缆项目"]


def test_review_queues_show_what_waits_for_each_reviewer(client, people, web_city):
    login(client, people["reviewer_a"])
    rows = client.get("/reports/review/").context["rows"]
    assert [r.pk for r in rows] == [web_city["oct"].pk]
    # 300 accepted in September + 150 this month = 450 of 1,200 = 37.5%.
    assert rows[0].year_to_date == Decimal("450.00")
    assert rows[0].plan_share == Decimal("37.5")
    login(client, people["reviewer_b"])
    assert client.get("/reports/review/").context["rows"] == []
    login(client, people["city_reviewer"])
    assert client.get("/reports/city/").context["rows"] == []


def test_report_flow_one_click_each(client, people, web_city):
    octo = web_city["oct"]
    login(client, people["reviewer_a"])
    response = client.post(f"/reports/{octo.pk}/approve/", {"next": "/reports/review/"})
    assert response.status_code == 302 and response["Location"] == "/reports/review/"
    login(client, people["city_reviewer"])
    client.post(f"/reports/{octo.pk}/accept/")
    octo.refresh_from_db()
    assert octo.status == "accepted"
    login(client, people["clerk_a"])
    page = client.get(f"/projects/{web_city['a1'].pk}/?as_of=2026-10-31")
    assert page.context["totals"]["ytd_investment_wan"] == Decimal("450.00")


def test_return_needs_a_reason_and_keeps_it(client, people, web_city):
    octo = web_city["oct"]
    login(client, people["reviewer_a"])
    client.post(f"/reports/{octo.pk}/return/", {"reason": ""})
    octo.refresh_from_db()
    assert octo.status == "submitted"
    client.post(f"/reports/{octo.pk}/return/", {"reason": "投资额与形象进度不符"})
    octo.refresh_from_db()
    assert octo.status == "draft" and octo.return_reason == "投资额与形象进度不符"
    login(client, people["clerk_a"])
    rows = client.get("/reports/?month=2026-10").context["rows"]
    assert rows[0].missing == "已退回，待修改后报送"


def test_clerk_enters_and_submits_a_report(client, people, web_city):
    a1 = web_city["a1"]
    login(client, people["clerk_a"])
    page = client.get(f"/reports/entry/{a1.pk}/2026-11/")
    assert page.context["sums"]["year_before"] == Decimal("300.00")
    assert page.context["sums"]["plan_investment"] == Decimal("1200.00")
    response = client.post(
        f"/reports/entry/{a1.pk}/2026-11/",
        {"investment": "80.50", "progress": "主体结构封顶", "submit": "1"},
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get(project=a1, month=date(2026, 11, 1))
    assert report.status == "submitted" and report.investment == Decimal("80.50")
    assert report.submitted_by == people["clerk_a"]


def test_report_form_shows_errors_on_fields(client, people, web_city):
    login(client, people["clerk_a"])
    page = client.post(
        f"/reports/entry/{web_city['a1'].pk}/2026-11/",
        {"investment": "-5", "percent_complete": "120", "save": "1"},
    )
    assert page.status_code == 200
    assert "完成投资不能为负数。" in page.context["form"].errors["investment"]
    assert "percent_complete" in page.context["form"].errors
    assert not MonthlyReport.objects.filter(month=date(2026, 11, 1)).exists()


def test_amendment_of_accepted_report_keeps_reason(client, people, web_city):
    sept = web_city["sept"]
    login(client, people["city_reviewer"])
    page = client.post(f"/reports/{sept.pk}/amend/", {"investment": "280.00", "reason": ""})
    assert "reason" in page.context["form"].errors
    response = client.post(
        f"/reports/{sept.pk}/amend/", {"investment": "280.00", "reason": "统计口径调整"}
    )
    assert response.status_code == 302
    sept.refresh_from_db()
    assert sept.investment == Decimal("280.00") and sept.amendment_count == 1
    assert sept.history.first().history_reason_text == "更正：统计口径调整"


def test_pages_switch_to_english(client, people, web_city):
    login(client, people["clerk_a"])
    assert "导出 Excel" in client.get("/projects/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    html = client.get("/projects/").content.decode()
    assert "Export Excel" in html and "Monthly reports" in html


def test_report_page_weighs_the_report_against_the_plan(client, people, web_city):
    login(client, people["reviewer_a"])
    page = client.get(f"/reports/{web_city['oct'].pk}/")
    report = page.context["report"]
    # September's accepted 300 plus October's 150, of a 1,200 plan.
    assert report.year_to_date == Decimal("450.00")
    assert report.plan_share == Decimal("37.5")
    assert page.context["may_approve"] and not page.context["may_accept"]


def test_unit_leader_is_taken_to_their_unit_cockpit(client, people, web_city):
    login(client, people["leader_a"])
    response = client.get("/?as_of=2026-10-31")
    assert response.status_code == 302
    assert response["Location"] == "/cockpit/321081/?as_of=2026-10-31"
    funnel = client.get(response["Location"]).context["funnel"]
    assert sum(s["n"] for s in funnel) == 1
