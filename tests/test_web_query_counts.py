"""Every list page runs the same number of queries for 5 projects as for 50."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballast.projects import services as project_services
from ballast.reports import services as report_services

# "/" is the dashboards' cockpit for city people: tests/test_dashboard_pages.py holds its
# query counts.
PAGES = [
    "/projects/?as_of=2026-10-31",
    "/projects/?as_of=2026-10-31&stage=started&size=10yi&plan_year=2026&q=项目&sort=-investment",
    "/reports/?month=2026-10",
    "/reports/review/",
    "/reports/city/",
]


def build(make_project, people, n: int):
    clerk, leader = people["clerk_a"], people["city_leader"]
    for i in range(n):
        project = make_project(
            name=f"查询项目{i}",
            stages={"started": date(2026, 2, 1)},
            total_investment=Decimal("150000.00"),
        )
        project.leaders.add(leader)
        project_services.plan_save(
            user=clerk, project=project, year=2026, planned_investment=Decimal("1200.00")
        )
        report = report_services.report_save(
            user=clerk, project=project, month=date(2026, 10, 1), data={"investment": Decimal(i)}
        )
        report_services.report_submit(user=clerk, report=report)
        if i % 2:
            report_services.report_approve(user=people["reviewer_a"], report=report)


def count_queries(client, user, url) -> int:
    client.force_login(user)
    # The first request of a session does the once-a-session work (the account steps'
    # look-ups, pushing the idle expiry on); the page's own queries are counted after it.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


ROLE_OF_PAGE = {
    "/reports/review/": "reviewer_a",
    "/reports/city/": "city_reviewer",
}


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_projects(client, people, make_project, url):
    user = people[ROLE_OF_PAGE.get(url, "clerk_a")]
    build(make_project, people, 5)
    few = count_queries(client, user, url)
    build(make_project, people, 45)
    many = count_queries(client, user, url)
    assert few == many, f"{url}: {few} queries for 5 projects, {many} for 50"


@pytest.mark.parametrize("url", PAGES)
def test_pages_stay_within_a_query_budget(
    client, people, make_project, url, django_assert_max_num_queries
):
    build(make_project, people, 12)
    client.force_login(people[ROLE_OF_PAGE.get(url, "clerk_a")])
    client.get(url)  # the session's first request does the once-a-session work
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_project_page_query_count_is_bounded(client, people, make_project):
    build(make_project, people, 1)
    project = people["clerk_a"].region.projects.get()
    few = count_queries(client, people["clerk_a"], f"/projects/{project.pk}/?as_of=2026-10-31")
    for month in range(3, 10):
        report = report_services.report_save(
            user=people["clerk_a"],
            project=project,
            month=date(2026, month, 1),
            data={"investment": Decimal(10)},
        )
        report_services.report_submit(user=people["clerk_a"], report=report)
    many = count_queries(client, people["clerk_a"], f"/projects/{project.pk}/?as_of=2026-10-31")
    assert few == many
    # the page's own rows, the change log over every model that registers history (now
    # with attachments and attraction's leads), the panels of the apps above projects
    # (reports, the lead it was signed from, the reserve pool, the stage photos) and the
    # header's unread count: a fixed number, whatever the number of reports
    assert many <= 40
