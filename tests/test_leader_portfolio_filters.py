"""The leader portfolio (/leaders/<pk>/) filters by unit, stage and warning level and pages."""

import re
from datetime import date
from decimal import Decimal

import pytest

from ballast.dashboards import views as dashboard_views

AS_OF = "2026-11-30"


@pytest.fixture
def portfolio(make_project, people, unit_a, unit_b):
    projects = [
        make_project(
            name="甲开工项目",
            total_investment=Decimal("9000.00"),
            stages={"signed": date(2026, 1, 5), "started": date(2026, 3, 1)},
        ),
        make_project(
            name="甲签约项目",
            total_investment=Decimal("8000.00"),
            stages={"signed": date(2026, 5, 10)},
        ),
        make_project(
            unit_b,
            name="乙签约项目",
            total_investment=Decimal("7000.00"),
            stages={"signed": date(2026, 6, 10)},
        ),
    ]
    for project in projects:
        project.leaders.add(people["city_leader"])
    return projects


def _names(client, leader, query=""):
    page = client.get(f"/leaders/{leader.pk}/?as_of={AS_OF}{query}")
    assert page.status_code == 200
    html = page.content.decode()
    return re.findall(r"<b>(.+?项目)</b>", html), html


def test_filters_by_unit_stage_and_both(client, people, portfolio, unit_a, unit_b):
    leader = people["city_leader"]
    client.force_login(people["city_admin"])
    names, html = _names(client, leader)
    assert names == ["甲开工项目", "甲签约项目", "乙签约项目"]  # largest first
    assert 'name="unit"' in html and 'name="stage"' in html and 'name="level"' in html
    assert _names(client, leader, f"&unit={unit_a.pk}")[0] == ["甲开工项目", "甲签约项目"]
    assert _names(client, leader, "&stage=signed")[0] == ["甲签约项目", "乙签约项目"]
    names, html = _names(client, leader, f"&unit={unit_b.pk}&stage=signed")
    assert names == ["乙签约项目"] and "挂钩项目（共 3 个）" in html
    assert _names(client, leader, f"&unit={unit_b.pk}&stage=started")[0] == []
    # an unknown value is ignored: the whole portfolio
    assert len(_names(client, leader, "&stage=flying&level=purple")[0]) == 3


def test_the_warning_level_filter_splits_the_portfolio(client, people, portfolio):
    from ballast.coordination.selectors import leader_portfolio

    leader = people["city_leader"]
    rows = leader_portfolio(leader=leader, as_of=date(2026, 11, 30))
    with_red = [r.project.name for r in rows if any(w.level == "red" for w in r.warnings)]
    without = [r.project.name for r in rows if not r.warnings]
    client.force_login(people["city_admin"])
    assert _names(client, leader, "&level=red")[0] == with_red
    assert _names(client, leader, "&level=none")[0] == without
    # the started project has no report for its due months by November: red warnings;
    # the two signed ones none
    assert with_red == ["甲开工项目"] and without == ["甲签约项目", "乙签约项目"]
    assert _names(client, leader, "&level=yellow")[0] == [
        r.project.name for r in rows if any(w.level == "yellow" for w in r.warnings)
    ]


def test_pages_keep_the_filters(client, people, portfolio, monkeypatch):
    monkeypatch.setattr(dashboard_views, "PAGE_SIZE", 1)
    leader = people["city_leader"]
    client.force_login(people["city_admin"])
    names, html = _names(client, leader, "&stage=signed")
    assert names == ["甲签约项目"] and "第 1 / 2 页" in html
    assert "stage=signed&amp;page=2" in html
    names, html = _names(client, leader, "&stage=signed&page=2")
    assert names == ["乙签约项目"]


def test_a_unit_leader_sees_only_their_units_projects(client, people, portfolio):
    client.force_login(people["leader_a"])
    names, html = _names(client, people["city_leader"])
    assert names == ["甲开工项目", "甲签约项目"]
    assert 'name="unit"' not in html  # one unit: no choice to make
