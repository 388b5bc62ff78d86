"""In a real browser: the city reviewer checks "全部选中" in the 市级验收 queue and accepts
every report in one action; one changed meanwhile is skipped and named."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.reports import services as rs
from ballast.reports.models import MonthlyReport

pytestmark = pytest.mark.browser


def test_city_reviewer_accepts_checked_reports_at_once(session, people, make_project):
    reports = []
    for n in range(3):
        project = make_project(name=f"批量验收项目{n}", stages={"started": date(2023, 1, 5)})
        report = rs.report_save(
            user=people["clerk_a"],
            project=project,
            month=date(2023, 3, 1),
            data={"investment": Decimal(100 + n), "progress": "主体施工"},
        )
        rs.report_submit(user=people["clerk_a"], report=report)
        reports.append(rs.report_approve(user=people["reviewer_a"], report=report))

    s = session()
    page = s.login("city_reviewer")
    page.goto("/reports/city/")
    page.check("input[data-check-all=pick]")
    assert page.locator("input[name=pick]:checked").count() == 3
    s.shot("batch-01-city-queue-all-checked")

    # Meanwhile report 1 is returned, resubmitted and approved again: a newer version.
    stale = reports[1]
    rs.report_return(user=people["city_reviewer"], report=stale, reason="补充照片")
    stale.refresh_from_db()
    rs.report_submit(user=people["clerk_a"], report=stale)
    rs.report_approve(user=people["reviewer_a"], report=stale)

    page.click("button:has-text('批量验收选中的填报')")
    page.wait_for_load_state("load")
    text = page.inner_text(".messages")
    assert "已验收 2 件" in text and "未处理 1 件" in text and "批量验收项目1" in text
    s.shot("batch-02-city-queue-after")
    statuses = dict(MonthlyReport.objects.values_list("project__name", "status"))
    assert statuses == {
        "批量验收项目0": "accepted",
        "批量验收项目1": "unit_approved",
        "批量验收项目2": "accepted",
    }
    # the skipped one is still in the queue, with its new version
    assert page.locator("input[name=pick]").count() == 1
