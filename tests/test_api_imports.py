"""Imports through the API: a county's script uploads its ledger workbook (multipart),
reads the preview (rows, changes, errors), applies it with an Idempotency-Key (a retry
imports nothing twice), and follows a large file's progress — the page's job functions,
the page's checks, and a job only its uploader sees."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from ballast.imports.models import ImportJob
from ballast.imports.tasks import apply_job
from ballast.projects.models import Project
from tests.api_helpers import token_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER = [
    ["序号", "项目名称", "县（市、区）", "项目业主", "总投资", "签约时间"],
    [1, "光储一期", "仪征", "阿特斯", 1.1, "2023/1/5"],
    [2, "汽车零部件", "仪征市", "亚新科", "２.５", "2023年3月8日"],
]


def workbook(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data, name="台账.xlsx", kind="ledger", **headers):
    return client.post(
        "/api/v1/imports/",
        {"kind": kind, "file": SimpleUploadedFile(name, data, XLSX)},
        format="multipart",
        **headers,
    )


def test_upload_preview_apply_and_a_retried_apply_imports_once(people, unit_a):
    clerk = token_client(people["clerk_a"])
    made = upload(clerk, workbook(LEDGER))
    assert made.status_code == 201, made.content
    job = made.json()
    assert job["status"] == "planned" and job["may_apply"] is True
    assert job["counts"] == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert Project.objects.count() == 0  # a preview writes nothing
    url = f"/api/v1/imports/{job['id']}/"
    preview = clerk.get(url + "preview/").json()
    assert preview["count"] == 2
    first = preview["results"][0]
    assert first["label"] == "光储一期" and first["action"] == "create"
    assert ["项目名称", "", "光储一期"] in first["changes"]
    assert {column for column, _old, _new in first["changes"]} >= {"总投资", "签约时间"}
    assert clerk.get(url + "preview/", {"show": "unchanged"}).json()["count"] == 0

    key = {"HTTP_IDEMPOTENCY_KEY": f"ledger-{job['id']}"}
    applied = clerk.post(url + "apply/", **key)
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied" and applied.json()["finished"] is True
    assert applied.json()["result"] == {"created": 2, "updated": 0, "unchanged": 0}
    again = clerk.post(url + "apply/", **key)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert Project.objects.filter(unit=unit_a).count() == 2
    # Without the key a second apply is refused: the file has been applied.
    refused = clerk.post(url + "apply/")
    assert refused.status_code == 400 and "file" in refused.json()["errors"]
    assert clerk.get(url + "progress/").json()["status"] == "applied"


def test_a_file_with_errors_is_previewed_with_them_and_cannot_be_applied(people, unit_a):
    clerk = token_client(people["clerk_a"])
    bad = [LEDGER[0], [1, "仪征导入项目", "仪征市", "某公司", "很多", "2023-01-05"]]
    job = upload(clerk, workbook(bad)).json()
    assert job["may_apply"] is False and job["errors"]
    assert job["errors"][0]["row"] == 2
    rows = clerk.get(f"/api/v1/imports/{job['id']}/preview/", {"show": "error"}).json()
    assert rows["count"] == 1 and rows["results"][0]["errors"]
    refused = clerk.post(f"/api/v1/imports/{job['id']}/apply/")
    assert refused.status_code == 400
    assert not Project.objects.filter(name="仪征导入项目").exists()


def test_the_page_checks_refuse_a_file_and_a_kind(people):
    clerk = token_client(people["clerk_a"])
    not_a_book = upload(clerk, b"PK\x03\x04 not really", name="台账.xlsx")
    assert not_a_book.status_code == 400 and "file" in not_a_book.json()["errors"]
    # A unit clerk may not import monthly reports (they need the city's acceptance).
    reports = upload(clerk, workbook(LEDGER), kind="reports")
    assert reports.status_code == 403
    assert not ImportJob.objects.exists()


def test_a_job_is_its_uploaders_alone(people, unit_a):
    job = upload(token_client(people["clerk_a"]), workbook(LEDGER)).json()
    other = token_client(people["city_admin"])  # may import, not see the clerk's upload
    assert other.get(f"/api/v1/imports/{job['id']}/").status_code == 404
    assert other.post(f"/api/v1/imports/{job['id']}/apply/").status_code in (403, 404)
    assert [j["id"] for j in other.get("/api/v1/imports/").json()["results"]] == []


def test_a_large_file_goes_to_the_worker_and_its_progress_is_read(people, unit_a, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    rows = [["项目名称", "所属板块", "总投资（万元）"]] + [
        [f"后台项目{i}", "仪征", 100 + i] for i in range(1, 5)
    ]
    clerk = token_client(people["clerk_a"])
    job = upload(clerk, workbook(rows)).json()
    url = f"/api/v1/imports/{job['id']}/"
    handed = clerk.post(url + "apply/")
    assert handed.status_code == 202
    assert handed.json()["finished"] is False and handed.json()["total"] == 4
    apply_job(job_id=ImportJob.objects.latest("pk").pk)  # the queue's worker
    progress = clerk.get(url + "progress/").json()
    assert progress["finished"] and progress["percent"] == 100
    assert Project.objects.filter(name__startswith="后台项目").count() == 4
