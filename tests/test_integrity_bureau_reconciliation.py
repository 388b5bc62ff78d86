"""Reconciliation with the statistics bureau's 入库 list (issue 12 item 3): the bureau's
file imported whole or not at all, with the imports' tolerance for messy ledgers, and the
differences listed project by project — worked by hand on five projects."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ballast.imports.bureau import bureau_differences, bureau_list_import
from ballast.imports.models import BureauEntry, BureauList
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport

# A title, a declared unit (亿元) above a header on the third row, thousands separators,
# a unit inside one cell, and a totals row.
MESSY = (
    "扬州市2023年3月固定资产投资入库项目清单\n"
    "单位：亿元\n"
    "序号,项目名称,入库时间,自开工累计完成投资\n"
    "1,甲项目,2023-02-01,0.03\n"
    "2,乙 项目,2023年1月20日,0.12\n"
    "3,丁项目,2023/03/05,500万元\n"
    '4,戊项目,2023-01-15,"0.104"\n'
    "合计,,,0.304\n"
)


def upload(text: str, name="入库清单.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


@pytest.fixture
def five(make_project, unit_a, d):
    def listed(on):
        return {"started": d(2022, 12, 1), "in_statistics": on}

    projects = {
        "甲": make_project(unit_a, name="甲项目", stages=listed(d(2023, 2, 1))),
        "乙": make_project(unit_a, name="乙项目", stages=listed(d(2023, 1, 15))),
        "丙": make_project(unit_a, name="丙项目", stages=listed(d(2023, 1, 10))),
        "戊": make_project(unit_a, name="戊项目", stages=listed(d(2023, 1, 15))),
        # not listed, not on the bureau's list: nothing to say
        "己": make_project(unit_a, name="己项目", stages={"started": d(2022, 12, 1)}),
    }
    amounts = {"甲": (100, 200), "乙": (400, 600), "丙": (50, 50), "戊": (500, 500), "己": (9, 9)}
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            project=projects[key],
            month=date(2023, m, 1),
            investment=Decimal(amount),
            status=ReportStatus.ACCEPTED,
        )
        for key, pair in amounts.items()
        for m, amount in zip((1, 2), pair, strict=True)
    )
    # April is after the list's date (31 March): not counted
    MonthlyReport.objects.create(
        project=projects["甲"], month=date(2023, 4, 1), investment=Decimal(999),
        status=ReportStatus.ACCEPTED,
    )  # fmt: skip
    return projects


def test_the_messy_file_is_read_and_the_differences_are_listed(city, people, five):
    stored = bureau_list_import(
        user=people["city_admin"], city=city, file=upload(MESSY), filename="入库清单.csv",
        received_on=date(2023, 3, 31),
    )  # fmt: skip
    entries = list(stored.entries.values_list("name", "entered_on", "amount"))
    assert entries == [
        ("甲项目", date(2023, 2, 1), Decimal("300.00")),  # 0.03 亿元
        ("乙项目", date(2023, 1, 20), Decimal("1200.00")),
        ("丁项目", date(2023, 3, 5), Decimal("500.00")),  # 万元 in the cell
        ("戊项目", date(2023, 1, 15), Decimal("1040.00")),
    ]
    found = [
        (d["kind"], d["bureau_name"] or d["project_name"], d["ballast_amount"])
        for d in bureau_differences(bureau_list=stored)
    ]
    assert found == [
        # 乙: Ballast 400 + 600 = 1,000 against 1,200: 200 > 5% × 1,200 = 60; and its
        # 列统 date is 15 January, not the 20th
        ("amount", "乙项目", Decimal("1000.00")),
        ("date", "乙项目", Decimal("1000.00")),
        ("missing_in_ballast", "丁项目", None),
        # 戊: 1,000 against 1,040 is 40 ≤ 52 (5% of 1,040): no difference; 甲 agrees
        ("missing_in_bureau", "丙项目", Decimal("100.00")),
    ]
    amount = bureau_differences(bureau_list=stored)[0]
    assert amount["note"] == "相差-200.00万元（容许5.0%）"
    assert amount["bureau_date"] == date(2023, 1, 20)
    assert amount["ballast_date"] == date(2023, 1, 15)


def test_a_bad_row_stores_nothing_and_every_problem_is_named(city, people, five):
    bad = "项目名称,入库日期,累计完成投资（万元）\n甲项目,2023-13-45,300\n乙项目,2023-01-20,很多\n"
    with pytest.raises(ValidationError) as exc:
        bureau_list_import(
            user=people["city_admin"], city=city, file=upload(bad), filename="坏.csv",
            received_on=date(2023, 3, 31),
        )  # fmt: skip
    problems = exc.value.message_dict["file"]
    assert problems == [
        "第2行“入库日期”：“2023-13-45”不是有效的日期。",
        "第3行“累计完成投资（万元）”：“很多”不是有效的数字。",
    ]
    assert not BureauList.objects.exists() and not BureauEntry.objects.exists()


def test_only_the_city_imports(city, people, five):
    for key in ("city_reviewer", "clerk_a"):
        with pytest.raises(PermissionDenied):
            bureau_list_import(
                user=people[key], city=city, file=upload(MESSY), filename="x.csv",
                received_on=date(2023, 3, 31),
            )  # fmt: skip


def test_the_page_uploads_lists_and_exports(city, people, five):
    admin = Client()
    admin.force_login(people["city_admin"])
    response = admin.post(
        "/imports/bureau/upload/", {"file": upload(MESSY), "received_on": "2023-03-31"}
    )
    stored = BureauList.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/bureau/?list={stored.pk}"
    page = admin.get(response["Location"]).content.decode()
    assert "累计投资金额不一致" in page and "丁项目" in page
    export = admin.get(f"/imports/bureau/?list={stored.pk}&export=csv").content.decode("utf-8-sig")
    assert export.count("\n") == 5  # header + 4 differences
    assert "统计局清单中有，Ballast中找不到" in export
    # a bad file on the page: the problems shown, nothing stored
    response = admin.post(
        "/imports/bureau/upload/", {"file": upload("项目名称,入库日期\n甲,不是日期\n"),
                                    "received_on": "2023-03-31"},
    )  # fmt: skip
    assert response.status_code == 200 and "第2行" in response.content.decode()
    assert BureauList.objects.count() == 1
    clerk = Client()
    clerk.force_login(people["clerk_a"])
    assert clerk.get("/imports/bureau/").status_code == 403
