"""Attachments on coordination issues and visits (issue 13, item 5): files chosen in the
form that raises an issue are attached in the same transaction (a refused file keeps
nothing and says why); the issue page lists them and takes more from the parties the
policy allows; a visit's photos are taken on the phone page; a clerk of another unit
gets 404 on the file; the files are in the issue's and the project's history; the API
takes them for issues and visits alike."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ballast.attachments.models import Attachment
from ballast.coordination import services
from ballast.coordination.models import Issue, Visit
from ballast.projects.history import project_history
from tests.api_helpers import token_client
from tests.conftest import tiny_jpeg

GPS = 0x8825
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def project(make_project):
    return make_project(name="仪征港口项目")


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_clerk_raises_an_issue_with_a_photo_and_a_document(people, project, pinned_today):
    pinned_today(date(2023, 4, 3))
    clerk = people["clerk_a"]
    # the form asks for files: multipart, several at once
    form = _web(clerk).get("/issues/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="files"' in form
    assert "multiple" in form[form.index('name="files"') - 200 : form.index('name="files"') + 200]
    posted = _web(clerk).post(
        "/issues/new/",
        {
            "project": project.pk,
            "category": "land",
            "description": "围墙外用地未征收",
            "files": [
                _file("现场.jpg", tiny_jpeg(size=(800, 600), gps=True)),
                _file("征收函.pdf", PDF),
            ],
        },
    )
    issue = Issue.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/issues/{issue.pk}/"
    files = Attachment.objects.filter(owner_id=issue.pk, owner_type__model="issue")
    assert sorted(files.values_list("name", "kind")) == [
        ("征收函.pdf", "pdf"),
        ("现场.jpg", "image"),
    ]
    photo = files.get(kind="image")
    assert photo.project_id == project.pk and photo.uploaded_by == clerk
    assert photo.taken_on == date(2023, 4, 3)  # no date in the photo: the day it came
    assert not Image.open(photo.file.open("rb")).getexif().get_ifd(GPS)  # location gone

    page = _web(clerk).get(f"/issues/{issue.pk}/").content.decode()
    assert f'src="/attachments/{photo.pk}/thumbnail/"' in page
    assert "征收函.pdf" in page
    assert f'action="/issues/{issue.pk}/attachments/"' in page  # the raiser may add more
    # in the issue's history and the project's
    assert page.count("现场.jpg") >= 2
    assert {"现场.jpg", "征收函.pdf"} <= {
        row.object_label for row in project_history(project=project)
    }


def test_a_refused_file_raises_nothing_and_keeps_the_text(people, project, media):
    posted = _web(people["clerk_a"]).post(
        "/issues/new/",
        {
            "project": project.pk,
            "category": "land",
            "description": "围墙外用地未征收",
            "files": [_file("现场.jpg", tiny_jpeg()), _file("说明.exe", b"MZ\x90\x00" * 40)],
        },
    )
    page = posted.content.decode()
    assert posted.status_code == 200
    assert "说明.exe" in page and "围墙外用地未征收" in page
    assert not Issue.objects.exists() and not Attachment.objects.exists()


def test_the_department_adds_a_document_and_another_unit_gets_404(
    people, project, department, make_project, unit_b
):
    clerk, dept = people["clerk_a"], people["department"]
    issue = services.issue_raise(
        user=clerk,
        project=project,
        data={"category": "land", "description": "用地", "raised_on": date(2023, 4, 3)},
    )
    services.issue_update(
        user=people["city_admin"],
        issue=issue,
        data={"department": department, "deadline": date(2023, 4, 30), "level": "unit"},
    )
    added = _web(dept).post(
        f"/issues/{issue.pk}/attachments/", {"files": [_file("复函.pdf", PDF)], "caption": "复函"}
    )
    assert added.status_code == 302 and added["Location"].endswith("#attachments")
    document = Attachment.objects.get(name="复函.pdf")
    assert (document.owner_id, document.uploaded_by) == (issue.pk, dept)
    assert _web(clerk).get(f"/attachments/{document.pk}/").status_code == 200
    outsider = _web(people["clerk_b"])
    assert outsider.get(f"/attachments/{document.pk}/").status_code == 404
    assert (
        outsider.post(
            f"/issues/{issue.pk}/attachments/", {"files": [_file("x.pdf", PDF)]}
        ).status_code
        == 404
    )
    assert Attachment.objects.count() == 1


def test_a_visit_from_the_phone_with_photos(people, project, media):
    leader = people["leader_a"]
    project.leaders.add(leader)
    page = _web(leader).get("/visits/new/").content.decode()
    field = page[page.index('name="photos"') - 200 : page.index('name="photos"') + 200]
    assert 'accept="image/*"' in field and 'capture="environment"' in field and "multiple" in field
    posted = _web(leader).post(
        "/visits/new/",
        {
            "project": project.pk,
            "date": "2023-03-02",
            "kind": "visit",
            "findings": "主体封顶",
            "photos": [
                _file("IMG_1.jpg", tiny_jpeg(taken="2023:03:02 10:00:00", gps=True)),
                _file("IMG_2.jpg", tiny_jpeg()),
            ],
        },
    )
    visit = Visit.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/visits/{visit.pk}/"
    photos = Attachment.objects.filter(owner_type__model="visit", owner_id=visit.pk)
    assert photos.count() == 2 and {p.taken_on for p in photos} >= {date(2023, 3, 2)}
    detail = _web(leader).get(f"/visits/{visit.pk}/").content.decode()
    assert detail.count("/thumbnail/") == 2 and "主体封顶" in detail
    # another unit's clerk: neither the visit nor its photos
    outsider = _web(people["clerk_b"])
    assert outsider.get(f"/visits/{visit.pk}/").status_code == 404
    assert outsider.get(f"/attachments/{photos.first().pk}/").status_code == 404
    assert outsider.get(f"/attachments/{photos.first().pk}/thumbnail/").status_code == 404
    # a photo that is not one keeps no visit either
    refused = _web(leader).post(
        "/visits/new/",
        {
            "project": project.pk,
            "date": "2023-03-03",
            "kind": "visit",
            "photos": [_file("IMG_3.jpg", b"not a photo at all")],
        },
    )
    assert refused.status_code == 200 and "IMG_3.jpg" in refused.content.decode()
    assert Visit.objects.count() == 1 and len(_files(media / "attachments")) == 4


def test_the_api_takes_files_for_issues_and_visits(people, project):
    clerk = people["clerk_a"]
    issue = services.issue_raise(
        user=clerk,
        project=project,
        data={"category": "land", "description": "用地", "raised_on": date(2023, 4, 3)},
    )
    leader = people["leader_a"]
    visit = services.visit_record(user=leader, project=project, on=date(2023, 3, 2), kind="visit")
    for user, owner_type, owner_id in (
        (clerk, "coordination.issue", issue.pk),
        (leader, "coordination.visit", visit.pk),
    ):
        response = token_client(user).post(
            "/api/v1/attachments/",
            {
                "owner_type": owner_type,
                "owner_id": owner_id,
                "file": _file("a.jpg", tiny_jpeg()),
            },
            format="multipart",
        )
        assert response.status_code == 201, response.content
        listed = token_client(user).get(
            "/api/v1/attachments/", {"owner_type": owner_type, "owner_id": owner_id}
        )
        assert [row["owner_type"] for row in listed.json()["results"]] == [owner_type]
    outsider = token_client(people["clerk_b"]).post(
        "/api/v1/attachments/",
        {
            "owner_type": "coordination.issue",
            "owner_id": issue.pk,
            "file": _file("b.jpg", tiny_jpeg()),
        },
        format="multipart",
    )
    assert outsider.status_code in (403, 404)
    assert Attachment.objects.count() == 2


def test_an_issue_keeps_its_photo_bytes_small(people, project):
    """The stored photo is re-encoded (not the upload): its bytes differ, its size is its own."""
    original = tiny_jpeg(size=(640, 480), gps=True)
    _web(people["clerk_a"]).post(
        "/issues/new/",
        {
            "project": project.pk,
            "category": "land",
            "description": "x",
            "files": [_file("p.jpg", original)],
        },
    )
    photo = Attachment.objects.get()
    kept = photo.file.open("rb").read()
    assert kept != original and len(kept) == photo.size
    assert Image.open(io.BytesIO(kept)).size == (640, 480)


def test_an_enterprise_raises_a_need_with_a_document(people, project):
    enterprise = people["enterprise"]
    services.contact_add(user=people["clerk_a"], project=project, contact=enterprise)
    posted = _web(enterprise).post(
        "/issues/new/",
        {
            "project": project.pk,
            "category": "funding",
            "description": "技改补助申报材料",
            "files": [_file("申报书.pdf", PDF)],
        },
    )
    issue = Issue.objects.get()
    assert posted.status_code == 302 and issue.raised_by == enterprise
    document = Attachment.objects.get()
    assert (document.owner_id, document.uploaded_by, document.name) == (
        issue.pk,
        enterprise,
        "申报书.pdf",
    )
    # the clerk of the unit sees it, the other unit's clerk does not
    assert _web(people["clerk_a"]).get(f"/attachments/{document.pk}/").status_code == 200
    assert _web(people["clerk_b"]).get(f"/attachments/{document.pk}/").status_code == 404
