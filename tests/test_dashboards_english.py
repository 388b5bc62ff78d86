"""The dashboards speak English when the user switches language (Chinese by default)."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_cockpit_headings_switch_to_english(client, people):
    client.force_login(people["city_admin"])
    html = client.get("/").content.decode()
    assert "项目全生命周期" in html and "年度投资完成与序时进度" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Project lifecycle" in html
    assert "Investment this year against time-elapsed schedule" in html
    assert "项目全生命周期" not in html
    assert "Signed and landed" in html and "No stage yet" in html


def test_issues_board_and_rankings_switch_to_english(client, people):
    client.force_login(people["city_admin"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/issues/"})
    html = client.get("/issues/").content.decode()
    assert "Coordination issues" in html and "Export Excel" in html
    html = client.get("/rankings/").content.decode()
    assert "Rankings" in html and "Rank history" in html


def test_project_list_ledger_link_switches_to_english(client, people):
    client.force_login(people["clerk_a"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    assert "Export ledger" in client.get("/projects/").content.decode()


def _map_data(html: str) -> dict:
    """The map's data as the page hands it to map.js (the json_script "map-data")."""
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the map page carries no map-data"
    return json.loads(match.group(1))


def test_map_names_stages_and_no_stage_in_english(client, people, make_project):
    """The map's stage names (legend, points, stage filter, the list without coordinates)
    and 未入库 follow the language; the cached points stay Chinese for the next person."""
    make_project(
        name="有坐标开工项目",
        stages={"signed": date(2026, 1, 10), "started": date(2026, 3, 1)},
        longitude=Decimal("119.180000"),
        latitude=Decimal("32.300000"),
    )
    make_project(name="无坐标签约项目", stages={"signed": date(2026, 5, 10)})
    make_project(name="无坐标未入库项目")
    client.force_login(people["city_admin"])
    url = "/map/?as_of=2026-11-20"

    html = client.get(url).content.decode()  # Chinese first: fills the cache
    data = _map_data(html)
    assert [p["stage_label"] for p in data["points"]] == ["开工"]
    assert data["stages"][0] == {"value": "none", "label": "未入库"}

    client.post("/i18n/setlang/", {"language": "en", "next": "/map/"})
    html = client.get(url).content.decode()
    data = _map_data(html)
    assert [(p["name"], p["stage_label"]) for p in data["points"]] == [
        ("有坐标开工项目", "Started")
    ]
    assert [(s["value"], s["label"]) for s in data["stages"]] == [
        ("none", "No stage yet"),
        ("reserve", "Reserve"),
        ("negotiating", "Negotiating"),
        ("signed", "Signed"),
        ("landed", "Landed"),
        ("started", "Started"),
        ("in_statistics", "In statistics"),
        ("completed", "Completed"),
        ("in_production", "In production"),
        ("at_capacity", "At capacity"),
    ]
    assert [lv["label"] for lv in data["levels"]] == ["Red warning", "Yellow warning", "No warning"]
    assert data["texts"] == {
        "investment": "Total investment",
        "wan": "10k yuan",
        "zone": "Functional zones",
        "zone_note": "Functional zone (no administrative boundary; at the centre of its projects)",
        "zone_projects": "Projects on the map",
    }
    # the list of projects without coordinates and the stage filter
    assert '无坐标签约项目</a> <small class="muted">仪征 · Signed</small>' in html
    assert '无坐标未入库项目</a> <small class="muted">仪征 · No stage yet</small>' in html
    assert '<option value="none">No stage yet</option>' in html
    assert '<option value="in_statistics">In statistics</option>' in html
    for chinese in ("未入库", "开工", "签约", "列统", "达产达效", "红色预警"):
        assert chinese not in json.dumps(data["stages"] + data["levels"], ensure_ascii=False)
        assert f">{chinese}<" not in html and f"· {chinese}<" not in html

    # and back in Chinese, from the same cached points
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/map/"})
    data = _map_data(client.get(url).content.decode())
    assert [p["stage_label"] for p in data["points"]] == ["开工"]
