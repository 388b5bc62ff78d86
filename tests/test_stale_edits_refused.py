"""Issue 10, hole 5 — lost updates. Two people open the same form and save different
changes: the second save is refused with what the first changed (field by field, who,
when), the second person's input stays in the form, and saving again then is a decision.

Every edit door: project, stage date, node, annual plan, monthly report draft (including
two people creating the same month), amendments, and the report flow's steps.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ballast.accounts.choices import Role
from ballast.core.concurrency import StaleObjectError
from ballast.projects import services as project_services
from ballast.projects.models import AnnualPlan, Node, Project, StageEvent
from ballast.reports import services as report_services
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport
from tests.conftest import make_user
from tests.test_web_pages import web_city  # noqa: F401  (fixture)


def as_person(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened_version(page) -> int:
    """The version the page's form was opened at (its hidden field)."""
    html = page.content.decode()
    assert 'name="version"' in html
    return int(page.context["form"]["version"].value())


def project_post(project, **changes) -> dict:
    data = {
        "name": project.name,
        "unit": project.unit_id,
        "origin": "domestic",
        "category": "industrial",
        "level": project.level or "city",
        "total_investment": str(project.total_investment),
        "cluster": project.cluster_id,
        "code": project.code,
        "investor": project.investor,
    }
    data.update(changes)
    return data


def test_every_save_raises_the_version(web_city, people):  # noqa: F811
    a1 = Project.objects.get(pk=web_city["a1"].pk)
    before = a1.version
    project_services.project_update(
        user=people["clerk_a"], project=a1, data={"capacity": "10GW 组件"}
    )
    a1.refresh_from_db()
    assert a1.version == before + 1
    assert a1.etag == f'"{before + 1}"'
    assert a1.history.first().version == a1.version  # history keeps each version


def test_stale_project_edit_is_refused_and_shows_what_changed(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    clerk, admin = as_person(people["clerk_a"]), as_person(people["city_admin"])
    clerk_version = opened_version(clerk.get(f"/projects/{a1.pk}/edit/"))
    admin_version = opened_version(admin.get(f"/projects/{a1.pk}/edit/"))
    assert clerk_version == admin_version

    first = admin.post(
        f"/projects/{a1.pk}/edit/",
        project_post(a1, total_investment="260000", version=admin_version),
    )
    assert first.status_code == 302

    second = clerk.post(
        f"/projects/{a1.pk}/edit/",
        project_post(a1, total_investment="255000", capacity="5GW", version=clerk_version),
    )
    assert second.status_code == 200  # the form again, not a 500 and not a redirect
    a1.refresh_from_db()
    assert a1.total_investment == Decimal("260000")  # the first save was not wiped
    assert a1.capacity == ""
    form = second.context["form"]
    assert "保存未成功" in form.non_field_errors()[0]
    assert "city_admin" in form.non_field_errors()[0]  # who saved
    changes = {c.name: c for c in form.conflict.changes}
    assert set(changes) == {"total_investment"}
    change = changes["total_investment"]
    assert (change.before, change.theirs, change.yours) == ("250000.00", "260000.00", "255000")
    assert change.clashes
    assert [s.user for s in form.conflict.saves] == ["city_admin"]
    html = second.content.decode()
    assert "对方保存的值" in html and "260000.00" in html
    # The clerk's input is kept, and the form now carries the stored version.
    assert form["total_investment"].value() == "255000"
    assert form["capacity"].value() == "5GW"
    assert int(form["version"].value()) == a1.version

    # Saving again after reading the conflict is a decision: it goes through.
    again = clerk.post(
        f"/projects/{a1.pk}/edit/",
        project_post(a1, total_investment="255000", capacity="5GW", version=a1.version),
    )
    assert again.status_code == 302
    a1.refresh_from_db()
    assert (a1.total_investment, a1.capacity) == (Decimal("255000"), "5GW")


def test_service_refuses_a_stale_version_inside_the_transaction(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    opened = Project.objects.get(pk=a1.pk).version
    project_services.project_update(
        user=people["city_admin"], project=a1, data={"name": "仪征光伏组件项目（一期）"}
    )
    with pytest.raises(StaleObjectError) as caught:
        project_services.project_update(
            user=people["clerk_a"],
            project=a1,
            data={"name": "仪征光伏项目"},
            expected_version=opened,
        )
    assert isinstance(caught.value, ValidationError)
    assert caught.value.current_version == opened + 1
    assert Project.objects.get(pk=a1.pk).name == "仪征光伏组件项目（一期）"
    # Without a version (a command, an import) nothing is checked.
    project_services.project_update(user=people["clerk_a"], project=a1, data={"name": "新名"})
    assert Project.objects.get(pk=a1.pk).name == "新名"


def test_stale_report_draft_edit_is_refused(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    report_services.report_save(
        user=people["clerk_a"],
        project=a1,
        month=date(2026, 8, 1),
        data={"investment": Decimal("100.00")},
    )
    url = f"/reports/entry/{a1.pk}/2026-08/"
    clerk, admin = as_person(people["clerk_a"]), as_person(people["city_admin"])
    clerk_version = opened_version(clerk.get(url))
    admin_version = opened_version(admin.get(url))

    assert (
        admin.post(
            url,
            {"investment": "120", "progress": "主体封顶", "version": admin_version, "save": "1"},
        ).status_code
        == 302
    )
    second = clerk.post(
        url, {"investment": "90", "progress": "桩基施工", "version": clerk_version, "save": "1"}
    )
    assert second.status_code == 200
    report = MonthlyReport.objects.get(project=a1, month=date(2026, 8, 1))
    assert (report.investment, report.progress) == (Decimal("120.00"), "主体封顶")
    form = second.context["form"]
    changes = {c.name: (c.theirs, c.yours) for c in form.conflict.changes}
    assert changes == {"investment": ("120.00", "90"), "progress": ("主体封顶", "桩基施工")}
    assert form["investment"].value() == "90"  # the clerk's figures are still in the form
    assert "他人已修改此记录" in second.content.decode()


def test_two_people_creating_the_same_months_report(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    url = f"/reports/entry/{a1.pk}/2026-07/"
    clerk, admin = as_person(people["clerk_a"]), as_person(people["city_admin"])
    assert opened_version(clerk.get(url)) == 0 == opened_version(admin.get(url))
    admin.post(url, {"investment": "80", "version": 0, "save": "1"})
    second = clerk.post(url, {"investment": "70", "version": 0, "save": "1"})
    assert second.status_code == 200
    assert MonthlyReport.objects.get(project=a1, month=date(2026, 7, 1)).investment == Decimal(
        "80.00"
    )
    assert [(c.name, c.theirs, c.yours) for c in second.context["form"].conflict.changes] == [
        ("investment", "80.00", "70")
    ]


def test_stale_plan_edit_is_refused(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    url = f"/projects/{a1.pk}/plan/?year=2026"
    clerk, admin = as_person(people["clerk_a"]), as_person(people["city_admin"])
    clerk_version = opened_version(clerk.get(url))
    admin_version = opened_version(admin.get(url))
    admin.post(url, {"year": 2026, "planned_investment": "1500", "version": admin_version})
    second = clerk.post(
        url,
        {"year": 2026, "planned_investment": "1000", "start_month": 4, "version": clerk_version},
    )
    assert second.status_code == 200
    plan = AnnualPlan.objects.get(project=a1, year=2026)
    assert plan.planned_investment == Decimal("1500.00") and plan.start_month is None
    change = {c.name: c for c in second.context["form"].conflict.changes}["planned_investment"]
    assert (change.before, change.theirs, change.yours) == ("1200.00", "1500.00", "1000")


def test_stale_node_edit_is_refused(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    node = Node.objects.get(project=a1)
    url = f"/projects/{a1.pk}/nodes/{node.pk}/"
    clerk, admin = as_person(people["clerk_a"]), as_person(people["city_admin"])
    clerk_version = opened_version(clerk.get(url))
    admin_version = opened_version(admin.get(url))
    data = {"kind": "filing", "deadline": "2026-02-01", "sort_order": 0, "outcome": "pending"}
    admin.post(url, {**data, "person": "王科长", "version": admin_version})
    second = clerk.post(url, {**data, "person": "李主任", "version": clerk_version})
    assert second.status_code == 200
    node.refresh_from_db()
    assert node.person == "王科长"
    changes = {c.name: (c.theirs, c.yours) for c in second.context["form"].conflict.changes}
    assert changes == {"person": ("王科长", "李主任")}
    assert "version" not in {c.name for c in second.context["form"].conflict.changes}


def test_stale_stage_date_correction_is_refused(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    url = f"/projects/{a1.pk}/stage/?stage=started"
    clerk, admin = as_person(people["clerk_a"]), as_person(people["city_admin"])
    clerk_version = opened_version(clerk.get(url))
    admin_version = opened_version(admin.get(url))
    admin.post(
        url,
        {
            "stage": "started",
            "date": "2026-03-02",
            "reason": "以施工许可为准",
            "version": admin_version,
        },
    )
    second = clerk.post(
        url,
        {
            "stage": "started",
            "date": "2026-03-05",
            "reason": "以破土为准",
            "version": clerk_version,
        },
    )
    assert second.status_code == 200
    assert StageEvent.objects.get(project=a1, stage="started").date == date(2026, 3, 2)
    conflict = second.context["form"].conflict
    assert [(c.name, c.before, c.theirs, c.yours) for c in conflict.changes] == [
        ("date", "2026-03-01", "2026-03-02", "2026-03-05")
    ]
    # why the other person changed it (the correction names both dates and the reason)
    assert conflict.saves[-1].reason == "更正“开工”日期 2026-03-01 → 2026-03-02：以施工许可为准"


def test_stale_amendment_is_refused(web_city, people):  # noqa: F811
    sept = web_city["sept"]
    url = f"/reports/{sept.pk}/amend/"
    first, second = as_person(people["city_admin"]), as_person(people["city_admin"])
    v1, v2 = opened_version(first.get(url)), opened_version(second.get(url))
    first.post(url, {"investment": "310", "reason": "统计口径调整", "version": v1})
    page = second.post(url, {"investment": "290", "reason": "现场核查", "version": v2})
    assert page.status_code == 200
    sept.refresh_from_db()
    assert (sept.investment, sept.amendment_count) == (Decimal("310.00"), 1)
    assert "统计口径调整" in page.context["form"].non_field_errors()[0]


def test_flow_step_on_a_report_whose_version_moved(web_city, people, d):  # noqa: F811
    """The city reviewer's queue showed October at 150 万元; meanwhile it was returned,
    changed to 500 and approved again. Accepting from the stale page is refused."""
    octo = web_city["oct"]
    city_page = as_person(people["city_reviewer"])
    report_services.report_approve(user=people["reviewer_a"], report=octo)
    queue = city_page.get("/reports/city/")
    shown = next(r for r in queue.context["rows"] if r.pk == octo.pk).version
    assert f'name="version" value="{shown}"' in queue.content.decode()

    report_services.report_return(user=people["city_admin"], report=octo, reason="请核实金额")
    octo.refresh_from_db()
    report_services.report_save(
        user=people["clerk_a"],
        project=octo.project,
        month=octo.month,
        data={"investment": Decimal("500.00")},
    )
    report_services.report_submit(user=people["clerk_a"], report=octo)
    report_services.report_approve(user=people["reviewer_a"], report=octo)

    response = city_page.post(
        f"/reports/{octo.pk}/accept/", {"version": shown, "next": "/reports/city/"}, follow=True
    )
    octo.refresh_from_db()
    assert octo.status == ReportStatus.UNIT_APPROVED  # not accepted at an amount not seen
    text = " ".join(str(m) for m in response.context["messages"])
    assert "该月度填报已被他人处理" in text and "reviewer_a" in text
    # From the fresh page it goes through.
    city_page.post(f"/reports/{octo.pk}/accept/", {"version": octo.version})
    octo.refresh_from_db()
    assert octo.status == ReportStatus.ACCEPTED


def test_second_approval_of_the_same_report_is_told_it_was_handled(web_city, people, unit_a):  # noqa: F811
    """Two reviewers of unit A approve October from the same queue page."""
    octo = web_city["oct"]
    second_reviewer = make_user("reviewer_a2", Role.UNIT_REVIEWER, unit_a)
    reviewer, admin = as_person(people["reviewer_a"]), as_person(second_reviewer)
    octo.refresh_from_db()
    version = octo.version
    assert reviewer.post(f"/reports/{octo.pk}/approve/", {"version": version}).status_code == 302
    response = admin.post(f"/reports/{octo.pk}/approve/", {"version": version}, follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "该月度填报已被他人处理：reviewer_a 于" in text
    assert "板块审核通过，当前状态为“板块已审核”" in text
    octo.refresh_from_db()
    assert octo.unit_approved_by == people["reviewer_a"]
    assert octo.history.filter(history_reason_text="板块审核通过").count() == 1


def test_conflict_panel_in_english(web_city, people):  # noqa: F811
    a1 = web_city["a1"]
    node = Node.objects.get(project=a1)
    url = f"/projects/{a1.pk}/nodes/{node.pk}/"
    clerk = as_person(people["clerk_a"])
    clerk.post("/i18n/setlang/", {"language": "en", "next": url})
    opened = opened_version(clerk.get(url))
    project_services.node_save(
        user=people["city_admin"], project=a1, node=node, data={"person": "王科长"}
    )
    data = {"kind": "filing", "deadline": "2026-02-01", "sort_order": 0, "outcome": "pending"}
    page = clerk.post(url, {**data, "person": "李主任", "version": opened})
    html = page.content.decode()
    assert "Someone else changed this record" in html and "Their saved value" in html
    assert "city_admin saved version" in html
