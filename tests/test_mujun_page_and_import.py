"""亩均论英雄 on the web: the evaluation page (classes decided city-wide, a unit person
sees their own unit's rows), its export, and the data entered by import (preview, all or
nothing, Chinese errors, the annotated error workbook, the template)."""

import csv
import io
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ballast.assessments.models import EfficiencyRecord
from ballast.assessments.services import efficiency_record_save, efficiency_scheme_save
from ballast.imports.models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = reverse("assessments:mujun")
PRODUCING = {"started": date(2022, 3, 1), "in_production": date(2023, 1, 10)}


@pytest.fixture
def mujun_city(city, unit_b, make_project):
    """Scheme “test”: tax/亩 60 points against 20 万元/亩, R&D share 40 against 5%, cap 1.2.

    Unit A: 甲 50 亩, tax 1,500, sales 10,000, R&D 400 → 72 + 32 = 104; 乙 80 亩, tax 1,000
    → 12.5/20 × 60 = 37.5; 丙 (under construction) 20 亩, tax 500, R&D 300 of 5,000 → 120,
    not graded. Unit B: 戊 50 亩, tax 1,200 → 24/20 → 1.2 × 60 = 72; 丁 40 亩, tax 800 →
    20/20 × 60 = 60. Graded city-wide: 甲 104 (1), 戊 72 (2), 丁 60 (3), 乙 37.5 (4); with 4
    graded A ends at round(1) = 1, B at round(2.8) = 3, C at round(3.8) = 4: 甲 A, 戊 B,
    丁 B, 乙 C."""
    efficiency_scheme_save(
        user=None,
        city=city,
        data={
            "slug": "test",
            "name": "测试方案",
            "indicators": [
                {"key": "tax_per_mu", "weight": 60, "benchmark": "20"},
                {"key": "rd_share", "weight": 40, "benchmark": "0.05"},
            ],
        },
    )
    made = {}
    for unit, name, land, stages, data in (
        (None, "甲", 50, PRODUCING, {"tax": 1500, "sales": 10000, "rd_spending": 400}),
        (None, "乙", 80, PRODUCING, {"tax": 1000, "sales": 8000}),
        (
            None,
            "丙",
            20,
            {"started": date(2023, 2, 1)},
            {"tax": 500, "sales": 5000, "rd_spending": 300},
        ),
        (unit_b, "戊", 50, PRODUCING, {"tax": 1200, "sales": 9000}),
        (unit_b, "丁", 40, PRODUCING, {"tax": 800, "sales": 6000}),
    ):
        project = make_project(
            unit, name=name, land_area=D(land), investor=f"{name}公司", stages=stages
        )
        efficiency_record_save(
            user=None, project=project, year=2023, data={k: D(v) for k, v in data.items()}
        )
        made[name] = project
    return made


def rows_of(response):
    return [
        (r["project"], r["rank"], r["class"], r["score"]) for r in response.context["table"].data
    ]


def test_the_city_sees_every_project_graded_city_wide(client, people, mujun_city):
    client.force_login(people["city_admin"])
    response = client.get(PAGE, {"year": 2023, "scheme": "test"})
    assert response.status_code == 200
    assert rows_of(response) == [
        ("甲", 1, "A", "104.00"),
        ("戊", 2, "B", "72.00"),
        ("丁", 3, "B", "60.00"),
        ("乙", 4, "C", "37.50"),
        ("丙", None, None, "120.00"),
    ]
    by_unit = dict(response.context["by_unit"])
    a, b = mujun_city["甲"].unit.display_name, mujun_city["丁"].unit.display_name
    assert by_unit[a] == {"A": 1, "B": 0, "C": 1, "D": 0, "none": 1, "total": 3}
    assert by_unit[b] == {"A": 0, "B": 2, "C": 0, "D": 0, "none": 0, "total": 2}
    html = response.content.decode()
    assert "在建未投产，参评不分类" in html and "甲公司" in html


def test_a_class_filter(client, people, mujun_city):
    client.force_login(people["city_admin"])
    response = client.get(PAGE, {"year": 2023, "scheme": "test", "class": "B"})
    assert [r[0] for r in rows_of(response)] == ["戊", "丁"]
    response = client.get(PAGE, {"year": 2023, "scheme": "test", "class": "none"})
    assert [r[0] for r in rows_of(response)] == ["丙"]


def test_a_unit_clerk_sees_their_unit_with_the_city_wide_ranks(client, people, mujun_city):
    client.force_login(people["clerk_a"])
    response = client.get(PAGE, {"year": 2023, "scheme": "test"})
    # 乙 keeps rank 4 and class C of the city, not rank 2 of unit A alone
    assert rows_of(response) == [
        ("甲", 1, "A", "104.00"),
        ("乙", 4, "C", "37.50"),
        ("丙", None, None, "120.00"),
    ]


def test_an_enterprise_contact_is_refused(client, people, mujun_city):
    client.force_login(people["enterprise"])
    assert client.get(PAGE).status_code == 403


def test_the_export_writes_the_rows(client, people, mujun_city):
    client.force_login(people["city_admin"])
    response = client.get(PAGE, {"year": 2023, "scheme": "test", "export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "名次",
        "分类",
        "项目代码",
        "项目名称",
        "企业（投资主体）",
        "板块",
        "用地（亩）",
        "亩均税收（万元/亩）",
        "亩均税收（万元/亩）得分（权重60）",
        "研发经费占比",
        "研发经费占比得分（权重40）",
        "总分（分）",
        "说明",
    ]
    first = rows[1]
    assert first[0:2] == ["1", "A"] and first[3:5] == ["甲", "甲公司"]
    assert first[6:12] == ["50.00", "30.0000", "72.00", "0.0400", "32.00", "104.00"]
    assert rows[5][3] == "丙" and rows[5][-1] == "在建未投产，参评不分类"


# --- the import ----------------------------------------------------------------------------


def workbook(rows, title="2023年亩均数据"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = [
    "项目名称",
    "所属板块",
    "入库税收（万元）",
    "开票销售（万元）",
    "研发经费（万元）",
    "用地面积（公顷）",
    "年平均职工人数",
]


def upload(client, data):
    return client.post(
        reverse("imports:upload"),
        {"kind": "mujun", "file": SimpleUploadedFile("亩均.xlsx", data, XLSX)},
    )


def test_a_clean_file_previews_then_writes(client, people, mujun_city, unit_a):
    client.force_login(people["clerk_a"])
    data = workbook(
        [
            HEADER,
            # 甲 2023 exists: tax 1,500 → 1,800; land 4 公顷 = 60 亩; sales the same
            ["甲", unit_a.name, 1800, 10000, "", 4, 120],
            # 乙 2023 exists and nothing changes
            ["乙", unit_a.name, 1000, 8000, "", "", ""],
        ]
    )
    response = upload(client, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "mujun"
    assert job.errors == [] and job.counts["update"] == 1 and job.counts["unchanged"] == 1
    assert EfficiencyRecord.objects.get(project=mujun_city["甲"]).tax == D("1500.00")
    response = client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED, job.errors
    record = EfficiencyRecord.objects.get(project=mujun_city["甲"], year=2023)
    assert (record.tax, record.sales, record.land_area, record.employees) == (
        D("1800.00"),
        D("10000.00"),
        D("60.00"),
        120,
    )
    assert record.rd_spending == D("400.00")  # blank: left as recorded
    assert record.history.latest().history_change_reason == "导入 亩均.xlsx"


def test_a_new_year_is_created_with_its_required_figures(client, people, mujun_city, unit_a):
    client.force_login(people["clerk_a"])
    data = workbook(
        [
            ["项目名称", "所属板块", "年度", "入库税收", "开票销售"],
            ["甲", unit_a.name, 2024, "0.15亿元", 9000],
        ],
        title="",
    )
    upload(client, data)
    job = ImportJob.objects.get()
    assert job.counts["create"] == 1
    client.post(reverse("imports:apply", args=[job.pk]))
    record = EfficiencyRecord.objects.get(project=mujun_city["甲"], year=2024)
    assert (record.tax, record.sales, record.land_area) == (D("1500.00"), D("9000.00"), D("50.00"))


def test_one_bad_row_writes_nothing_and_says_why_in_chinese(
    client, people, mujun_city, unit_a, unit_b
):
    client.force_login(people["clerk_a"])
    data = workbook(
        [
            HEADER,
            ["甲", unit_a.name, 1800, 10000, "", "", ""],  # fine on its own
            ["丁", unit_b.name, 900, 6000, "", "", ""],  # another unit's project
            ["乙", unit_a.name, -5, 8000, "", "", ""],  # a negative tax
            ["不存在的项目", unit_a.name, 1, 1, "", "", ""],
        ]
    )
    upload(client, data)
    job = ImportJob.objects.get()
    texts = [e["text"] for e in job.errors]
    assert texts == [
        f"第 4 行：您不能录入项目“丁”（{mujun_city['丁'].unit}）的亩均数据。",
        "第 5 行“入库税收（万元）”列：不能为负数。",
        f"第 6 行“项目名称”列：板块“{unit_a}”中找不到项目“不存在的项目”。",
    ]
    assert not job.may_apply
    client.post(reverse("imports:apply", args=[job.pk]))
    assert EfficiencyRecord.objects.get(project=mujun_city["甲"]).tax == D("1500.00")
    # the annotated workbook carries the messages beside the rows
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("imports:errors", args=[job.pk])).content)
    )
    sheet = book.active
    last = sheet.max_column
    assert sheet.cell(row=2, column=last).value == "导入错误说明"
    assert sheet.cell(row=5, column=last).value == "“入库税收（万元）”列：不能为负数。"
    assert sheet.cell(row=3, column=last).value is None


def test_a_reviewer_may_not_import_mujun_data(client, people, mujun_city):
    client.force_login(people["reviewer_a"])
    response = client.get(reverse("imports:upload"))
    kinds = (
        [value for value, _label in response.context["form"].fields["kind"].choices]
        if response.status_code == 200
        else []
    )
    assert "mujun" not in kinds


def test_the_template_has_the_columns_of_the_import(client, people):
    client.force_login(people["clerk_a"])
    response = client.get(reverse("imports:template", args=["mujun"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "亩均数据（导入模板）"
    assert [c.value for c in sheet[2]] == [
        "项目代码",
        "项目名称",
        "所属板块",
        "年度",
        "入库税收（万元）",
        "开票销售（万元）",
        "工业增加值（万元）",
        "综合能耗（吨标煤）",
        "主要污染物排放当量（吨）",
        "研发经费（万元）",
        "年平均职工人数",
        "用地面积（亩）",
    ]
