"""The province cockpit (省级驾驶舱) compares the cities of the province: its numbers are
each city's own figures, and the province's row is their sum."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ballast.accounts.choices import Role
from ballast.dashboards.selectors import province_cockpit
from ballast.figures.selectors import city_and_units_figures
from ballast.projects import services as ps
from ballast.regions.models import Region
from ballast.regions.services import init_city
from ballast.reports import services as rs
from ballast.reports.models import ReportingRule
from tests.conftest import make_user


@pytest.fixture
def province_officer(city):
    return make_user("sheng", Role.PROVINCE_OFFICER, city.parent)


@pytest.fixture
def hand_built(city, make_project, people, d):
    """扬州: two projects (plans 1,200 and 600; accepted 100 + 200 and 150; one started in
    2023). 镇江 (its reports due on the 10th): one project (plan 2,400; accepted 300),
    started 2023-02-01. 盐城 (320900) has no projects."""
    zhenjiang = init_city(code="321100")
    init_city(code="320900")
    ReportingRule.objects.create(city=zhenjiang, deadline_day=10)
    zj_admin = make_user("zj_admin", Role.CITY_ADMIN, zhenjiang)
    admin = people["city_admin"]
    p1 = make_project(stages={"started": d(2022, 11, 1)})
    p2 = make_project(stages={"started": d(2023, 1, 10)})
    p3 = ps.project_create(
        user=zj_admin,
        data={
            "name": "丹徒项目",
            "unit": Region.objects.get(code="321112"),
            "total_investment": Decimal("30000.00"),
            "category": "industrial",
        },
    )
    ps.stage_record(user=zj_admin, project=p3, stage="started", on=d(2023, 2, 1))
    for user, project, amount in ((admin, p1, 1200), (admin, p2, 600), (zj_admin, p3, 2400)):
        ps.plan_save(user=user, project=project, year=2023, planned_investment=Decimal(amount))
    for user, project, month, amount in (
        (admin, p1, d(2023, 1, 1), 100),
        (admin, p1, d(2023, 2, 1), 200),
        (admin, p2, d(2023, 2, 1), 150),
        (zj_admin, p3, d(2023, 2, 1), 300),
    ):
        rs.report_record_accepted(
            user=user, project=project, month=month, data={"investment": Decimal(amount)},
            reason="测试",
        )  # fmt: skip
    return zhenjiang


def test_each_city_row_is_the_city_figures_and_the_province_their_sum(
    hand_built, province_officer, city, d
):
    as_of = d(2023, 3, 8)
    data = province_cockpit(user=province_officer, province=city.parent, as_of=as_of)
    rows = {row["city"].code: row for row in data["rows"]}
    assert {"321000", "321100", "320900"} <= set(rows)
    yangzhou, zhenjiang = rows["321000"], rows["321100"]
    # Each row is that city's own figures (one definition of each figure).
    for code in ("321000", "321100"):
        own = city_and_units_figures(city=Region.objects.get(code=code), year=2023, as_of=as_of)
        assert rows[code]["figures"] == own[0]
    assert yangzhou["figures"]["investment"]["annual_plan_wan"] == Decimal("1800.00")
    assert yangzhou["figures"]["investment"]["completed_wan"] == Decimal("450.00")
    assert zhenjiang["figures"]["investment"]["annual_plan_wan"] == Decimal("2400.00")
    assert zhenjiang["figures"]["investment"]["completed_wan"] == Decimal("300.00")
    # 序时进度 by each city's calendar: on 8 March, 扬州 (due the 5th) counts February's
    # reports as due (2/12), 镇江 (due the 10th) only January's (1/12).
    assert yangzhou["figures"]["investment"]["time_progress"] == Decimal("0.1667")
    assert zhenjiang["figures"]["investment"]["time_progress"] == Decimal("0.0833")
    assert yangzhou["projects"] == 2 and zhenjiang["projects"] == 1
    assert yangzhou["investment_wan"] == Decimal("200000.00")
    assert yangzhou["figures"]["new"]["started"]["count"] == 1
    assert zhenjiang["figures"]["new"]["started"]["count"] == 1
    assert rows["320900"]["projects"] == 0
    # The province: the sums of its cities.
    total = data["totals"]
    assert total["figures"]["investment"]["annual_plan_wan"] == Decimal("4200.00")
    assert total["figures"]["investment"]["completed_wan"] == Decimal("750.00")
    assert total["figures"]["investment"]["completion_rate"] == Decimal("0.1786")
    assert total["figures"]["new"]["started"]["count"] == 2
    assert total["projects"] == 3
    assert total["investment_wan"] == Decimal("230000.00")
    assert total["red"] == sum(r["red"] for r in data["rows"])
    assert Region.objects.get(code="320900") in data["empty_cities"]


def test_the_page_shows_the_cities_and_sends_city_people_to_their_cockpit(
    hand_built, province_officer, people, client, d
):
    client.force_login(province_officer)
    response = client.get(reverse("dashboards:province"), {"as_of": "2023-03-08"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "江苏省驾驶舱" in page
    assert 'data-city="321000"' in page and 'data-city="321100"' in page
    assert "尚无项目数据" in page
    # The city cockpit link of a province officer opens that city's cockpit.
    response = client.get(reverse("dashboards:cockpit"), {"city": "321100", "as_of": "2023-03-08"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "镇江市驾驶舱" in page and "返回全省" in page
    assert "city=321100" in page  # its rankings and map are 镇江's too
    assert client.get(reverse("dashboards:cockpit")).url.startswith(reverse("dashboards:province"))
    assert client.get(reverse("web:home")).url == reverse("dashboards:province")
    client.force_login(people["city_admin"])
    assert client.get(reverse("dashboards:province")).url == reverse("dashboards:cockpit")
