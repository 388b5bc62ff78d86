"""Batch acceptance in the city queue (and batch approval in the unit queue): each checked
report goes through the same service with the version the queue showed, in its own
transaction; a stale or refused one is skipped and named, the others taken."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ballast.reports import services as rs
from ballast.reports.models import MonthlyReport


@pytest.fixture
def approved(make_project, people, d):
    """Three unit-approved reports of unit A (March 2023), ready for the city."""
    reports = []
    for n in range(3):
        project = make_project(name=f"批量项目{n}", stages={"started": d(2023, 1, 5)})
        report = rs.report_save(
            user=people["clerk_a"],
            project=project,
            month=d(2023, 3, 1),
            data={"investment": Decimal(100 + n), "progress": "主体施工"},
        )
        rs.report_submit(user=people["clerk_a"], report=report)
        reports.append(rs.report_approve(user=people["reviewer_a"], report=report))
    return reports


def _pick(report, version=None):
    return f"{report.pk}:{report.version if version is None else version}"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_city_queue_shows_a_checkbox_per_report_and_select_all(client, people, approved):
    client.force_login(people["city_reviewer"])
    page = client.get(reverse("reports:review_city")).content.decode()
    assert page.count('name="pick" form="batch"') == 3
    for report in approved:
        assert f'value="{report.pk}:{report.version}"' in page
    assert 'data-check-all="pick"' in page and "全部选中" in page
    assert f'action="{reverse("reports:review_city_batch")}"' in page


def test_batch_accepts_every_checked_report(client, people, approved):
    client.force_login(people["city_reviewer"])
    response = client.post(
        reverse("reports:review_city_batch"),
        {"pick": [_pick(r) for r in approved], "next": reverse("reports:review_city")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("reports:review_city")
    for report in approved:
        report.refresh_from_db()
        assert report.status == "accepted" and report.accepted_by == people["city_reviewer"]
    (message,) = _messages(response)
    assert "已验收 3 件" in message and "批量项目0" in message and "批量项目2" in message


def test_a_stale_report_is_skipped_and_named_the_others_accepted(client, people, approved):
    first, stale, third = approved
    shown_version = stale.version
    # another city reviewer returns it, the clerk resubmits, the unit approves again: the
    # same status, a newer version than the queue showed
    rs.report_return(user=people["city_reviewer"], report=stale, reason="补充照片")
    stale.refresh_from_db()
    rs.report_submit(user=people["clerk_a"], report=stale)
    rs.report_approve(user=people["reviewer_a"], report=stale)
    stale.refresh_from_db()
    assert stale.status == "unit_approved" and stale.version > shown_version

    client.force_login(people["city_reviewer"])
    response = client.post(
        reverse("reports:review_city_batch"),
        {"pick": [_pick(first), _pick(stale, shown_version), _pick(third)]},
    )
    assert response.status_code == 302
    statuses = dict(MonthlyReport.objects.values_list("pk", "status"))
    assert statuses[first.pk] == "accepted" and statuses[third.pk] == "accepted"
    assert statuses[stale.pk] == "unit_approved"  # skipped: nothing written on it
    done, skipped = _messages(response)
    assert "已验收 2 件" in done and "批量项目1" not in done
    assert "未处理 1 件" in skipped and "批量项目1" in skipped


def test_a_unit_reviewer_cannot_batch_accept(client, people, approved):
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("reports:review_city_batch"), {"pick": [_pick(r) for r in approved]}
    )
    assert response.status_code == 403
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {"unit_approved"}


def test_reports_outside_the_reviewers_scope_are_skipped(client, people, make_project, unit_b, d):
    mine = make_project(name="甲板块项目", stages={"started": d(2023, 1, 5)})
    theirs = make_project(unit_b, name="乙板块项目", stages={"started": d(2023, 1, 5)})
    reports = []
    for project, clerk in ((mine, people["clerk_a"]), (theirs, people["city_admin"])):
        report = rs.report_save(
            user=clerk, project=project, month=d(2023, 3, 1), data={"investment": Decimal(5)}
        )
        reports.append(rs.report_submit(user=clerk, report=report))
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("reports:review_unit_batch"), {"pick": [_pick(r) for r in reports]}
    )
    assert response.status_code == 302
    statuses = dict(MonthlyReport.objects.values_list("pk", "status"))
    assert statuses[reports[0].pk] == "unit_approved"
    assert statuses[reports[1].pk] == "submitted"
    done, skipped = _messages(response)
    assert "已审核通过 1 件" in done and "甲板块项目" in done
    assert "乙板块项目" not in skipped and f"编号 {reports[1].pk}" in skipped


def test_nothing_checked_is_told(client, people, approved):
    client.force_login(people["city_reviewer"])
    response = client.post(reverse("reports:review_city_batch"), {})
    assert _messages(response) == ["请先勾选要处理的填报。"]
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {"unit_approved"}
