"""The auditor's pages: the trail searched, paged and exported, one record with its hash,
the login log — for the auditor and nobody else (三权分立)."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from ballast.audit.models import AuditRecord
from ballast.audit.services import record_event
from ballast.projects import services as project_services

PAGES = ["/audit/", "/audit/logins/", "/audit/1/", "/audit/?export=csv", "/audit/?export=xlsx"]
OTHERS = [
    "city_admin",
    "city_reviewer",
    "city_leader",
    "system_admin",
    "security_admin",
    "department",
    "clerk_a",
    "reviewer_a",
    "leader_a",
    "clerk_b",
    "enterprise",
]


@pytest.fixture
def trail(people, make_project):
    """A project created and changed by clerk A, a failed sign-in, an unlock."""
    project = make_project(name="仪征光伏组件项目")
    project_services.project_update(
        user=people["clerk_a"], project=project, data={"investor": "阿特斯"}, reason="更名"
    )
    record_event(kind="login_failed", action="login_failed", username="clerk_b")
    return project


@pytest.mark.parametrize("role", OTHERS)
def test_no_one_but_the_auditor_opens_the_trail(client, people, trail, role):
    client.force_login(people[role])
    for url in PAGES:
        assert client.get(url).status_code == 403, (role, url)
    # No download happened, so none was recorded.
    assert not AuditRecord.objects.filter(kind="export").exists()


def test_not_even_a_superuser(client, people, trail):
    admin = people["city_admin"]
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    for url in PAGES:
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client, trail):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_auditor_searches_the_trail(client, people, trail):
    client.force_login(people["auditor"])
    page = client.get("/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "仪征光伏组件项目" in html and "阿特斯" in html and "更名" in html
    assert "---------" not in html and ">全部<" in html  # the selects' empty choice

    def seqs(query):
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        return [r.seq for r in response.context["page"].object_list]

    everything = seqs("")
    assert everything == sorted(everything, reverse=True)
    changes_of_project = seqs(f"model=project&object_id={trail.pk}")
    assert len(changes_of_project) == 2
    assert len(seqs("actor=clerk_a&kind=change")) >= 2
    assert seqs("kind=login_failed") == [AuditRecord.objects.get(kind="login_failed").seq]
    assert seqs("q=阿特斯") == [
        AuditRecord.objects.get(model_label="projects.Project", action="~").seq
    ]
    assert seqs("q=不存在的内容") == []
    today = timezone.localdate()
    assert len(seqs(f"date_from={today:%Y-%m-%d}&date_to={today:%Y-%m-%d}")) == len(everything)
    assert seqs(f"date_to={today - timedelta(days=1):%Y-%m-%d}") == []
    assert seqs("source=web") == []  # written by services outside a request: system
    # A bad date is a clear error, the page still answers.
    bad = client.get("/audit/?date_from=2026-13-40")
    assert bad.status_code == 200 and "有效的日期" in bad.content.decode()


def test_the_trail_is_paged(client, people, db):
    for i in range(120):
        record_event(kind="export", action="export", detail={"n": i})
    client.force_login(people["auditor"])
    first = client.get("/audit/")
    assert len(first.context["page"].object_list) == 50
    # every record of the trail: the 120 exports, the test city's own making, the sign-in
    assert first.context["page"].paginator.count == AuditRecord.objects.count()
    assert AuditRecord.objects.filter(kind="export").count() == 120
    third = client.get("/audit/?kind=export&page=3")
    assert len(third.context["page"].object_list) == 20


def test_the_auditor_exports_and_the_export_is_recorded(client, people, trail):
    client.force_login(people["auditor"])
    response = client.get("/audit/?export=csv&model=project", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "时间", "操作人"]
    assert len(rows) == 3
    assert any("investor:  → 阿特斯" in cell or "阿特斯" in cell for cell in rows[1])
    export = AuditRecord.objects.get(kind="export")
    assert export.actor_username == "auditor" and export.ip == "10.9.9.9"
    assert export.changes["rows"] == 2 and export.changes["what"] == "审计日志"
    assert export.changes["filters"] == {"path": "/audit/", "model": "project"}

    book = load_workbook(io.BytesIO(client.get("/audit/?export=xlsx").content))
    sheet = book.active
    assert sheet.title == "审计日志" and sheet.freeze_panes == "A2"
    assert sheet.max_row == AuditRecord.objects.count()  # header + all but this export


def test_one_record_shows_before_after_hash_and_chain(client, people, trail):
    record = AuditRecord.objects.get(model_label="projects.Project", action="~")
    client.force_login(people["auditor"])
    page = client.get(f"/audit/{record.seq}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert record.hash in html and record.prev_hash in html
    assert "阿特斯" in html and "本条记录与哈希相符" in html
    assert page.context["previous"].seq == record.seq - 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET reason = 'x' WHERE seq = %s", [record.seq])
    assert "记录可能被篡改" in client.get(f"/audit/{record.seq}/").content.decode()
    assert client.get("/audit/99999/").status_code == 404


def test_the_login_log(client, people, trail):
    client.post("/login/", {"username": "clerk_a", "password": "pass"})
    client.logout()
    client.force_login(people["auditor"])
    page = client.get("/audit/logins/")
    assert page.status_code == 200
    kinds = {r.kind for r in page.context["page"].object_list}
    assert kinds == {"login", "logout", "login_failed"}
    assert "clerk_b" in page.content.decode()


def test_the_auditors_home_and_menu_lead_to_the_trail(client, people):
    client.force_login(people["auditor"])
    html = client.get("/").content.decode()
    assert 'href="/audit/"' in html and 'href="/audit/logins/"' in html
    client.force_login(people["city_admin"])
    assert 'href="/audit/"' not in client.get("/projects/").content.decode()


def test_the_trail_in_english(client, people, trail):
    client.force_login(people["auditor"])
    client.cookies["django_language"] = "en"
    html = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Audit trail" in html and "Data change" in html


def test_the_login_log_exports_through_its_table_with_the_detail_filled(client, people, trail):
    client.post("/login/", {"username": "clerk_a", "password": "wrong"})
    client.force_login(people["auditor"])
    response = client.get("/audit/logins/?export=csv&actor=clerk_b")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *records = rows
    assert header[0] == "序号" and "变更（前 → 后）" in header
    assert [r[header.index("操作人")] for r in records] == ["clerk_b"]
    assert records[0][header.index("类型")] == "登录失败"
    # the change column of a change record is "field: before → after"
    trail_rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    f"/audit/?export=csv&model=project&object_id={trail.pk}&q=阿特斯"
                ).content.decode("utf-8-sig")
            )
        )
    )
    changes = trail_rows[1][trail_rows[0].index("变更（前 → 后）")]
    assert "investor:  → 阿特斯" in changes
    assert AuditRecord.objects.get(kind="export", changes__what="登录日志").changes["rows"] == 1
