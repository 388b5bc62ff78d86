"""The cockpits and supervision pages: who sees what, the numbers behind them, as-of dates,
and query counts that do not grow with the number of projects."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ballast.assessments.selectors import assess
from ballast.assessments.services import assessment_publish, ensure_default_schemes
from ballast.coordination import services as coordination
from ballast.figures.selectors import unit_figures, units_figures
from ballast.projects import services as project_services
from ballast.projects.models import UnitTarget

AS_OF = "2026-11-20"
PAGES = [
    "/cockpit/",
    "/warnings/",
    "/issues/",
    "/rankings/",
    "/visits/",
    "/tours/",
    "/leaders/",
    "/map/",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty dashboards cache (the test databases reuse ids)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def small_city(people, make_project, unit_a, unit_b, department):
    """Unit A (仪征): a started project (2026-03-01) of 15亿 with a yellow/red-prone plan,
    a signed one (2026-05-10) of 5000万; unit B (高邮): a signed one (2026-10-12) of 2亿.
    An open issue on A's started project, overdue since 2026-11-01."""
    started = make_project(
        name="仪征开工项目",
        total_investment=Decimal("150000.00"),
        stages={"signed": date(2026, 1, 10), "started": date(2026, 3, 1)},
        longitude=Decimal("119.180000"),
        latitude=Decimal("32.300000"),
    )
    signed_a = make_project(
        name="仪征签约项目",
        total_investment=Decimal("5000.00"),
        stages={"signed": date(2026, 5, 10)},
    )
    signed_b = make_project(
        unit_b,
        name="高邮签约项目",
        total_investment=Decimal("20000.00"),
        stages={"signed": date(2026, 10, 12)},
        longitude=Decimal("119.450000"),
        latitude=Decimal("32.800000"),
    )
    started.leaders.add(people["city_leader"])
    signed_b.leaders.add(people["city_leader"])
    UnitTarget.objects.create(
        unit=unit_a, period="2026", indicator="signed_count", value=Decimal("4")
    )
    issue = coordination.issue_raise(
        user=people["clerk_a"],
        project=started,
        data={
            "category": "land",
            "description": "用地指标尚未落实",
            "raised_on": date(2026, 10, 1),
            "deadline": date(2026, 11, 1),
            "department": department,
        },
    )
    return {"started": started, "signed_a": signed_a, "signed_b": signed_b, "issue": issue}


def shown(text: str, name: str) -> bool:
    """``name`` appears in the page, as text or inside a JSON script (escaped)."""
    return name in text or json.dumps(name)[1:-1] in text


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --------------------------------------------------------------------------- who sees what

EXPECTED = {
    # role: {page: status}; pages not listed answer 200
    "city_admin": {},
    "city_reviewer": {},
    "city_leader": {},
    "clerk_a": {"/cockpit/": 302},
    "reviewer_a": {"/cockpit/": 302},
    "leader_a": {"/cockpit/": 302},
    "department": {
        "/cockpit/": 403,
        "/warnings/": 403,
        "/rankings/": 403,
        "/visits/": 403,
        "/tours/": 403,
        "/leaders/": 403,
        "/map/": 403,
    },
    "auditor": {p: 403 for p in PAGES},
    "enterprise": {
        "/cockpit/": 403,
        "/warnings/": 403,
        "/rankings/": 403,
        "/visits/": 403,
        "/tours/": 403,
        "/leaders/": 403,
    },
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_page_answers_each_role(client, people, small_city, role):
    for page in PAGES:
        response = get(client, people[role], f"{page}?as_of={AS_OF}")
        assert response.status_code == EXPECTED[role].get(page, 200), (role, page)


def test_unit_person_is_taken_to_their_own_unit_cockpit(client, people, small_city):
    response = get(client, people["clerk_a"], f"/cockpit/?as_of={AS_OF}")
    assert response["Location"] == f"/cockpit/321081/?as_of={AS_OF}"
    assert get(client, people["clerk_a"], "/cockpit/321081/").status_code == 200


def test_outsider_clerk_gets_404_for_unit_a_cockpit(client, people, small_city):
    assert get(client, people["clerk_b"], "/cockpit/321081/").status_code == 404
    assert get(client, people["clerk_b"], "/cockpit/321084/").status_code == 200
    # a city person opens any unit's cockpit
    assert get(client, people["city_admin"], "/cockpit/321081/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        *[f"{p}?as_of={AS_OF}" for p in PAGES],
        "/cockpit/321084/",
        "/issues/?state=open",
        "/issues/?unit=321081",
        "/warnings/?unit=321081&export=csv",
        "/map/?unit=321081",
        "/visits/?unit=321081&start=2026-01-01&end=2026-11-20",
        "/cockpit/projects/?reached=signed&start=2026-01-01&end=2026-11-20",
        "/cockpit/projects/?reached=started&start=2026-01-01&end=2026-11-20&unit=321081",
        f"/leaders/0/?as_of={AS_OF}",
    ],
)
def test_outsider_clerk_sees_no_row_of_unit_a(client, people, small_city, url):
    if url.startswith("/leaders/0/"):
        url = url.replace("/0/", f"/{people['city_leader'].pk}/")
    response = get(client, people["clerk_b"], url)
    assert response.status_code in (200, 302, 404)
    text = response.content.decode()
    assert not shown(text, "仪征开工项目")
    assert not shown(text, "仪征签约项目")
    assert not shown(text, "用地指标尚未落实")


def test_clerk_sees_their_own_rows(client, people, small_city):
    text = get(client, people["clerk_a"], f"/map/?as_of={AS_OF}").content.decode()
    assert shown(text, "仪征开工项目") and not shown(text, "高邮签约项目")
    text = get(client, people["clerk_a"], f"/issues/?as_of={AS_OF}").content.decode()
    assert "用地指标尚未落实" in text


def test_department_inbox_shows_issues_of_their_department(client, people, small_city):
    text = get(client, people["department"], f"/issues/?as_of={AS_OF}").content.decode()
    assert "部门收件箱" in text
    assert "用地指标尚未落实" in text


def test_issue_board_links_only_projects_the_person_may_open(client, people, small_city):
    project = small_city["started"]
    link = f'href="/projects/{project.pk}/"'
    # The department officer has the issue in the inbox but may not open the project.
    assert get(client, people["department"], f"/projects/{project.pk}/").status_code == 404
    for who in ("department", "clerk_a", "city_admin"):
        text = get(client, people[who], f"/issues/?as_of={AS_OF}").content.decode()
        assert project.name in text
        may_open = get(client, people[who], f"/projects/{project.pk}/").status_code == 200
        assert (link in text) == may_open, who


# --------------------------------------------------------------------------- the numbers


def test_city_cockpit_numbers_equal_the_selectors(client, people, small_city, city):
    response = get(client, people["city_admin"], f"/cockpit/?as_of={AS_OF}")
    ctx = response.context
    figures = unit_figures(unit=city, year=2026, as_of=date(2026, 11, 20))
    assert ctx["figures"] == figures
    # three projects signed in 2026 (hand count), one started
    assert figures["new"]["signed"]["count"] == 3
    signed = next(k for k in ctx["key_figures"] if k["key"] == "signed_count")
    assert signed["actual"] == 3
    assert signed["target"] == 4  # the city's count target is the sum of its units'
    funnel = {s["value"]: s["n"] for s in ctx["funnel"]}
    assert funnel["started"] == 1 and funnel["signed"] == 2 and funnel["none"] == 0
    per_unit = units_figures(city=city, year=2026, as_of=date(2026, 11, 20))
    rows = {r["code"]: r for r in ctx["investment"]}
    assert set(rows) == set(per_unit)
    assert rows["321081"]["completion_rate"] == per_unit["321081"]["investment"]["completion_rate"]
    assert ctx["issues"]["totals"].open == 1 and ctx["issues"]["totals"].overdue == 1
    sizes = {s["value"]: s["n"] for s in ctx["sizes"]}
    assert sizes == {"100yi": 0, "50yi": 0, "10yi": 1, "1yi": 1, "below": 1}
    # quarter 2026Q4 up to 20 November: only 高邮's signing (12 October)
    batches = {b["key"]: b["n"] for b in ctx["batches"]}
    assert batches == {"signed_landed": 1, "started": 0, "completed": 0, "reserve": 0}


def test_every_cockpit_number_links_to_its_list(client, people, small_city):
    response = get(client, people["city_admin"], f"/cockpit/?as_of={AS_OF}")
    ctx = response.context
    started = next(s for s in ctx["funnel"] if s["value"] == "started")
    assert started["href"] == f"/projects/?stage=started&as_of={AS_OF}"
    listed = get(client, people["city_admin"], started["href"]).content.decode()
    assert "仪征开工项目" in listed and "仪征签约项目" not in listed
    batch = next(b for b in ctx["batches"] if b["key"] == "signed_landed")
    listed = get(client, people["city_admin"], batch["href"]).content.decode()
    assert "高邮签约项目" in listed and "仪征签约项目" not in listed
    signed = next(k for k in ctx["key_figures"] if k["key"] == "signed_count")
    listed = get(client, people["city_admin"], signed["href"])
    assert listed.context["page"].paginator.count == 3
    overdue = get(client, people["city_admin"], ctx["issues"]["overdue_href"])
    assert "用地指标尚未落实" in overdue.content.decode()
    page = response.content.decode()
    for href in (started["href"], batch["href"], signed["href"]):
        assert href.replace("&", "&amp;") in page


def test_unit_cockpit_numbers_are_the_units(client, people, small_city, unit_a):
    ctx = get(client, people["clerk_a"], f"/cockpit/321081/?as_of={AS_OF}").context
    figures = unit_figures(unit=unit_a, year=2026, as_of=date(2026, 11, 20))
    assert ctx["figures"] == figures
    assert figures["new"]["signed"]["count"] == 2
    funnel = {s["value"]: s["n"] for s in ctx["funnel"]}
    assert funnel["started"] == 1 and funnel["signed"] == 1
    assert all("unit=" in s["href"] for s in ctx["funnel"])


def test_as_of_moves_the_cockpit_back_in_time(client, people, small_city):
    early = get(client, people["city_admin"], "/cockpit/?as_of=2026-02-01").context
    funnel = {s["value"]: s["n"] for s in early["funnel"]}
    # on 1 February only the started project had been signed; nothing had started
    assert funnel["signed"] == 1 and funnel["started"] == 0 and funnel["none"] == 2
    assert early["figures"]["new"]["signed"]["count"] == 1
    assert early["issues"]["totals"].open == 0  # raised on 1 October


def test_cockpit_shows_a_change_at_once_although_results_are_cached(client, people, small_city):
    url = f"/cockpit/?as_of={AS_OF}"
    before = {s["value"]: s["n"] for s in get(client, people["city_admin"], url).context["funnel"]}
    assert before["started"] == 1
    project_services.stage_record(
        user=people["clerk_a"],
        project=small_city["signed_a"],
        stage="started",
        on=date(2026, 11, 2),
    )
    after = {s["value"]: s["n"] for s in get(client, people["city_admin"], url).context["funnel"]}
    assert after["started"] == 2 and after["signed"] == before["signed"] - 1


def test_cockpit_ranking_is_the_assessment(client, people, small_city, city):
    ctx = get(client, people["city_admin"], f"/cockpit/?as_of={AS_OF}").context
    scheme = ctx["ranking"]["scheme"]
    expected = assess(scheme=scheme, period="2026Q4", as_of=date(2026, 11, 20), city=city)
    shown_rows = [
        (r["unit"], r["score"], r["rank"], r["rank_change"]) for r in ctx["ranking"]["result"].rows
    ]
    assert shown_rows == [
        (r["unit"], r["score"], r["rank"], r["rank_change"]) for r in expected.rows
    ]
    assert scheme.period_kind == "quarter"


def test_rankings_page_ranks_every_unit(client, people, small_city):
    ctx = get(client, people["city_admin"], f"/rankings/?as_of={AS_OF}").context
    rows = ctx["data"]["result"].rows
    assert len(rows) == 9
    ranks = [r["rank"] for r in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1  # best first
    assert ctx["period"] == "2026Q4"


def test_rank_history_holds_published_periods_and_the_current_one(client, people, small_city, city):
    admin = people["city_admin"]
    scheme = next(s for s in ensure_default_schemes(city, user=admin) if s.slug == "quarterly")
    published = assessment_publish(
        user=admin, scheme=scheme, period="2026Q3", as_of=date(2026, 10, 15)
    )
    ctx = get(client, admin, f"/rankings/?scheme={scheme.pk}&as_of={AS_OF}").context
    history = ctx["history"]
    assert history["periods"] == ["2026Q3", "2026Q4"]
    q3 = {r["unit"]: r["rank"] for r in published.results}
    names = {r["unit_name"]: r["unit"] for r in ctx["data"]["result"].rows}
    for unit in history["units"]:
        assert unit["ranks"][0] == q3[names[unit["name"]]]
    # the quarter before opens the published result as stored
    ctx = get(client, admin, f"/rankings/?scheme={scheme.pk}&period=2026Q3").context
    assert ctx["data"]["result"].published is True


def test_warnings_export_csv_lists_only_the_scope(client, people, small_city):
    response = get(client, people["clerk_b"], f"/warnings/?as_of={AS_OF}&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "仪征" not in response.content.decode("utf-8-sig")


def test_issue_actions_go_through_the_services(client, people, small_city):
    issue = small_city["issue"]
    officer = people["department"]
    client.force_login(officer)
    url = reverse("coordination:issue_action", args=[issue.pk, "acknowledge"])
    client.post(url)
    issue.refresh_from_db()
    assert issue.status == "accepted"
    client.post(
        reverse("coordination:issue_action", args=[issue.pk, "resolve"]), {"resolution": ""}
    )
    issue.refresh_from_db()
    assert issue.status == "accepted"  # a resolution is required
    client.post(
        reverse("coordination:issue_action", args=[issue.pk, "resolve"]), {"resolution": "已落实"}
    )
    issue.refresh_from_db()
    assert issue.status == "resolved"
    # the outsider clerk cannot reach it
    client.force_login(people["clerk_b"])
    response = client.post(reverse("coordination:issue_action", args=[issue.pk, "confirm"]))
    assert response.status_code == 404
    client.force_login(people["clerk_a"])
    client.post(reverse("coordination:issue_action", args=[issue.pk, "confirm"]))
    issue.refresh_from_db()
    assert issue.status == "closed"


def test_leader_portfolio_lists_the_leaders_projects(client, people, small_city):
    leader = people["city_leader"]
    text = get(client, leader, f"/leaders/{leader.pk}/?as_of={AS_OF}").content.decode()
    assert "仪征开工项目" in text and "高邮签约项目" in text and "仪征签约项目" not in text
    # unit A's clerk sees only unit A's part of the portfolio
    text = get(client, people["clerk_a"], f"/leaders/{leader.pk}/").content.decode()
    assert "仪征开工项目" in text and "高邮签约项目" not in text


def test_map_places_projects_with_a_point_and_lists_the_others(client, people, small_city):
    ctx = get(client, people["city_admin"], f"/map/?as_of={AS_OF}").context
    names = {p["name"] for p in ctx["map_data"]["points"]}
    assert names == {"仪征开工项目", "高邮签约项目"}
    assert [p["name"] for p in ctx["without"]] == ["仪征签约项目"]
    # the six county-level divisions have outlines; the functional zones have none, and
    # no project of a zone here, so no zone marker either
    assert sorted(f["properties"]["code"] for f in ctx["map_data"]["outlines"]["features"]) == [
        "321002", "321003", "321012", "321023", "321081", "321084"
    ]  # fmt: skip
    assert ctx["map_data"]["zones"] == []
    started = get(client, people["city_admin"], f"/map/?as_of={AS_OF}&stage=started").context
    assert [p["name"] for p in started["map_data"]["points"]] == ["仪征开工项目"]


# --------------------------------------------------------------------------- query counts


def build(make_project, people, unit_b, n: int):
    for i in range(n):
        project = make_project(
            unit_b if i % 2 else None,
            name=f"查询项目{i}",
            stages={"signed": date(2026, 2, 1)},
            longitude=Decimal("119.3"),
            latitude=Decimal("32.5"),
        )
        project.leaders.add(people["city_leader"])


def count_queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


QUERY_PAGES = [
    f"/cockpit/?as_of={AS_OF}",
    f"/cockpit/321081/?as_of={AS_OF}",
    f"/warnings/?as_of={AS_OF}",
    f"/issues/?as_of={AS_OF}",
    f"/rankings/?as_of={AS_OF}",
    f"/visits/?as_of={AS_OF}",
    "/leaders/",
    "/leaders/LEADER/",
    f"/map/?as_of={AS_OF}",
    "/cockpit/projects/?reached=signed&start=2026-01-01&end=2026-11-20",
]


@pytest.mark.parametrize("url", QUERY_PAGES)
def test_query_count_does_not_grow_with_projects(
    client, people, make_project, unit_b, url, django_assert_max_num_queries, settings
):
    settings.BALLAST_DASHBOARD_CACHE_SECONDS = 0  # count the selectors' queries
    url = url.replace("LEADER", str(people["city_leader"].pk))
    user = people["city_admin"]
    build(make_project, people, unit_b, 5)
    client.force_login(user)
    client.get(url)  # default schemes are made on the first visit
    few = count_queries(client, user, url)
    build(make_project, people, unit_b, 45)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
