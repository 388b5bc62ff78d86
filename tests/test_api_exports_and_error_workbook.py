"""Exports and the error workbook through the API: the project ledger and the monthly
reports as the page's buttons download them (the same cells, the same filters and scope),
as xlsx or as csv (``?format=`` or ``Accept``); a csv ledger imports back unchanged; the
file of an upload with errors comes back with its errors marked, for its uploader only."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from ballast.imports.services import plan_ledger_import
from ballast.projects import services as project_services
from ballast.reports import services as report_services
from tests.api_helpers import token_client
from tests.test_api_imports import LEDGER, XLSX, upload, workbook


@pytest.fixture
def ledger(people, unit_b, make_project):
    clerk = people["clerk_a"]
    first = make_project(
        name="光储一期",
        code="2023-321081-38-03-000001",
        investor="阿特斯",
        total_investment=Decimal("11000.50"),
        stages={"signed": date(2023, 1, 5), "started": date(2023, 3, 8)},
    )
    project_services.plan_save(
        user=clerk, project=first, year=2023, planned_investment=Decimal("2000.00")
    )
    second = make_project(name="汽车零部件", total_investment=Decimal("25000.00"))
    make_project(unit_b, name="高邮项目")
    admin = people["city_admin"]
    for project, month, amount in (
        (first, date(2023, 3, 1), Decimal("300.00")),
        (first, date(2023, 4, 1), Decimal("450.25")),
        (second, date(2023, 3, 1), Decimal("0.00")),
    ):
        report_services.report_record_accepted(
            user=admin, project=project, month=month, data={"investment": amount}, reason="测试"
        )
    return first, second


def _sheet_rows(content):
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _csv_rows(content):
    assert content.startswith("\ufeff".encode())  # Excel reads the BOM as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_ledger_is_the_pages_workbook(client, people, ledger):
    api = token_client(people["city_admin"])
    response = api.get("/api/v1/exports/ledger/", {"year": 2023})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    client.force_login(people["city_admin"])
    page = client.get("/imports/export/ledger/?year=2023")
    assert _sheet_rows(response.content) == _sheet_rows(page.content)
    rows = _sheet_rows(response.content)
    assert rows[0][0] == "2023年重大项目台账"
    assert {r[1] for r in rows[2:]} == {"光储一期", "汽车零部件", "高邮项目"}


def test_the_ledger_as_csv_has_the_same_cells_and_imports_back_unchanged(people, ledger):
    api = token_client(people["clerk_a"])
    book = _sheet_rows(api.get("/api/v1/exports/ledger/", {"year": 2023}).content)
    by_query = api.get("/api/v1/exports/ledger/", {"year": 2023, "format": "csv"})
    by_accept = api.get("/api/v1/exports/ledger/", {"year": 2023}, HTTP_ACCEPT="text/csv")
    assert by_query["Content-Type"].startswith("text/csv")
    assert by_query.content == by_accept.content
    rows = _csv_rows(by_query.content)
    # The header row and the rows of the workbook (without its title row), unit A only.
    assert rows[0] == list(book[1])
    assert [r[1] for r in rows[1:]] == ["汽车零部件", "光储一期"]
    first = next(r for r in rows if r[1] == "光储一期")
    header = rows[0]
    assert first[header.index("总投资（万元）")] == "11000.50"
    assert first[header.index("签约日期")] == "2023-01-05"
    plan = plan_ledger_import(
        io.BytesIO(by_query.content), user=people["clerk_a"], filename="台账.csv"
    )
    assert plan.errors == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}


def test_the_exports_follow_the_list_filters_and_scope(people, ledger, unit_a):
    clerk_b = token_client(people["clerk_b"])
    rows = _csv_rows(clerk_b.get("/api/v1/exports/ledger/", {"format": "csv"}).content)
    assert [r[1] for r in rows[1:]] == ["高邮项目"]
    admin = token_client(people["city_admin"])
    rows = _csv_rows(
        admin.get(
            "/api/v1/exports/ledger/", {"unit": unit_a.pk, "q": "光储", "format": "csv"}
        ).content
    )
    assert [r[1] for r in rows[1:]] == ["光储一期"]
    # The monthly reports of 2023: three of unit A; none for 2024; none of unit A for B.
    reports = _csv_rows(
        admin.get("/api/v1/exports/reports/", {"year": 2023, "format": "csv"}).content
    )
    # (by unit, project, month: 光储一期 was made first)
    assert [(r[1], r[3], r[4]) for r in reports[1:]] == [
        ("光储一期", "2023-03", "300.00"),
        ("光储一期", "2023-04", "450.25"),
        ("汽车零部件", "2023-03", "0.00"),
    ]
    assert (
        len(
            _csv_rows(
                admin.get("/api/v1/exports/reports/", {"year": 2024, "format": "csv"}).content
            )
        )
        == 1
    )
    assert (
        len(
            _csv_rows(
                clerk_b.get("/api/v1/exports/reports/", {"year": 2023, "format": "csv"}).content
            )
        )
        == 1
    )
    book = _sheet_rows(admin.get("/api/v1/exports/reports/", {"year": 2023}).content)
    assert book[0][0] == "重大项目月度填报" and len(book) == 2 + 3


def test_a_bad_format_or_year_is_a_problem(people, ledger):
    api = token_client(people["city_admin"])
    for params in ({"format": "pdf"}, {"year": "二〇二三"}, {"as_of": "2023-13-01"}):
        response = api.get("/api/v1/exports/ledger/", params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"]


def test_the_error_workbook_of_an_upload(people, unit_a):
    clerk = token_client(people["clerk_a"])
    bad = [LEDGER[0], [1, "仪征导入项目", "仪征市", "某公司", "很多", "2023-01-05"]]
    job = upload(clerk, workbook(bad)).json()
    response = clerk.get(f"/api/v1/imports/{job['id']}/errors/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = _sheet_rows(response.content)
    assert rows[1][1] == "仪征导入项目"
    # The error column names the bad investment in Chinese.
    assert any(isinstance(v, str) and "总投资" in v for v in rows[1])
    # Only its uploader reads it; a clean upload has no error workbook (404 problem).
    other = token_client(people["city_admin"])
    assert other.get(f"/api/v1/imports/{job['id']}/errors/").status_code == 404
    clean = upload(clerk, workbook(LEDGER)).json()
    missing = clerk.get(f"/api/v1/imports/{clean['id']}/errors/")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "该文件没有错误。"


def test_the_blank_templates_are_the_pages(people, client):
    api = token_client(people["clerk_a"])
    client.force_login(people["clerk_a"])
    for kind, query in (("ledger", {}), ("reports", {}), ("reports", {"wide": "1"})):
        response = api.get(f"/api/v1/imports/templates/{kind}/", query)
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        page = client.get(f"/imports/template/{kind}/", query)
        assert _sheet_rows(response.content) == _sheet_rows(page.content)
    wide = _sheet_rows(api.get("/api/v1/imports/templates/reports/", {"wide": "1"}).content)
    long = _sheet_rows(api.get("/api/v1/imports/templates/reports/").content)
    assert wide != long
    assert api.get("/api/v1/imports/templates/budget/").status_code == 404
