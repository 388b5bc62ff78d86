"""The project list, its filters, saved filters and exports, and the project forms."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ballast.projects.models import AnnualPlan, Node, Project, StageEvent
from ballast.web.models import SavedFilter
from tests.test_web_pages import web_city  # noqa: F401  (fixture)


@pytest.fixture
def listed(web_city, make_project, people, d):  # noqa: F811
    """Besides web_city: a unit-A reserve project and a formula-looking investor."""
    make_project(
        name="储备项目",
        investor='=HYPERLINK("http://x")',
        total_investment=Decimal("5000.00"),
        stages={"reserve": d(2026, 6, 1)},
    )
    return web_city


def names(response):
    return [p.name for p in response.context["page"].object_list]


def test_clerk_list_has_only_own_unit(client, people, listed):
    client.force_login(people["clerk_b"])
    assert names(client.get("/projects/")) == ["高邮特种线缆项目"]
    client.force_login(people["clerk_a"])
    assert sorted(names(client.get("/projects/"))) == ["仪征光伏组件项目", "储备项目"]


def test_clerk_cannot_filter_into_another_unit(client, people, listed, unit_a):
    client.force_login(people["clerk_b"])
    response = client.get(f"/projects/?unit={unit_a.pk}")
    assert names(response) in ([], ["高邮特种线缆项目"])
    assert "仪征光伏组件项目" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=光伏", ["仪征光伏组件项目"]),
        ("q=阿特斯", ["仪征光伏组件项目"]),
        ("q=2026-321081", ["仪征光伏组件项目"]),
        ("stage=started&as_of=2026-10-31", ["仪征光伏组件项目", "高邮特种线缆项目"]),
        ("stage=signed&as_of=2026-02-15", ["仪征光伏组件项目"]),
        ("stage=none&as_of=2026-01-01", ["仪征光伏组件项目", "储备项目", "高邮特种线缆项目"]),
        ("stage=reserve&as_of=2026-10-31", ["储备项目"]),
        ("size=10yi", ["仪征光伏组件项目", "高邮特种线缆项目"]),
        ("size=below", ["储备项目"]),
        ("plan_year=2026", ["仪征光伏组件项目"]),
        ("plan_year=2025", []),
        ("level=provincial", []),
    ],
)
def test_filters(client, people, listed, query, expected):
    client.force_login(people["city_admin"])
    assert sorted(names(client.get(f"/projects/?{query}"))) == sorted(expected)


def test_filter_by_unit_and_leader(client, people, listed, unit_b):
    a1 = listed["a1"]
    a1.leaders.add(people["city_leader"])
    client.force_login(people["city_admin"])
    assert names(client.get(f"/projects/?unit={unit_b.pk}")) == ["高邮特种线缆项目"]
    assert names(client.get(f"/projects/?leader={people['city_leader'].pk}")) == [a1.name]


def test_sorting_by_investment(client, people, listed):
    client.force_login(people["city_admin"])
    assert names(client.get("/projects/?sort=investment")) == [
        "储备项目",
        "高邮特种线缆项目",
        "仪征光伏组件项目",
    ]


def test_pagination_50_per_page(client, people, make_project):
    for i in range(52):
        make_project(name=f"分页项目{i:02d}")
    client.force_login(people["clerk_a"])
    first = client.get("/projects/?sort=name")
    assert len(first.context["page"].object_list) == 50
    assert names(client.get("/projects/?sort=name&page=2")) == ["分页项目50", "分页项目51"]


def test_saved_filter_is_personal(client, people, listed):
    client.force_login(people["clerk_a"])
    client.post("/projects/filters/", {"name": "开工项目", "querystring": "stage=started&page=3"})
    saved = SavedFilter.objects.get(user=people["clerk_a"])
    assert saved.querystring == "stage=started"
    client.force_login(people["clerk_b"])
    assert list(client.get("/projects/").context["saved_filters"]) == []
    assert client.post(f"/projects/filters/{saved.pk}/delete/").status_code == 404
    client.force_login(people["clerk_a"])
    client.post(f"/projects/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.exists()


def test_csv_export_has_chinese_headers_and_escapes_formulas(client, people, listed):
    client.force_login(people["clerk_a"])
    response = client.get("/projects/?export=csv&sort=name")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["项目代码", "项目名称", "建设单位/投资主体"]
    investors = {row[1]: row[2] for row in rows[1:]}
    assert investors == {
        "仪征光伏组件项目": "阿特斯阳光电力",
        "储备项目": '\'=HYPERLINK("http://x")',
    }


def test_xlsx_export_is_scoped_frozen_and_safe(client, people, listed):
    client.force_login(people["clerk_b"])
    response = client.get("/projects/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["B1"].value == "项目名称"
    assert [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)] == [
        "高邮特种线缆项目"
    ]
    client.force_login(people["clerk_a"])
    sheet = load_workbook(io.BytesIO(client.get("/projects/?export=xlsx&q=储备").content)).active
    assert sheet["C2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["C2"].data_type == "s"
    assert sheet["G2"].value == 5000


def test_create_project_as_clerk(client, people, unit_a, cluster):
    client.force_login(people["clerk_a"])
    response = client.post(
        "/projects/new/",
        {
            "name": "新建数据中心",
            "unit": unit_a.pk,
            "origin": "domestic",
            "category": "infrastructure",
            "level": "city",
            "total_investment": "1000000",
            "cluster": cluster.pk,
        },
    )
    project = Project.objects.get(name="新建数据中心")
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.baseline_total_investment == Decimal("1000000")
    assert project.size_class == "100yi"


def test_create_project_shows_service_errors_on_fields(client, people, unit_a):
    client.force_login(people["clerk_a"])
    page = client.post(
        "/projects/new/",
        {
            "name": "日期颠倒项目",
            "unit": unit_a.pk,
            "origin": "domestic",
            "category": "industrial",
            "level": "city",
            "total_investment": "100",
            "foreign_investment": "10",
            "planned_start": "2026-05-01",
            "planned_completion": "2026-01-01",
            "code": "2026-999",
        },
    )
    errors = page.context["form"].errors
    assert errors["planned_completion"] == ["计划竣工日期不能早于计划开工日期。"]
    assert errors["foreign_investment"] == ["内资项目不应填写外资金额。"]
    assert "code" in errors
    assert not Project.objects.filter(name="日期颠倒项目").exists()


def test_clerk_cannot_create_in_another_unit(client, people, unit_b):
    client.force_login(people["clerk_a"])
    page = client.post(
        "/projects/new/",
        {
            "name": "越界",
            "unit": unit_b.pk,
            "origin": "domestic",
            "category": "industrial",
            "level": "city",
            "total_investment": "100",
        },
    )
    # The clerk's one unit is fixed on the form: the posted other unit is not taken.
    assert not Project.objects.filter(name="越界", unit=unit_b).exists()
    assert page.status_code == 302
    assert Project.objects.get(name="越界").unit == people["clerk_a"].region


def test_edit_project_records_reason(client, people, listed):
    a1 = listed["a1"]
    client.force_login(people["clerk_a"])
    data = {
        "name": a1.name,
        "unit": a1.unit_id,
        "origin": "domestic",
        "category": "industrial",
        "level": "provincial",
        "total_investment": "260000",
        "cluster": a1.cluster_id,
        "code": a1.code,
        "investor": a1.investor,
        "change_reason": "省重大项目名单调整",
    }
    response = client.post(f"/projects/{a1.pk}/edit/", data)
    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.level == "provincial" and a1.total_investment == Decimal("260000")
    assert a1.baseline_total_investment == Decimal("250000")
    assert a1.history.first().history_reason_text == "省重大项目名单调整"


def test_stage_record_and_date_order_error(client, people, listed):
    a1 = listed["a1"]
    client.force_login(people["clerk_a"])
    page = client.post(f"/projects/{a1.pk}/stage/", {"stage": "landed", "date": "2026-03-05"})
    assert "晚于已记录的“开工”日期" in page.context["form"].errors["date"][0]
    response = client.post(
        f"/projects/{a1.pk}/stage/", {"stage": "in_statistics", "date": "2026-04-10"}
    )
    assert response.status_code == 302
    assert StageEvent.objects.get(project=a1, stage="in_statistics").date == date(2026, 4, 10)


def test_suspend_resume_terminate(client, people, listed):
    a1 = listed["a1"]
    client.force_login(people["clerk_a"])
    client.post(
        f"/projects/{a1.pk}/suspend/",
        {"kind": "stopped", "reason": "funding", "on": "2026-06-01"},
    )
    page = client.post(
        f"/projects/{a1.pk}/suspend/", {"kind": "stopped", "reason": "funding", "on": "2026-07-01"}
    )
    assert "已处于停缓建状态" in page.context["form"].errors["on"][0]
    client.post(f"/projects/{a1.pk}/resume/", {"on": "2026-08-01"})
    assert a1.suspensions.get().resumed_on == date(2026, 8, 1)
    page = client.post(f"/projects/{a1.pk}/terminate/", {"on": "2026-09-01", "reason": "other"})
    assert "note" in page.context["form"].errors
    client.post(
        f"/projects/{a1.pk}/terminate/", {"on": "2026-09-01", "reason": "other", "note": "退出"}
    )
    assert a1.termination.terminated_on == date(2026, 9, 1)


def test_node_outcome_needs_completion_date(client, people, listed):
    a1 = listed["a1"]
    node = Node.objects.get(project=a1)
    client.force_login(people["clerk_a"])
    data = {"kind": "filing", "deadline": "2026-02-01", "outcome": "done", "sort_order": 0}
    page = client.post(f"/projects/{a1.pk}/nodes/{node.pk}/", data)
    assert page.context["form"].errors["completed_on"] == ["已办结的节点须填写办结日期。"]
    client.post(f"/projects/{a1.pk}/nodes/{node.pk}/", {**data, "completed_on": "2026-01-20"})
    node.refresh_from_db()
    assert node.outcome == "done" and node.completed_on == date(2026, 1, 20)


def test_plan_save(client, people, listed):
    a1 = listed["a1"]
    client.force_login(people["clerk_a"])
    client.post(
        f"/projects/{a1.pk}/plan/", {"year": 2027, "planned_investment": "3600", "start_month": 3}
    )
    assert AnnualPlan.objects.get(project=a1, year=2027).planned_investment == Decimal("3600")
    page = client.post(f"/projects/{a1.pk}/plan/", {"year": 2027, "planned_investment": "-1"})
    assert "planned_investment" in page.context["form"].errors


def test_reviewer_cannot_post_project_changes(client, people, listed):
    client.force_login(people["reviewer_a"])
    response = client.post(
        f"/projects/{listed['a1'].pk}/stage/", {"stage": "completed", "date": "2026-10-01"}
    )
    assert response.status_code == 403
    assert not StageEvent.objects.filter(stage="completed").exists()


def test_plan_with_its_own_monthly_curve(client, people, listed):
    a1 = listed["a1"]
    client.force_login(people["clerk_a"])
    curve = {f"m{m}": "100" for m in range(1, 13)}
    page = client.post(
        f"/projects/{a1.pk}/plan/", {"year": 2027, "planned_investment": "1300", **curve}
    )
    assert "月度计划之和应等于年度计划投资。" in page.context["form"].non_field_errors()
    client.post(f"/projects/{a1.pk}/plan/", {"year": 2027, "planned_investment": "1200", **curve})
    plan = AnnualPlan.objects.get(project=a1, year=2027)
    assert plan.months.count() == 12
    form = client.get(f"/projects/{a1.pk}/plan/?year=2027").context["form"]
    assert form.initial["planned_investment"] == Decimal("1200.00")
    assert form.initial["m3"] == Decimal("100.00")
