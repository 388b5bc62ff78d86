"""Attachments and photos (issue 13, item 5): the type is read from the content, the size
is limited, photos are re-encoded without their location unless the city keeps it (the
date taken is kept as data), a thumbnail is made; only who sees the owner sees the file
(a clerk of another unit gets 404), only who may change the owner adds one; the files
are in the project's history and in the backup; the page and the API upload alike."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from ballast.attachments.models import Attachment, AttachmentSettings
from ballast.attachments.services import attach
from ballast.core import backup
from ballast.projects.history import project_history
from ballast.reports import services as report_services
from tests.conftest import tiny_jpeg

GPS = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def started(make_project, d):
    project = make_project(stages={"signed": d(2023, 1, 5), "started": d(2023, 3, 10)})
    return project.stage_events.get(stage="started")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_a_photo_loses_its_location_keeps_its_date_and_gets_a_thumbnail(people, started):
    original = tiny_jpeg(size=(1200, 900), taken="2023:03:10 09:30:00", gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # it had a position
    photo = attach(
        user=people["clerk_a"], owner=started, file=upload("开工现场.JPG", original),
        caption="开工仪式",
    )  # fmt: skip
    assert (photo.kind, photo.mime, photo.name) == ("image", "image/jpeg", "开工现场.jpg")
    assert photo.taken_on == date(2023, 3, 10)  # from the EXIF, before it was stripped
    assert photo.project_id == started.project_id and photo.uploaded_by == people["clerk_a"]
    kept = photo.file.open("rb").read()
    assert kept != original and len(kept) == photo.size
    reread = Image.open(io.BytesIO(kept))
    assert reread.size == (1200, 900)
    exif = reread.getexif()
    assert not exif.get_ifd(GPS) and 0x010F not in exif  # no position, no camera
    thumb = Image.open(photo.thumbnail.open("rb"))
    assert max(thumb.size) == 320 and thumb.format == "JPEG"


def test_a_city_that_keeps_location_keeps_it(people, started, city):
    AttachmentSettings.objects.create(city=city, keep_location=True)
    photo = attach(user=people["clerk_a"], owner=started, file=upload("a.jpg", tiny_jpeg(gps=True)))
    gps = Image.open(photo.file.open("rb")).getexif().get_ifd(GPS)
    assert gps[1] == "N" and float(gps[2][0]) == 32.0


@pytest.mark.parametrize(
    ("name", "data", "kind", "ext"),
    [
        ("许可证.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "pdf", "pdf"),
        ("许可证.bin", b"%PDF-1.4\n%%EOF", "pdf", "pdf"),  # the name lies: content wins
        ("说明.docx", docx_bytes(), "office", "docx"),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "office", "doc"),
    ],
)
def test_documents_are_typed_by_their_content(people, started, name, data, kind, ext):
    document = attach(user=people["clerk_a"], owner=started, file=upload(name, data))
    assert (document.kind, document.name.rsplit(".", 1)[1]) == (kind, ext)
    assert document.file.open("rb").read() == data  # documents are kept as they came
    assert not document.thumbnail


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("照片.jpg", b"MZ\x90\x00 this is a program", "不支持的文件类型"),
        ("许可证.pdf", b"<html><script>alert(1)</script>", "不支持的文件类型"),
        ("归档.docx", b"PK\x03\x04 not a zip at all", "不支持的文件类型"),
        ("坏照片.jpg", b"\xff\xd8\xff\xe0 broken", "照片无法读取"),
        ("空.pdf", b"", "文件是空的"),
    ],
)
def test_refused_files_leave_nothing(people, started, media, name, data, message):
    with pytest.raises(ValidationError) as refused:
        attach(user=people["clerk_a"], owner=started, file=upload(name, data))
    assert message in refused.value.message_dict["file"][0]
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_file_over_the_limit_is_refused(people, started, media, settings):
    settings.BALLAST_ATTACHMENT_MAX_MB = 1
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="超过 1 MB"):
        attach(user=people["clerk_a"], owner=started, file=upload("大.pdf", big))
    assert stored_files(media) == []
    small = attach(user=people["clerk_a"], owner=started, file=upload("小.pdf", big[:5000]))
    assert small.size == 5000


def test_only_who_may_change_the_owner_attaches(people, started):
    for who in ("clerk_b", "reviewer_a", "leader_a", "enterprise", "auditor"):
        with pytest.raises(PermissionDenied):
            attach(user=people[who], owner=started, file=upload("a.jpg", tiny_jpeg()))
    assert not Attachment.objects.exists()


def test_a_clerk_of_another_unit_gets_404_and_the_unit_sees_it(people, started):
    photo = attach(user=people["clerk_a"], owner=started, file=upload("a.jpg", tiny_jpeg()))
    urls = [
        reverse("attachments:download", args=[photo.pk]),
        reverse("attachments:thumbnail", args=[photo.pk]),
        reverse("api:attachment-detail", args=[photo.pk]),
        reverse("api:attachment-content", args=[photo.pk]),
    ]
    outsider, insider = Client(), Client()
    outsider.force_login(people["clerk_b"])
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    for who in ("clerk_a", "reviewer_a", "city_admin", "leader_a"):
        insider.force_login(people[who])
        answer = insider.get(urls[0])
        assert answer.status_code == 200, who
        assert answer["Content-Type"] == "image/jpeg"
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert b"".join(answer.streaming_content) == photo.file.open("rb").read()
    listed = outsider.get(reverse("api:attachment-list")).json()
    assert listed["count"] == 0
    assert Client().get(urls[0]).status_code == 302  # anonymous: to the login page


def test_documents_download_as_files(people, started):
    pdf = attach(user=people["clerk_a"], owner=started, file=upload("许可证.pdf", b"%PDF-1.7\n"))
    client = Client()
    client.force_login(people["reviewer_a"])
    answer = client.get(reverse("attachments:download", args=[pdf.pk]))
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["Content-Type"] == "application/pdf"


def test_report_photos_only_while_the_report_is_a_draft(people, make_project, d):
    project = make_project(stages={"started": d(2023, 1, 10)})
    report = report_services.report_save(
        user=people["clerk_a"], project=project, month=d(2023, 3, 1),
        data={"investment": Decimal(80), "progress": "主体结构完成"},
    )  # fmt: skip
    photo = attach(user=people["clerk_a"], owner=report, file=upload("形象进度.jpg", tiny_jpeg()))
    assert photo.project == project
    report_services.report_submit(user=people["clerk_a"], report=report)
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="已报送"):
        attach(user=people["clerk_a"], owner=report, file=upload("晚了.jpg", tiny_jpeg()))
    client = Client()
    client.force_login(people["reviewer_a"])
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert reverse("attachments:thumbnail", args=[photo.pk]) in page
    assert 'enctype="multipart/form-data"' not in page  # the reviewer uploads nothing


def test_the_stage_page_uploads_and_shows_the_thumbnail_in_history(people, started):
    client = Client()
    client.force_login(people["clerk_a"])
    answer = client.post(
        reverse("projects:stage_attach", args=[started.pk]),
        {"files": [upload("现场1.jpg", tiny_jpeg()), upload("假.jpg", b"not a photo")],
         "caption": "开工", "taken_on": "2023-03-10"},
    )  # fmt: skip
    assert answer.status_code == 302
    photo = Attachment.objects.get()  # the false one was refused, the good one kept
    assert (photo.caption, photo.taken_on) == ("开工", date(2023, 3, 10))
    page = client.get(answer["Location"]).content.decode()
    assert reverse("attachments:thumbnail", args=[photo.pk]) in page
    assert "假.jpg：不支持的文件类型" in page
    rows = [r for r in project_history(project=started.project) if r.model is Attachment]
    assert [(r.object_label, r.user) for r in rows] == [("现场1.jpg", people["clerk_a"])]
    outsider = Client()
    outsider.force_login(people["clerk_b"])
    again = outsider.post(
        reverse("projects:stage_attach", args=[started.pk]),
        {"files": [upload("x.jpg", tiny_jpeg())]},
    )
    assert again.status_code == 404 and Attachment.objects.count() == 1


def test_the_api_uploads_through_the_same_service(people, started):
    client = Client()
    client.force_login(people["clerk_a"])
    url = reverse("api:attachment-list")
    data = {"owner_type": "projects.stageevent", "owner_id": started.pk, "caption": "许可证"}
    created = client.post(url, {**data, "file": upload("许可证.pdf", b"%PDF-1.7\n%%EOF")})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["owner_type"], body["caption"]) == (
        "pdf",
        "projects.stageevent",
        "许可证",
    )
    assert client.get(body["download"]).status_code == 200
    refused = client.post(url, {**data, "file": upload("x.pdf", b"MZ")})
    assert refused.status_code == 400 and "不支持的文件类型" in refused.content.decode()
    outsider = Client()
    outsider.force_login(people["clerk_b"])
    hidden = outsider.post(url, {**data, "file": upload("x.pdf", b"%PDF-1.7")})
    assert hidden.status_code == 404
    reviewer = Client()
    reviewer.force_login(people["reviewer_a"])
    denied = reviewer.post(url, {**data, "file": upload("x.pdf", b"%PDF-1.7")})
    assert denied.status_code == 403
    assert Attachment.objects.count() == 1


def test_attachments_are_in_the_backup(people, started, media):
    """The backup archives every file under MEDIA_ROOT (the restore drill of
    test_backup_restore.py proves the archive); the attachment and its thumbnail are there."""
    photo = attach(user=people["clerk_a"], owner=started, file=upload("a.jpg", tiny_jpeg()))
    archived = {name: path for path, name in backup._media_files(media)}
    assert backup.sha256_of(archived[f"media/{photo.file.name}"]) == photo.sha256
    assert f"media/{photo.thumbnail.name}" in archived
