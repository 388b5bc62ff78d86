"""Monthly report entry rules (reports/rules.py), through every door: the service, the web
entry form, the report import (preview, error workbook and apply).

Today is 2026-12-02 (the clock pinned). A 174,000 万元 project of 仪征 started in 2024.
"""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ballast.imports.models import ImportJob
from ballast.imports.plan import ImportRejected
from ballast.imports.services import apply_plan, plan_report_import
from ballast.projects import services as project_services
from ballast.reports import services
from ballast.reports.models import MonthlyReport

TODAY = date(2026, 12, 2)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def project(make_project, pinned_today):
    pinned_today(TODAY)
    return make_project(
        name="扬州绿色化工新材料项目",
        code="2024-321081-26-03-000040",
        total_investment=Decimal("174000.00"),
        stages={"signed": date(2024, 1, 10), "started": date(2024, 3, 1)},
    )


def accepted(people, project, month: date, amount: str) -> MonthlyReport:
    report, _action = services.report_record_accepted(
        user=people["city_admin"],
        project=project,
        month=month,
        data={"investment": Decimal(amount)},
        reason="测试",
    )
    return report


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_file(tmp_path, rows, name="填报.xlsx"):
    path = tmp_path / name
    path.write_bytes(workbook([["项目代码", "月份", "当月完成投资（万元）"], *rows]))
    return path


def messages_of(exc) -> str:
    return "；".join(exc.value.messages)


# -- 1. a month that has not come ------------------------------------------------------


def test_service_refuses_a_report_for_a_future_month(people, project):
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            user=people["clerk_a"],
            project=project,
            month=date(2027, 3, 1),
            data={"investment": Decimal("100")},
        )
    assert "2027年3月尚未到来" in messages_of(exc)
    assert not MonthlyReport.objects.exists()


def test_entry_page_of_a_future_month_says_so_and_refuses_the_submission(client, people, project):
    client.force_login(people["clerk_a"])
    url = f"/reports/entry/{project.pk}/2027-03/"
    page = client.get(url).content.decode()
    assert "2027年3月尚未到来" in page
    response = client.post(url, {"investment": "100", "submit": "1"})
    assert response.status_code == 200
    assert "2027年3月尚未到来" in " ".join(response.context["form"].non_field_errors())
    assert not MonthlyReport.objects.exists()


def test_import_marks_a_future_month_as_an_error_row(people, project, tmp_path):
    path = report_file(tmp_path, [[project.code, "2027-03", 100]])
    plan = plan_report_import(path, user=people["city_admin"])
    assert not plan.is_valid
    assert plan.counts["error"] == 1
    assert "2027年3月尚未到来" in plan.error_listing()
    with pytest.raises(ImportRejected):
        apply_plan(plan, user=people["city_admin"])
    assert not MonthlyReport.objects.exists()


def test_current_month_is_drafted_during_the_month_and_submitted_from_its_last_day(
    people, project, pinned_today
):
    clerk = people["clerk_a"]
    draft = services.report_save(
        user=clerk, project=project, month=date(2026, 12, 1), data={"investment": Decimal("80")}
    )
    with pytest.raises(ValidationError) as exc:
        services.report_submit(user=clerk, report=draft)
    assert "2026年12月尚未结束" in messages_of(exc)
    assert "2026-12-31" in messages_of(exc)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.investment == Decimal("80.00")

    pinned_today(date(2026, 12, 31))
    assert services.report_submit(user=clerk, report=draft).status == "submitted"


def test_entry_form_keeps_the_draft_of_the_current_month_and_explains_why_not_submitted(
    client, people, project
):
    client.force_login(people["clerk_a"])
    url = f"/reports/entry/{project.pk}/2026-12/"
    assert 'name="submit" class="btn primary" disabled' in client.get(url).content.decode()
    response = client.post(url, {"investment": "80", "submit": "1"})
    assert response.status_code == 200
    assert "自 2026-12-31 起方可报送" in " ".join(response.context["form"].non_field_errors())
    report = MonthlyReport.objects.get(project=project, month=date(2026, 12, 1))
    assert report.status == "draft" and report.investment == Decimal("80.00")


def test_import_cannot_accept_the_running_month(people, project, tmp_path):
    plan = plan_report_import(
        report_file(tmp_path, [[project.code, "2026-12", 80]]), user=people["city_admin"]
    )
    assert "2026年12月尚未结束" in plan.error_listing()


# -- 5. negative amounts ---------------------------------------------------------------


def test_service_refuses_a_negative_amount_even_as_an_amendment(people, project):
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            user=people["clerk_a"],
            project=project,
            month=date(2026, 10, 1),
            data={"investment": Decimal("-20")},
        )
    assert exc.value.message_dict["investment"] == ["完成投资不能为负数。"]
    report = accepted(people, project, date(2026, 10, 1), "120")
    with pytest.raises(ValidationError):
        services.report_amend(
            user=people["city_reviewer"],
            report=report,
            data={"investment": Decimal("-20")},
            reason="更正",
        )
    report.refresh_from_db()
    assert report.investment == Decimal("120.00") and report.amendment_count == 0


def test_import_previews_a_negative_change_of_an_accepted_report_as_an_error(
    people, project, tmp_path
):
    accepted(people, project, date(2026, 10, 1), "120")
    plan = plan_report_import(
        report_file(tmp_path, [[project.code, "2026-10", -20]]), user=people["city_admin"]
    )
    (row,) = plan.rows
    assert row.action == "error" and not row.ops
    assert [e.message for e in row.errors] == ["2026年10月：完成投资不能为负数。"]
    assert row.errors[0].column == "当月完成投资（万元）"


def test_web_import_shows_the_negative_row_as_an_error_in_the_error_workbook(
    client, people, project
):
    accepted(people, project, date(2026, 10, 1), "120")
    client.force_login(people["city_admin"])
    data = workbook([["项目代码", "月份", "当月完成投资（万元）"], [project.code, "2026-10", -20]])
    client.post(
        "/imports/",
        {"kind": "reports", "file": SimpleUploadedFile("十月.xlsx", data, XLSX)},
    )
    job = ImportJob.objects.order_by("-pk").first()
    assert not job.may_apply
    assert "完成投资不能为负数" in client.get(f"/imports/{job.pk}/").content.decode()
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/imports/{job.pk}/errors.xlsx").content)
    ).active
    assert sheet.cell(row=1, column=4).value == "导入错误说明"
    assert "完成投资不能为负数" in sheet.cell(row=2, column=4).value
    client.post(f"/imports/{job.pk}/apply/")
    assert MonthlyReport.objects.get().investment == Decimal("120.00")


# -- 4. since-start sum above the total investment --------------------------------------


def test_service_refuses_an_amount_that_takes_the_sum_past_the_total(people, project):
    accepted(people, project, date(2026, 9, 1), "100000")
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            user=people["clerk_a"],
            project=project,
            month=date(2026, 11, 1),
            data={"investment": Decimal("999999")},
        )
    (message,) = exc.value.message_dict["investment"]
    assert "开工以来累计完成投资为 1,099,999.00 万元" in message
    assert "超过项目总投资 174,000.00 万元" in message
    assert not MonthlyReport.objects.filter(month=date(2026, 11, 1)).exists()
    # Up to the total exactly is fine.
    report = services.report_save(
        user=people["clerk_a"],
        project=project,
        month=date(2026, 11, 1),
        data={"investment": Decimal("74000")},
    )
    assert report.investment == Decimal("74000.00")


def test_a_report_that_no_longer_fits_a_lowered_total_is_not_accepted(people, project):
    accepted(people, project, date(2026, 9, 1), "100000")
    october = services.report_save(
        user=people["clerk_a"],
        project=project,
        month=date(2026, 10, 1),
        data={"investment": Decimal("70000")},
    )
    services.report_submit(user=people["clerk_a"], report=october)
    services.report_approve(user=people["reviewer_a"], report=october)
    project_services.project_update(
        user=people["city_admin"],
        project=project,
        data={"total_investment": Decimal("150000")},
        reason="调减规模",
    )
    with pytest.raises(ValidationError) as exc:
        services.report_accept(user=people["city_reviewer"], report=october)
    assert "超过项目总投资 150,000.00 万元" in messages_of(exc)
    october.refresh_from_db()
    assert october.status == "unit_approved"


def test_entry_form_shows_the_excess_on_the_amount_and_saves_nothing(client, people, project):
    client.force_login(people["clerk_a"])
    response = client.post(
        f"/reports/entry/{project.pk}/2026-11/", {"investment": "999999", "submit": "1"}
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["investment"]
    assert "超过项目总投资 174,000.00 万元" in message
    assert not MonthlyReport.objects.exists()


def test_import_counts_the_months_of_the_file_in_the_since_start_sum(people, project, tmp_path):
    accepted(people, project, date(2026, 8, 1), "100000")
    path = tmp_path / "宽表.xlsx"
    path.write_bytes(
        workbook([["项目代码", "2026年9月", "2026年10月"], [project.code, 40000, 40000]])
    )
    plan = plan_report_import(path, user=people["city_admin"])
    (row,) = plan.rows
    assert row.action == "error"
    (error,) = row.errors
    assert error.column == "2026年10月"
    assert "开工以来累计完成投资为 180,000.00 万元" in error.message
    # Each month alone fits; the long layout over two rows is caught on the second row.
    long = report_file(
        tmp_path, [[project.code, "2026-09", 40000], [project.code, "2026-10", 40000]], "长表.xlsx"
    )
    plan = plan_report_import(long, user=people["city_admin"])
    assert [r.action for r in plan.rows] == ["create", "error"]
