"""The overruns page (超期项目，相对基线): the late projects of the person's scope by delay
bucket, the summary, the new delays since last month-end and the exports — all read from
``figures.selectors`` (late_projects, new_delays, overrun_summary)."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ballast.alerts.tables import DELAY_BUCKET_LABELS
from ballast.figures.selectors import DELAY_BUCKETS
from ballast.projects import services as ps
from ballast.projects.models import Project

URL = reverse("alerts:overruns")


def dated_history(project, *days):
    """Give the project's history rows (oldest first) the given days, at noon."""
    rows = Project.history.model.objects.filter(id=project.pk).order_by("history_id")
    assert rows.count() == len(days)
    for row, day in zip(rows, days, strict=True):
        row.history_date = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
        row.save()


@pytest.fixture
def late(make_project, people, unit_b, d):
    """东区厂房 (unit A): 10,000 万元 due 2024-06-30; on 05-20 12,500 and 2025-03-31 — 9
    months late, 2,500 over (25%). 西区码头 (unit B): 20,000 due 2023-12-31, moved on 02-01
    to 2029-01-31 — 61 months. 南区仓库 (unit A): on time."""
    admin = people["city_admin"]
    east = make_project(
        name="东区厂房", total_investment=Decimal(10000), planned_completion=d(2024, 6, 30)
    )
    ps.project_update(
        user=admin,
        project=east,
        data={"total_investment": Decimal(12500), "planned_completion": d(2025, 3, 31)},
    )
    dated_history(east, d(2023, 1, 10), d(2023, 5, 20))
    west = make_project(
        unit_b,
        name="西区码头",
        total_investment=Decimal(20000),
        planned_completion=d(2023, 12, 31),
    )
    ps.project_update(user=admin, project=west, data={"planned_completion": d(2029, 1, 31)})
    dated_history(west, d(2023, 1, 5), d(2023, 2, 1))
    south = make_project(
        name="南区仓库", total_investment=Decimal(5000), planned_completion=d(2024, 1, 31)
    )
    dated_history(south, d(2023, 1, 5))
    return east, west, south


def names(table):
    return [row.record.name for row in table.rows]


def test_city_sees_every_late_project_longest_delay_first(client, people, late):
    client.force_login(people["city_admin"])
    response = client.get(URL, {"as_of": "2023-05-31"})
    assert response.status_code == 200
    assert names(response.context["table"]) == ["西区码头", "东区厂房"]
    summary = response.context["summary"]
    assert summary["time_overrun"] == {
        "count": 2,
        "buckets": {"1-12": 1, "13-24": 0, "25-60": 0, "60+": 1},
        "new_since_last_month": 1,
    }
    assert summary["cost_overrun"]["overrun_wan"] == Decimal("2500.00")
    # 2,500 over a baseline of 10,000: 25.0%
    assert response.context["cost_rate_pct"] == Decimal("25.00")
    # New since 30 April: 东区厂房 only (西区码头 was already 61 months late then).
    assert names(response.context["new_table"]) == ["东区厂房"]
    html = response.content.decode()
    assert '上月末（<span class="date">2023-04-30</span>）以来新增延期' in html
    assert "60个月以上" in html and "按期" in html


def test_before_the_change_the_unit_project_was_not_late(client, people, late):
    client.force_login(people["city_admin"])
    response = client.get(URL, {"as_of": "2023-04-30"})
    assert names(response.context["table"]) == ["西区码头"]
    assert names(response.context["new_table"]) == []


def test_bucket_filter(client, people, late):
    client.force_login(people["city_admin"])
    response = client.get(URL, {"as_of": "2023-05-31", "bucket": "60+"})
    assert names(response.context["table"]) == ["西区码头"]
    response = client.get(URL, {"as_of": "2023-05-31", "bucket": "13-24"})
    assert names(response.context["table"]) == []


def test_unit_people_see_their_unit_only(client, people, late):
    client.force_login(people["clerk_a"])
    response = client.get(URL, {"as_of": "2023-05-31"})
    assert names(response.context["table"]) == ["东区厂房"]
    assert response.context["summary"]["time_overrun"]["count"] == 1
    client.force_login(people["reviewer_b"])
    response = client.get(URL, {"as_of": "2023-05-31"})
    assert names(response.context["table"]) == ["西区码头"]
    assert names(response.context["new_table"]) == []


def test_an_enterprise_contact_is_refused(client, people, late):
    client.force_login(people["enterprise"])
    assert client.get(URL).status_code == 403


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_exports_write_the_same_rows(client, people, late):
    client.force_login(people["city_admin"])
    rows = _csv(client.get(URL, {"as_of": "2023-05-31", "export": "csv"}))
    assert rows[0] == [
        "项目代码",
        "项目名称",
        "板块",
        "延期区间",
        "基线竣工日期",
        "预计竣工日期",
        "延期（月）",
        "基线总投资（万元）",
        "当前总投资（万元）",
        "投资超支（万元）",
        "超支比例",
    ]
    east = rows[2]
    assert east[1:] == [
        "东区厂房",
        late[0].unit.display_name,
        "1–12个月",
        "2024-06-30",
        "2025-03-31",
        "9",
        "10000.00",
        "12500.00",
        "2500.00",
        "25.0%",
    ]
    assert rows[1][1] == "西区码头" and rows[1][6] == "61"
    new = _csv(client.get(URL, {"as_of": "2023-05-31", "export": "csv", "list": "new"}))
    assert [r[1] for r in new[1:]] == ["东区厂房"]
    assert new[0][6:8] == ["上月末延期（月）", "延期（月）"]
    assert new[1][6:8] == ["按期", "9"]


def test_every_bucket_of_the_figure_has_its_label():
    assert list(DELAY_BUCKET_LABELS) == [code for code, *_ in DELAY_BUCKETS]
