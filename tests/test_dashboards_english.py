"""The dashboards speak English when the user switches language (Chinese by default)."""

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
