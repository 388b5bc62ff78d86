"""Every list downloads as xlsx and CSV: Chinese headers with units, a frozen header row,
the same rows as the page (filters included), formula-like text escaped, and the unit scope
held (a clerk of unit B never gets unit A's rows)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from ballast.coordination import services as coordination
from ballast.reports import services as report_services

AS_OF = "2026-11-20"
EVIL = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lists(people, make_project, unit_a, unit_b, department):
    """Unit A: a started project named like a formula, with an issue whose description is a
    formula, a visit and a submitted October report; unit B: a started project with an issue,
    a visit and a submitted October report."""
    started = {"signed": date(2026, 1, 10), "started": date(2026, 3, 1)}
    project_a = make_project(name=EVIL, total_investment=Decimal("150000.00"), stages=started)
    project_b = make_project(
        unit_b, name="高邮开工项目", total_investment=Decimal("20000.00"), stages=started
    )
    issue_a = coordination.issue_raise(
        user=people["clerk_a"],
        project=project_a,
        data={
            "category": "land",
            "description": "+用地指标尚未落实",
            "raised_on": date(2026, 10, 1),
            "deadline": date(2026, 11, 1),
            "department": department,
        },
    )
    coordination.issue_raise(
        user=people["city_admin"],
        project=project_b,
        data={
            "category": "planning",
            "description": "资金缺口",
            "raised_on": date(2026, 10, 5),
            "department": department,
        },
    )
    coordination.visit_record(
        user=people["clerk_a"],
        project=project_a,
        on=date(2026, 10, 8),
        kind="visit",
        findings="@进度正常",
    )
    coordination.visit_record(
        user=people["city_admin"], project=project_b, on=date(2026, 10, 9), kind="survey"
    )
    for project, clerk in ((project_a, people["clerk_a"]), (project_b, people["clerk_b"])):
        report = report_services.report_save(
            user=clerk,
            project=project,
            month=date(2026, 10, 1),
            data={"investment": Decimal("1200.50"), "progress": "-主体施工"},
        )
        report_services.report_submit(user=clerk, report=report)
    return {"a": project_a, "b": project_b, "issue_a": issue_a}


def download(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response


def xlsx_rows(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    for letter in ("A", "B"):
        assert sheet.column_dimensions[letter].width >= 8
    return [[c.value for c in row] for row in sheet.iter_rows()]


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def column(rows, title):
    return [row[rows[0].index(title)] for row in rows[1:]]


# --------------------------------------------------------------------------- issues


def test_issues_export_has_the_board_rows_with_filters_and_escapes(client, people, lists):
    admin = people["city_admin"]
    rows = xlsx_rows(download(client, admin, f"/issues/?as_of={AS_OF}&export=xlsx"))
    assert rows[0][:3] == ["项目代码", "项目名称", "板块"]
    assert "办结期限" in rows[0] and "问题描述" in rows[0]
    assert sorted(column(rows, "问题描述")) == sorted(["'+用地指标尚未落实", "资金缺口"])
    assert f"'{EVIL}" in column(rows, "项目名称")
    # a filter of the page applies: overdue only → A's issue (deadline 2026-11-01)
    rows = csv_rows(download(client, admin, f"/issues/?as_of={AS_OF}&state=overdue&export=csv"))
    assert column(rows, "问题描述") == ["'+用地指标尚未落实"]
    assert column(rows, "办结期限") == ["2026-11-01"]
    # the page with the same filter shows the same issue
    page = download(client, admin, f"/issues/?as_of={AS_OF}&state=overdue")
    shown = [i.pk for col in page.context["columns"] for i in col["rows"]]
    assert shown == [lists["issue_a"].pk]


def test_issues_export_of_clerk_b_has_none_of_unit_a(client, people, lists):
    rows = xlsx_rows(download(client, people["clerk_b"], f"/issues/?as_of={AS_OF}&export=xlsx"))
    assert column(rows, "项目名称") == ["高邮开工项目"]


# --------------------------------------------------------------------------- visits


def test_visits_export_lists_the_log_in_the_chosen_dates(client, people, lists):
    admin = people["city_admin"]
    url = "/visits/?start=2026-10-01&end=2026-10-31&export=xlsx"
    rows = xlsx_rows(download(client, admin, url))
    assert rows[0][0] == "日期"
    assert column(rows, "日期") == ["2026-10-09", "2026-10-08"]
    assert column(rows, "发现情况")[1] == "'@进度正常"
    assert column(rows, "方式") == ["调研", "走访"]
    rows = csv_rows(download(client, admin, "/visits/?start=2026-10-09&end=2026-10-31&export=csv"))
    assert column(rows, "项目名称") == ["高邮开工项目"]
    rows = csv_rows(download(client, people["clerk_b"], url.replace("xlsx", "csv")))
    assert column(rows, "项目名称") == ["高邮开工项目"]


# --------------------------------------------------------------------------- rankings


def test_rankings_export_has_scores_per_indicator_and_the_page_ranks(client, people, lists):
    admin = people["city_admin"]
    page = download(client, admin, f"/rankings/?as_of={AS_OF}")
    data = page.context["data"]
    indicators = page.context["indicators"]
    scheme = page.context["scheme"]
    url = f"/rankings/?scheme={scheme.pk}&period={data['period']}&as_of={AS_OF}&export=xlsx"
    rows = xlsx_rows(download(client, admin, url))
    assert rows[0][:4] == ["名次", "板块", "总分（分）", "进位/退位"]
    assert len(rows[0]) == 4 + len(indicators)
    assert all("（分，权重" in title for title in rows[0][4:])
    page_rows = data["result"].rows
    assert [r[1] for r in rows[1:]] == [r["unit_name"] for r in page_rows]
    assert [r[0] for r in rows[1:]] == [r["rank"] for r in page_rows]
    assert [Decimal(str(r[2])) for r in rows[1:]] == [Decimal(str(r["score"])) for r in page_rows]
    csv_text = csv_rows(download(client, admin, url.replace("xlsx", "csv")))
    assert csv_text[0] == rows[0]


# --------------------------------------------------------------------------- reports


def test_report_month_export_has_the_month_rows(client, people, lists):
    admin = people["city_admin"]
    rows = xlsx_rows(download(client, admin, "/reports/?month=2026-10&export=xlsx"))
    assert "当月完成投资（万元）" in rows[0] and "总投资（万元）" in rows[0]
    names = column(rows, "项目名称")
    assert sorted(names) == sorted([f"'{EVIL}", "高邮开工项目"])
    amounts = column(rows, "当月完成投资（万元）")
    assert [Decimal(str(v)) for v in amounts] == [Decimal("1200.50")] * 2
    page = download(client, admin, "/reports/?month=2026-10")
    assert len(page.context["rows"]) == len(rows) - 1
    # unit filter
    url = f"/reports/?month=2026-10&unit={lists['b'].unit_id}&export=csv"
    rows = csv_rows(download(client, admin, url))
    assert column(rows, "项目名称") == ["高邮开工项目"]
    assert column(rows, "当月完成投资（万元）") == ["1200.50"]
    rows = csv_rows(download(client, people["clerk_b"], "/reports/?month=2026-10&export=csv"))
    assert column(rows, "项目名称") == ["高邮开工项目"]


def test_review_queue_export_has_the_queue_of_the_reviewer_only(client, people, lists):
    rows = xlsx_rows(download(client, people["reviewer_a"], "/reports/review/?export=xlsx"))
    assert rows[0][:4] == ["月份", "项目代码", "项目名称", "板块"]
    assert "本年累计（万元）" in rows[0]
    assert column(rows, "项目名称") == [f"'{EVIL}"]
    assert column(rows, "形象进度") == ["'-主体施工"]
    rows = csv_rows(download(client, people["reviewer_b"], "/reports/review/?export=csv"))
    assert column(rows, "项目名称") == ["高邮开工项目"]
    assert column(rows, "月份") == ["2026-10"]


# --------------------------------------------------------------------------- projects


def test_project_list_links_the_ledger_export_for_those_who_import(client, people, lists):
    page = download(client, people["clerk_a"], "/projects/?q=HYPERLINK")
    html = page.content.decode()
    assert "导出台账" in html
    assert "/imports/export/ledger/?q=HYPERLINK" in html
    page = download(client, people["city_leader"], "/projects/")
    assert "导出台账" not in page.content.decode()


# --------------------------------------------------------------------------- warnings


def test_warnings_export_has_a_frozen_header_and_escaped_names(client, people, lists):
    rows = xlsx_rows(
        download(client, people["city_admin"], f"/warnings/?as_of={AS_OF}&export=xlsx")
    )
    assert rows[0][:3] == ["项目代码", "项目名称", "板块"]
    assert all(not str(name).startswith("=") for name in column(rows, "项目名称"))
    rows = csv_rows(download(client, people["clerk_b"], f"/warnings/?as_of={AS_OF}&export=csv"))
    assert f"'{EVIL}" not in column(rows, "项目名称")
