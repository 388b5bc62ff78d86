"""Issue 12 item 3: on-site photos and documents of a site check (现场抽查的现场照片与资料),
kept with the check through the attachments app — taken in the form that records the
result (in its transaction: a refused file records nothing and the form keeps what was
entered) and on the check's own page; listed on the page, in the list's export and in the
API; seen by whoever sees the check (never the unit checked, never another city) and added
by whoever may record checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ballast.accounts.choices import Role
from ballast.alerts.choices import SiteCheckStatus
from ballast.alerts.integrity_services import check_draw_create, site_check_record
from ballast.alerts.models import SiteCheck
from ballast.attachments.models import Attachment
from ballast.projects.history import project_history
from ballast.regions.services import init_city
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport
from tests.api_helpers import token_client
from tests.conftest import make_user, tiny_jpeg

MARCH = date(2023, 3, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def check(city, people, make_project, unit_a, d):
    """One check of 扬州's March list: a 仪征 project that reported 120 万元 (40% done)."""
    project = make_project(unit_a, name="仪征抽查项目", stages={"started": d(2023, 1, 5)})
    MonthlyReport.objects.create(
        project=project,
        month=MARCH,
        investment=Decimal("120"),
        percent_complete=Decimal(40),
        status=ReportStatus.ACCEPTED,
    )
    draw = check_draw_create(
        user=people["city_admin"], city=city, month=MARCH, size=1, seed="7",
        as_of=date(2023, 4, 30),
    )  # fmt: skip
    return draw.checks.get()


@pytest.fixture
def outsider(city):
    """A checker (市级审核员) of another city, 镇江."""
    return make_user("zj_reviewer", Role.CITY_REVIEWER, init_city(code="321100"))


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _of(check) -> list:
    return list(
        Attachment.objects.filter(owner_type__model="sitecheck", owner_id=check.pk).order_by("pk")
    )


def _record(client, check, **extra):
    data = {
        "found_investment": "30.00",
        "percent_seen": "10",
        "checked_on": "2023-05-10",
        "notes": "现场仅完成场地平整",
        "version": check.version,
    }
    data.update(extra)
    return client.post(f"/integrity/checks/item/{check.pk}/record/", data)


def test_the_checker_records_a_result_with_photos_kept_with_the_check(people, check, media):
    reviewer = _web(people["city_reviewer"])
    form = reviewer.get(f"/integrity/checks/item/{check.pk}/record/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="files"' in form
    response = _record(
        reviewer,
        check,
        files=[
            SimpleUploadedFile("现场全景.jpg", tiny_jpeg(size=(800, 600), gps=True)),
            SimpleUploadedFile("核查记录表.pdf", PDF),
        ],
    )
    assert response.status_code == 302
    assert response["Location"] == f"/integrity/checks/item/{check.pk}/"
    check.refresh_from_db()
    assert check.status == SiteCheckStatus.INFLATED and check.amended
    files = _of(check)
    assert [(a.name, a.kind) for a in files] == [
        ("现场全景.jpg", "image"),
        ("核查记录表.pdf", "pdf"),
    ]
    # kept with the check, not filed under the project (its history is the unit's to read)
    assert all(a.project_id is None and a.uploaded_by == people["city_reviewer"] for a in files)
    assert len(_files(media)) == 3  # photo, its thumbnail, the PDF
    photo, pdf = files
    assert photo.thumbnail

    # the check's page shows the result, the thumbnail and the document with its name
    page = reviewer.get(f"/integrity/checks/item/{check.pk}/").content.decode()
    assert "现场仅完成场地平整" in page and "发现虚报" in page
    assert f"/attachments/{photo.pk}/thumbnail/" in page
    assert f"/attachments/{pdf.pk}/" in page and "核查记录表.pdf" in page
    # … and whoever sees the check sees the files: a leader reads, downloads
    leader = _web(people["city_leader"])
    assert leader.get(f"/attachments/{photo.pk}/").status_code == 200
    assert leader.get(f"/attachments/{pdf.pk}/")["Content-Disposition"].startswith("attachment")
    # the list's page counts them and links the check; its export names them with sizes
    listed = reviewer.get(f"/integrity/checks/{check.draw_id}/").content.decode()
    assert f"/integrity/checks/item/{check.pk}/#attachments" in listed
    export = reviewer.get(f"/integrity/checks/{check.draw_id}/?export=csv")
    text = export.content.decode("utf-8-sig")
    assert "现场照片与资料" in text.splitlines()[0]
    assert f"核查记录表.pdf（{len(PDF)} 字节）" in text and "现场全景.jpg（" in text


def test_a_refused_file_records_nothing_and_the_form_keeps_what_was_entered(people, check, media):
    reviewer = _web(people["city_reviewer"])
    response = _record(
        reviewer,
        check,
        notes="现场仅完成场地平整，照片见附件",
        files=[
            SimpleUploadedFile("现场.jpg", tiny_jpeg()),
            SimpleUploadedFile("记录.txt", "不是照片".encode()),
        ],
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "记录.txt：不支持的文件类型" in page
    # what was entered is on the form again
    assert "现场仅完成场地平整，照片见附件" in page and 'value="30.00"' in page
    check.refresh_from_db()
    assert check.status == SiteCheckStatus.PENDING and check.notes == ""
    report = MonthlyReport.objects.get(pk=check.report_id)
    assert report.investment == Decimal("120") and report.amendment_count == 0
    assert _of(check) == [] and _files(media) == []  # the photo before it went too


def test_a_file_too_large_on_the_page_is_refused_and_the_result_stays(
    people, check, media, settings
):
    done = site_check_record(
        user=people["city_reviewer"], check=check, found_investment=Decimal("120"),
        notes="属实", checked_on=date(2023, 5, 10),
    )  # fmt: skip
    settings.BALLAST_ATTACHMENT_MAX_MB = 1
    reviewer = _web(people["city_reviewer"])
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024)
    response = reviewer.post(
        f"/integrity/checks/item/{check.pk}/attachments/",
        {"files": [SimpleUploadedFile("大.pdf", big)]},
        follow=True,
    )
    assert "大.pdf：文件超过 1 MB 的上限" in response.content.decode()
    after = SiteCheck.objects.get(pk=check.pk)
    assert (after.status, after.found_investment, after.notes, after.version) == (
        SiteCheckStatus.CONFIRMED, Decimal("120.00"), "属实", done.version,
    )  # fmt: skip
    assert _of(check) == [] and _files(media) == []
    # a good one is taken on the same page, after the result
    reviewer.post(
        f"/integrity/checks/item/{check.pk}/attachments/",
        {"files": [SimpleUploadedFile("补充.pdf", PDF)], "caption": "补充材料"},
    )
    assert [(a.name, a.caption) for a in _of(check)] == [("补充.pdf", "补充材料")]


def test_outsiders_never_see_nor_add_the_photos(people, check, outsider, media):
    reviewer = _web(people["city_reviewer"])
    reviewer.post(
        f"/integrity/checks/item/{check.pk}/attachments/",
        {"files": [SimpleUploadedFile("现场.jpg", tiny_jpeg())]},
    )
    (photo,) = _of(check)
    # the unit checked (its clerk, its reviewer) and a checker of another city: 404 all
    # along, and no trace in the project's history
    for person in (people["clerk_a"], people["reviewer_a"], outsider):
        web = _web(person)
        assert web.get(f"/integrity/checks/item/{check.pk}/").status_code == 404
        assert web.get(f"/attachments/{photo.pk}/").status_code == 404
        assert web.get(f"/attachments/{photo.pk}/thumbnail/").status_code == 404
        refused = web.post(
            f"/integrity/checks/item/{check.pk}/attachments/",
            {"files": [SimpleUploadedFile("假.jpg", tiny_jpeg())]},
        )
        assert refused.status_code == 404
        api = token_client(person)
        assert api.get(f"/api/v1/attachments/{photo.pk}/").status_code == 404
        assert api.get("/api/v1/attachments/?owner_type=alerts.sitecheck").json()["count"] == 0
        posted = api.post(
            "/api/v1/attachments/",
            {
                "owner_type": "alerts.sitecheck",
                "owner_id": check.pk,
                "file": SimpleUploadedFile("假.jpg", tiny_jpeg()),
            },
            format="multipart",
        )
        assert posted.status_code == 404
    assert [row.object_label for row in project_history(project=check.project)].count(
        "现场.jpg"
    ) == 0
    # a leader sees the check and its photo but adds nothing (no form, 403)
    leader = _web(people["city_leader"])
    page = leader.get(f"/integrity/checks/item/{check.pk}/").content.decode()
    assert f"/attachments/{photo.pk}/thumbnail/" in page and "attach-form" not in page
    assert (
        leader.post(
            f"/integrity/checks/item/{check.pk}/attachments/",
            {"files": [SimpleUploadedFile("领导.jpg", tiny_jpeg())]},
        ).status_code
        == 403
    )
    assert _of(check) == [photo]


def test_the_api_takes_and_lists_a_checks_files(people, check, media):
    api = token_client(people["city_reviewer"])
    created = api.post(
        "/api/v1/attachments/",
        {
            "owner_type": "alerts.sitecheck",
            "owner_id": check.pk,
            "file": SimpleUploadedFile("现场.jpg", tiny_jpeg(size=(640, 480))),
            "caption": "东侧",
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner_type"] == "alerts.sitecheck" and body["project"] is None
    # a bad file: a 400 problem in Chinese; the check unchanged, nothing stored
    refused = api.post(
        "/api/v1/attachments/",
        {
            "owner_type": "alerts.sitecheck",
            "owner_id": check.pk,
            "file": SimpleUploadedFile("宏.docm", b"PK\x03\x04not really"),
        },
        format="multipart",
    )
    assert refused.status_code == 400
    assert "不支持的文件类型" in str(refused.json())
    # the check's own answer lists its files, also after a result is recorded
    version = api.get(f"/api/v1/site-checks/{check.pk}/")["ETag"]
    recorded = api.post(
        f"/api/v1/site-checks/{check.pk}/record/",
        {"found_investment": "120.00", "notes": "属实", "checked_on": "2023-05-10"},
        format="json",
        HTTP_IF_MATCH=version,
    )
    assert recorded.status_code == 200, recorded.content
    files = recorded.json()["attachments"]
    assert [(f["name"], f["caption"], f["kind"]) for f in files] == [("现场.jpg", "东侧", "image")]
    assert (
        files[0]["size"] > 0
        and files[0]["download"] == f"/api/v1/attachments/{body['id']}/content/"
    )
    listed = api.get("/api/v1/site-checks/").json()["results"]
    assert [len(c["attachments"]) for c in listed] == [1]
    drawn = api.get(f"/api/v1/site-check-draws/{check.draw_id}/").json()
    assert [f["name"] for f in drawn["checks"][0]["attachments"]] == ["现场.jpg"]
    assert api.get(files[0]["download"]).status_code == 200
    # a leader reads them; may not add one (403)
    leader = token_client(people["city_leader"])
    assert len(leader.get(f"/api/v1/site-checks/{check.pk}/").json()["attachments"]) == 1
    forbidden = leader.post(
        "/api/v1/attachments/",
        {
            "owner_type": "alerts.sitecheck",
            "owner_id": check.pk,
            "file": SimpleUploadedFile("领导.jpg", tiny_jpeg()),
        },
        format="multipart",
    )
    assert forbidden.status_code == 403
    assert len(_of(check)) == 1


def test_the_check_pages_and_the_figures_api_errors_in_english(people, check, media):
    reviewer = _web(people["city_reviewer"])
    page = reviewer.get(
        f"/integrity/checks/item/{check.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Pending" in page and "On-site photos and documents" in page
    assert "待核查" not in page
    listed = reviewer.get(
        f"/integrity/checks/{check.draw_id}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Pending" in listed and "待核查" not in listed
    form = reviewer.get(
        f"/integrity/checks/item/{check.pk}/record/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "On-site photos and documents (several at once)" in form
    # the figures API answers its errors in the caller's language
    api = token_client(people["city_admin"])
    missing = api.get("/api/v1/figures/?unit=999999", HTTP_ACCEPT_LANGUAGE="en").json()
    assert missing["detail"] == "No region with the code “999999”, or it is outside your scope."
    assert missing["title"] == "Not found"
    asked = api.get("/api/v1/figures/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert asked["title"] == "Bad request"
    assert "Please give the code of a unit, a city or a province." in str(asked)
    bad_date = api.get(
        "/api/v1/figures/integrity/?region=321000&as_of=2023-13-01", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert "Dates are written YYYY-MM-DD, e.g. 2023-03-31." in str(bad_date)
    chinese = api.get("/api/v1/figures/?unit=999999").json()
    assert chinese["detail"] == "找不到代码为“999999”的地区，或不在您的范围内。"
