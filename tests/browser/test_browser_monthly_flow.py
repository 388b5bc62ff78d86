"""In a real browser: a clerk records a stage and submits a month's report, the unit
reviewer approves it, the city accepts it, and the project's figures move; a clerk of
another unit cannot reach it by URL."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ballast.projects import services as project_services
from ballast.reports.models import MonthlyReport

pytestmark = pytest.mark.browser


@pytest.fixture
def project(make_project, people):
    a1 = make_project(
        name="扬州光储一体化项目",
        total_investment=Decimal("200000.00"),
        stages={"signed": date(2026, 1, 10)},
    )
    project_services.plan_save(
        user=people["clerk_a"], project=a1, year=2026, planned_investment=Decimal("1200.00")
    )
    return a1


def ytd_on_project_page(page, project) -> str:
    page.goto(f"/projects/{project.pk}/?as_of=2026-10-31")
    return page.inner_text("[data-testid=ytd]")


def test_clerk_reports_reviewers_approve_and_figures_move(session, people, project):
    s = session()

    # The clerk lands on the month view, records the start and fills in October.
    page = s.login("clerk_a")
    assert page.url.endswith("/reports/")
    assert ytd_on_project_page(page, project) == "0.00"
    page.click("text=记录阶段")
    page.select_option("#id_stage", "started")
    page.fill("#id_date", "2026-03-01")
    page.click("button:has-text('保存')")
    assert "已记录“开工” 2026-03-01" in page.inner_text(".messages")

    page.goto("/reports/?month=2026-10")
    row = page.locator("tr", has_text="扬州光储一体化项目")
    assert "未填报" in row.inner_text()
    row.get_by_role("link", name="填报", exact=True).click()
    page.fill("#id_investment", "300")
    # The sums follow the typing: 300 of a 1,200 plan is 25%. (Waiting assertions: on a
    # loaded machine the page's script may run a moment after the field is filled.)
    expect(page.locator("#sum-ytd")).to_have_text("300.00")
    expect(page.locator("#sum-ytd-share")).to_have_text("25.0%")
    page.fill("#id_investment", "240.5")
    expect(page.locator("#sum-ytd")).to_have_text("240.50")
    page.fill("#id_progress", "主体钢结构完成 60%")
    s.shot("flow-01-clerk-entry")
    page.click("button[name=submit]")
    assert "已报送" in page.inner_text(".messages")
    report = MonthlyReport.objects.get(project=project, month=date(2026, 10, 1))
    assert report.status == "submitted"

    # The unit reviewer approves in one click.
    page = s.login("reviewer_a")
    assert page.url.endswith("/reports/review/")
    s.shot("flow-02-unit-review")
    page.locator("tr", has_text="扬州光储一体化项目").locator("button:has-text('通过')").click()
    assert "审核通过" in page.inner_text(".messages")

    # The city accepts in one click.
    page = s.login("city_reviewer")
    assert page.url.endswith("/reports/city/")
    page.locator("tr", has_text="扬州光储一体化项目").locator("button:has-text('验收')").click()
    assert "已验收" in page.inner_text(".messages")
    report.refresh_from_db()
    assert report.status == "accepted"

    # The project's year-to-date now counts October.
    page = s.login("city_admin")
    assert ytd_on_project_page(page, project) == "240.50"
    page.wait_for_function("document.querySelector('#invest-chart canvas') !== null")
    s.shot("flow-03-project-after")

    # A clerk of another unit cannot reach the project or the report.
    page = s.login("clerk_b")
    for url in (f"/projects/{project.pk}/", f"/reports/{report.pk}/"):
        response = page.goto(url)
        assert response.status == 404
        assert "页面不存在" in page.inner_text("h1")
    assert "扬州光储一体化项目" not in page.goto("/projects/").text()


def test_unit_reviewer_returns_with_reason(session, people, project):
    project_services.stage_record(
        user=people["clerk_a"], project=project, stage="started", on=date(2026, 3, 1)
    )
    from ballast.reports import services as report_services

    report = report_services.report_save(
        user=people["clerk_a"],
        project=project,
        month=date(2026, 10, 1),
        data={"investment": Decimal("50")},
    )
    report_services.report_submit(user=people["clerk_a"], report=report)
    s = session()
    page = s.login("reviewer_a")
    row = page.locator("tr", has_text="扬州光储一体化项目")
    row.locator("input[name=reason]").fill("投资额偏低，请核实")
    row.locator("button:has-text('退回')").click()
    assert "已退回" in page.inner_text(".messages")
    page = s.login("clerk_a")
    page.goto("/reports/?month=2026-10")
    assert "投资额偏低，请核实" in page.inner_text("table")
