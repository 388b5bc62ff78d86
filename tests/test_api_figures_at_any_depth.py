"""``/api/v1/figures/`` at any depth of the region tree: a province officer reads the
province total and its cities side by side (the province cockpit's numbers), a city person
the city and its units, a unit clerk only their unit; ``?as_of=`` moves every figure."""

from decimal import Decimal

import pytest

from ballast.accounts.choices import Role
from ballast.dashboards.selectors import province_cockpit
from ballast.figures.selectors import to_json
from ballast.projects import services as ps
from ballast.regions.models import Region
from ballast.regions.services import init_city
from ballast.reports import services as rs
from tests.api_helpers import token_client
from tests.conftest import make_user


@pytest.fixture
def two_cities(city, unit_a, unit_b, make_project, people, d):
    """扬州: a project in 仪征 (321081, plan 1,200; accepted 100 for January, 200 for
    February) and one in 高邮 (321084, plan 600; 150 for February). 镇江: one project in
    丹徒 (321112, plan 2,400; 300 for February)."""
    zhenjiang = init_city(code="321100")
    zj_admin = make_user("zj_admin", Role.CITY_ADMIN, zhenjiang)
    admin = people["city_admin"]
    p1 = make_project(unit_a)
    p2 = make_project(unit_b)
    p3 = ps.project_create(
        user=zj_admin,
        data={
            "name": "丹徒项目",
            "unit": Region.objects.get(code="321112"),
            "total_investment": Decimal("30000.00"),
            "category": "industrial",
        },
    )
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


@pytest.fixture
def province_officer(city):
    return make_user("sheng", Role.PROVINCE_OFFICER, city.parent)


def _investment(figures):
    return figures["investment"]["annual_plan_wan"], figures["investment"]["completed_wan"]


def test_a_province_officer_sees_the_province_and_its_cities_side_by_side(
    two_cities, province_officer, city, d
):
    api = token_client(province_officer)
    response = api.get("/api/v1/figures/compare/", {"as_of": "2023-03-08"})
    assert response.status_code == 200
    body = response.json()
    # The province: 1,200 + 600 + 2,400 planned, 100 + 200 + 150 + 300 completed.
    assert body["region"]["unit"] == "320000"
    assert _investment(body["region"]) == ("4200.00", "750.00")
    assert _investment(body["parts"]["321000"]) == ("1800.00", "450.00")
    assert _investment(body["parts"]["321100"]) == ("2400.00", "300.00")
    # The same numbers as the province cockpit.
    page = province_cockpit(user=province_officer, province=city.parent, as_of=d(2023, 3, 8))
    assert body["region"] == to_json(page["totals"]["figures"])
    for row in page["rows"]:
        assert body["parts"][row["city"].code] == to_json(row["figures"])
    # The province alone, and one of its cities, through /figures/?unit=.
    whole = api.get("/api/v1/figures/", {"unit": "320000", "as_of": "2023-03-08"})
    assert whole.status_code == 200 and whole.json() == body["region"]
    zhenjiang = api.get("/api/v1/figures/", {"unit": "321100", "as_of": "2023-03-08"})
    assert zhenjiang.json() == body["parts"]["321100"]
    # And one of a city's units: the officer reads every depth of the province.
    dantu = api.get("/api/v1/figures/", {"unit": "321112", "as_of": "2023-03-08"})
    assert _investment(dantu.json()) == ("2400.00", "300.00")


def test_as_of_moves_the_province_figures(two_cities, province_officer):
    api = token_client(province_officer)
    # As of 31 January only January's report counts: 100 of 扬州's.
    body = api.get("/api/v1/figures/compare/", {"as_of": "2023-01-31"}).json()
    assert _investment(body["region"]) == ("4200.00", "100.00")
    assert _investment(body["parts"]["321000"]) == ("1800.00", "100.00")
    assert _investment(body["parts"]["321100"]) == ("2400.00", "0.00")
    assert body["region"]["as_of"] == "2023-01-31"


def test_a_city_person_compares_the_city_and_its_units(two_cities, people):
    api = token_client(people["city_reviewer"])
    body = api.get("/api/v1/figures/compare/", {"as_of": "2023-03-08"}).json()
    assert body["region"]["unit"] == "321000"
    assert _investment(body["region"]) == ("1800.00", "450.00")
    assert _investment(body["parts"]["321081"]) == ("1200.00", "300.00")
    assert _investment(body["parts"]["321084"]) == ("600.00", "150.00")
    # Not the province, nor another city.
    for code in ("320000", "321100"):
        assert api.get("/api/v1/figures/compare/", {"region": code}).status_code == 404
        assert api.get("/api/v1/figures/", {"unit": code}).status_code == 404


def test_a_clerk_compares_only_their_unit_which_has_no_parts(two_cities, people):
    api = token_client(people["clerk_a"])
    body = api.get("/api/v1/figures/compare/", {"as_of": "2023-03-08"}).json()
    assert body["region"]["unit"] == "321081"
    assert _investment(body["region"]) == ("1200.00", "300.00")
    assert body["parts"] == {}
    response = api.get("/api/v1/figures/compare/", {"region": "321000"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "321000" in response.json()["detail"]


def test_figures_of_the_province_from_the_command(two_cities, capsys):
    from django.core.management import call_command

    call_command("figures", "--unit", "320000", "--as-of", "2023-03-08", "--json")
    assert '"completed_wan": "750.00"' in capsys.readouterr().out


def test_the_region_tree_with_path_and_depth(two_cities, province_officer):
    api = token_client(province_officer)
    dantu = api.get("/api/v1/regions/", {"code": "321112"}).json()["results"][0]
    assert (dantu["path"], dantu["depth"]) == ("320000/321100/321112", 2)
    zhenjiang = api.get("/api/v1/regions/", {"within": "321100", "page_size": 100}).json()
    assert {r["code"] for r in zhenjiang["results"]} >= {"321100", "321112"}
    assert all(r["path"].startswith("320000/321100") for r in zhenjiang["results"])
    cities = api.get("/api/v1/regions/", {"depth": 1, "kind": "city"}).json()["results"]
    assert {"321000", "321100"} <= {r["code"] for r in cities}
