"""``/api/v1/figures/`` answers the same JSON as ``manage.py figures --json`` and
``/api/v1/warnings/`` the same warnings as ``manage.py warnings --json`` — one selector
each — within the caller's scope."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from ballast.projects import services as ps
from ballast.reports import services as rs
from tests.api_helpers import token_client


@pytest.fixture
def unit_a_2023(make_project, people, d):
    admin = people["city_admin"]
    p1 = make_project(
        total_investment=Decimal(100000),
        stages={"signed": d(2023, 1, 5), "landed": d(2023, 2, 1), "started": d(2023, 3, 10)},
    )
    p2 = make_project(total_investment=Decimal(50000), stages={"started": d(2022, 6, 1)})
    ps.plan_save(user=admin, project=p1, year=2023, planned_investment=Decimal(800))
    ps.plan_save(user=admin, project=p2, year=2023, planned_investment=Decimal(1200))
    for project, month, amount in ((p1, d(2023, 3, 1), "100"), (p2, d(2023, 1, 1), "120")):
        rs.report_record_accepted(
            user=admin, project=project, month=month, data={"investment": Decimal(amount)},
            reason="导入",
        )  # fmt: skip
    ps.node_save(
        user=admin, project=p1, data={"kind": "filing", "deadline": d(2023, 2, 1)}
    )  # an overdue node: a warning


def _command(name, *args):
    out = StringIO()
    call_command(name, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_figures_are_the_commands_json(unit_a_2023, people):
    expected = _command("figures", "--unit", "321081", "--year", "2023", "--as-of", "2023-03-31")
    response = token_client(people["clerk_a"]).get(
        "/api/v1/figures/", {"unit": "321081", "year": 2023, "as_of": "2023-03-31"}
    )
    assert response.status_code == 200
    assert response.json() == expected
    assert expected["signed_cohort"]["investment_wan"] == "100000.00"


def test_the_city_reads_the_whole_city_and_a_clerk_only_their_unit(unit_a_2023, people):
    city = token_client(people["city_reviewer"]).get(
        "/api/v1/figures/", {"unit": "321000", "as_of": "2023-03-31"}
    )
    assert city.status_code == 200
    assert city.json() == _command("figures", "--unit", "321000", "--as-of", "2023-03-31")
    clerk = token_client(people["clerk_a"])
    assert clerk.get("/api/v1/figures/", {"unit": "321000"}).status_code == 404
    assert clerk.get("/api/v1/figures/", {"unit": "321084"}).status_code == 404
    bad = clerk.get("/api/v1/figures/", {"unit": "321081", "as_of": "2023-13-01"})
    assert bad.status_code == 400 and "as_of" in bad.json()["errors"]
    assert (
        token_client(people["enterprise"]).get("/api/v1/figures/", {"unit": "321081"}).status_code
        == 403
    )


def test_warnings_are_the_commands(unit_a_2023, people):
    expected = _command("warnings", "--unit", "321081", "--as-of", "2023-03-31")
    assert expected, "the fixture has a warning"
    response = token_client(people["clerk_a"]).get(
        "/api/v1/warnings/", {"as_of": "2023-03-31", "unit": "321081", "page_size": 500}
    )
    assert response.status_code == 200
    assert response.json()["count"] == len(expected)
    assert response.json()["results"] == expected
    outsider = token_client(people["clerk_b"]).get("/api/v1/warnings/", {"as_of": "2023-03-31"})
    assert outsider.json()["count"] == 0


def test_the_warnings_export_is_the_pages(unit_a_2023, people, client):
    expected = _command("warnings", "--unit", "321081", "--as-of", "2023-03-31")
    api = token_client(people["clerk_a"])
    params = {"as_of": "2023-03-31", "unit": "321081"}
    response = api.get("/api/v1/warnings/export/", {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    client.force_login(people["clerk_a"])
    page = client.get("/warnings/", {**params, "export": "csv"})
    assert response.content == page.content
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + len(expected)
    # ?level= narrows both the list and the export; a wrong level is a 400 problem.
    red = [w for w in expected if w["level"] == "red"]
    listed = api.get("/api/v1/warnings/", {**params, "level": "red"}).json()
    assert listed["count"] == len(red)
    bad = api.get("/api/v1/warnings/export/", {**params, "level": "orange"})
    assert bad.status_code == 400 and "level" in bad.json()["errors"]
    book = api.get("/api/v1/warnings/export/", params)
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
