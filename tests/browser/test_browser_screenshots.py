"""Every page for every role, at 1366×768 and on a phone, saved as screenshots in
test-artifacts/screenshots/ for people to look at. No page may load anything from
outside the server or raise a script error (checked by the ``session`` fixture)."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.projects import services as project_services
from ballast.reports import services as report_services

pytestmark = pytest.mark.browser

ROLES = [
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
]

PAGES = [
    ("home", "/"),
    ("projects", "/projects/?as_of=2026-10-31"),
    ("project", "/projects/{a1}/?as_of=2026-10-31"),
    ("project-edit", "/projects/{a1}/edit/"),
    ("project-stage", "/projects/{a1}/stage/"),
    ("project-new", "/projects/new/"),
    ("reports-month", "/reports/?month=2026-10"),
    ("report-entry", "/reports/entry/{a1}/2026-11/"),
    ("report", "/reports/{oct}/"),
    ("review-unit", "/reports/review/"),
    ("review-city", "/reports/city/"),
    ("report-amend", "/reports/{sept}/amend/"),
]
PHONE_PAGES = ("home", "projects", "project", "reports-month", "review-unit")


@pytest.fixture
def city_data(make_project, people, unit_b):
    clerk = people["clerk_a"]
    a1 = make_project(
        name="阿特斯光储全产业链项目（一期）",
        code="2026-321081-38-03-000123",
        investor="阿特斯阳光电力集团",
        total_investment=Decimal("1200000.00"),
        land_area=Decimal("1200"),
        capacity="14GW 切片和电池片、10GW 组件",
        stages={
            "signed": date(2026, 1, 10),
            "landed": date(2026, 2, 1),
            "started": date(2026, 3, 1),
        },
    )
    a1.leaders.add(people["city_leader"])
    project_services.plan_save(
        user=clerk, project=a1, year=2026, planned_investment=Decimal("36000.00")
    )
    project_services.node_save(
        user=clerk,
        project=a1,
        data={
            "kind": "construction_permit",
            "deadline": date(2026, 2, 20),
            "outcome": "done",
            "completed_on": date(2026, 2, 18),
        },
    )
    reports = {}
    for month, amount in ((8, "3200"), (9, "4100"), (10, "3900")):
        report = report_services.report_save(
            user=clerk,
            project=a1,
            month=date(2026, month, 1),
            data={"investment": Decimal(amount), "progress": f"{month}月：厂房主体施工"},
        )
        report_services.report_submit(user=clerk, report=report)
        if month < 10:
            report_services.report_approve(user=people["reviewer_a"], report=report)
            report_services.report_accept(user=people["city_reviewer"], report=report)
        reports[month] = report
    a2 = make_project(name="亚新科双环汽车零部件项目", stages={"started": date(2026, 3, 15)})
    r2 = report_services.report_save(
        user=clerk, project=a2, month=date(2026, 10, 1), data={"investment": Decimal("800")}
    )
    report_services.report_submit(user=clerk, report=r2)
    report_services.report_approve(user=people["reviewer_a"], report=r2)
    make_project(name="科霸高端生物医药一期", stages={"signed": date(2026, 5, 1)})
    make_project(unit_b, name="高邮特种线缆项目", stages={"started": date(2026, 2, 1)})
    return {"a1": a1.pk, "sept": reports[9].pk, "oct": reports[10].pk}


@pytest.mark.parametrize("role", ROLES)
def test_screenshots_of_every_page(session, people, city_data, role):
    s = session()
    s.login(role)
    s.shot(f"{role}-00-landing")
    refused = set()
    for name, url in PAGES:
        response = s.page.goto(url.format(**city_data))
        assert response.status in (200, 403, 404), (role, url, response.status)
        # The pages a role may not use look alike: one picture of each refusal is enough.
        if response.status == 200 or response.status not in refused:
            s.shot(f"{role}-{name}" + ("" if response.status == 200 else f"-{response.status}"))
        refused.add(response.status)
    phone = session(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.login(role)
    for name, url in PAGES:
        if name in PHONE_PAGES:
            phone.page.goto(url.format(**city_data))
            phone.shot(f"{role}-phone-{name}")


def test_sign_in_page(session):
    s = session()
    s.page.goto("/login/")
    s.shot("login")
    s.page.fill("#id_username", "nobody")
    s.page.fill("#id_password", "wrong")
    s.page.click("button[type=submit]")
    assert "用户名或密码不正确" in s.page.inner_text(".login-card")
    s.shot("login-failed")
