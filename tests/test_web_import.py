"""Web import: upload → preview → apply, errors in place and in an annotated workbook,
unit scope, refused files, the background path with progress."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ballast.imports import jobs
from ballast.imports.models import ImportFile, ImportJob
from ballast.imports.tasks import apply_job
from ballast.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(rows, title="台账", merges=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data, name="台账.xlsx", kind="ledger"):
    return client.post(
        "/imports/", {"kind": kind, "file": SimpleUploadedFile(name, data, XLSX)}, follow=False
    )


def last_job():
    return ImportJob.objects.order_by("-pk").first()


@pytest.fixture
def clerk_a(client, people):
    client.force_login(people["clerk_a"])
    return client


MESSY = [
    ["2023年仪征市重大项目台账", None, None, None, None, None],
    ["金额单位：亿元", None, None, None, None, None],
    ["序号", "项目名称", "县（市、区）", "项目业主", "总投资", "签约时间"],
    [1, "  光储一期 ", "仪征", "阿特斯", 1.1, "2023/1/5"],
    [2, "汽车零部件", "仪征市", "亚新科", "２.５", "2023年3月8日"],
    [None, "合计", None, None, 3.6, None],
]


def test_messy_ledger_upload_previews_creations_and_writes_nothing(clerk_a, unit_a):
    response = upload(clerk_a, workbook_bytes(MESSY))
    job = last_job()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert job.status == ImportJob.Status.PLANNED
    assert job.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert Project.objects.count() == 0  # a preview writes nothing
    page = clerk_a.get(f"/imports/{job.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "光储一期" in text and "汽车零部件" in text
    # 1.1 亿元 = 11000 万元, shown as the field change of the created row
    assert "11000" in text
    assert "确认导入" in text


def test_changed_project_shows_field_diff(clerk_a, make_project, unit_a):
    make_project(name="汽车零部件", total_investment=Decimal("20000.00"), investor="亚新科")
    upload(clerk_a, workbook_bytes(MESSY))
    job = last_job()
    assert job.counts["create"] == 1 and job.counts["update"] == 1
    rows = {r["label"]: r for r in ImportFile.objects.get(job=job).preview}
    changed = next(r for r in rows.values() if r["action"] == "update")
    columns = {c[0]: (c[1], c[2]) for c in changed["changes"]}
    assert any("总投资" in name for name in columns)
    old, new = next(v for k, v in columns.items() if "总投资" in k)
    assert "20000" in old and "25000" in new
    text = clerk_a.get(f"/imports/{job.pk}/").content.decode()
    assert "修改" in text and "25000" in text


BAD = [
    ["项目名称", "所属板块", "总投资（万元）", "签约日期"],
    ["好项目", "仪征", 100, "2023-01-05"],
    ["坏日期", "仪征", 100, "2023-13-45"],
    ["火星项目", "火星区", 100, None],
]


def test_errors_shown_in_place_and_annotated_workbook(clerk_a, unit_a):
    upload(clerk_a, workbook_bytes(BAD))
    job = last_job()
    assert not job.may_apply
    rows = {e["row"] for e in job.errors}
    assert rows == {3, 4}
    text = clerk_a.get(f"/imports/{job.pk}/").content.decode()
    assert "第 3 行“签约日期”列" in text
    assert "火星区" in text
    assert "确认导入" not in text

    response = clerk_a.get(f"/imports/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=5).value == "导入错误说明"
    assert sheet.cell(row=2, column=5).value is None  # the good row
    assert "不是有效的日期" in sheet.cell(row=3, column=5).value
    assert "火星区" in sheet.cell(row=4, column=5).value
    assert sheet.cell(row=3, column=5).fill.fgColor.rgb.endswith("FFC7CE")
    # the offending cell itself is red
    assert sheet.cell(row=3, column=4).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=2, column=4).fill.fgColor.rgb != "00FFC7CE"

    # applying is refused, nothing written
    clerk_a.post(f"/imports/{job.pk}/apply/")
    assert Project.objects.count() == 0


def test_csv_upload_errors_come_back_as_xlsx(clerk_a, unit_a):
    data = "项目名称,所属板块,总投资（万元）\n好项目,仪征,100\n,仪征,=1+2\n".encode()
    clerk_a.post(
        "/imports/",
        {"kind": "ledger", "file": SimpleUploadedFile("台账.csv", data, "text/csv")},
    )
    job = last_job()
    assert job.errors
    response = clerk_a.get(f"/imports/{job.pk}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["项目名称", "所属板块", "总投资（万元）", "导入错误说明"]
    assert sheet.cell(row=2, column=4).value is None
    assert sheet.cell(row=3, column=4).value
    # the formula-like text of the CSV is never a formula in the copy
    assert sheet.cell(row=3, column=3).value == "'=1+2"
    assert sheet.cell(row=3, column=3).data_type == "s"


def test_apply_creates_projects_with_history_source_import(clerk_a, unit_a):
    upload(clerk_a, workbook_bytes(MESSY, title="台账"))
    job = last_job()
    response = clerk_a.post(f"/imports/{job.pk}/apply/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert job.result == {"created": 2, "updated": 0, "unchanged": 0}
    project = Project.objects.get(name="光储一期")
    assert project.unit == unit_a
    assert project.total_investment == Decimal("11000.00")
    record = project.history.earliest("history_date")
    assert record.history_source == "import"
    assert record.history_reason_text == "导入 台账.xlsx"
    # applying twice does nothing more
    clerk_a.post(f"/imports/{job.pk}/apply/")
    assert Project.objects.count() == 2


def test_clerk_of_unit_b_cannot_import_into_unit_a_nor_see_its_jobs(
    client, people, unit_a, unit_b, make_project
):
    client.force_login(people["clerk_a"])
    upload(client, workbook_bytes(MESSY))
    job_a = last_job()

    client.force_login(people["clerk_b"])
    upload(client, workbook_bytes(MESSY))
    job_b = last_job()
    assert job_b.counts["error"] == 2
    assert all("仪征" in e["message"] or "本板块" in e["message"] for e in job_b.errors)
    assert not job_b.may_apply
    assert client.get(f"/imports/{job_a.pk}/").status_code == 404
    assert client.get(f"/imports/{job_a.pk}/errors.xlsx").status_code == 404
    assert client.get(f"/imports/{job_a.pk}/progress/").status_code == 404
    assert client.post(f"/imports/{job_a.pk}/apply/").status_code == 404
    assert f"/imports/{job_a.pk}/" not in client.get("/imports/").content.decode()
    assert Project.objects.count() == 0


def test_reports_import_only_for_city_admin(client, people, unit_a):
    client.force_login(people["clerk_a"])
    page = client.get("/imports/").content.decode()
    assert 'value="reports"' not in page
    response = upload(
        client, workbook_bytes([["项目名称", "月份", "当月完成投资"]]), kind="reports"
    )
    assert response.status_code == 200  # the form refuses the choice
    assert ImportJob.objects.count() == 0
    client.force_login(people["city_reviewer"])
    assert client.get("/imports/").status_code == 403


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (210 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("炸弹.xlsx", "bomb", "解压后"),
        ("旧版.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "不支持旧版 .xls"),
        ("假的.xlsx", b"this is not a workbook", "不是有效的 .xlsx"),
    ],
)
def test_refused_files_give_a_chinese_message_and_write_nothing(
    clerk_a, unit_a, name, data, message
):
    data = zip_bomb() if data == "bomb" else data
    response = upload(clerk_a, data, name=name)
    assert response.status_code == 400
    text = response.content.decode()
    assert "文件未导入，没有写入任何数据" in text
    assert message in text
    assert ImportJob.objects.count() == 0
    assert ImportFile.objects.count() == 0
    assert Project.objects.count() == 0


def test_oversized_file_refused_before_reading(clerk_a, unit_a, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_FILE_BYTES", 1000)
    response = upload(clerk_a, b"x" * 2000)
    assert response.status_code == 400
    assert "超过上限" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_large_file_runs_in_background_with_progress(clerk_a, unit_a, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.IMPORT_PROGRESS_EVERY = 2
    rows = [["项目名称", "所属板块", "总投资（万元）"]] + [
        [f"后台项目{i}", "仪征", 100 + i] for i in range(1, 6)
    ]
    upload(clerk_a, workbook_bytes(rows))
    job = last_job()
    assert job.total_rows == 5

    seen = []
    real = jobs._Progress.__call__

    def spy(self, done, total):
        seen.append((done, total))
        return real(self, done, total)

    jobs._Progress.__call__ = spy
    try:
        response = clerk_a.post(f"/imports/{job.pk}/apply/")
        assert response.status_code == 302
        job.refresh_from_db()
        # handed to the worker, not applied in the request
        assert job.status == ImportJob.Status.PLANNED and job.background
        assert job.apply_requested_at is not None
        assert Project.objects.count() == 0
        progress = clerk_a.get(f"/imports/{job.pk}/progress/").json()
        assert progress["done"] == 0 and progress["total"] == 5
        assert not progress["finished"]
        page = clerk_a.get(f"/imports/{job.pk}/").content.decode()
        assert "正在导入" in page and "确认导入" not in page

        apply_job(job_id=job.pk)  # the queue's worker
    finally:
        jobs._Progress.__call__ = real
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert job.result == {"created": 5, "updated": 0, "unchanged": 0}
    assert Project.objects.filter(name__startswith="后台项目").count() == 5
    progress = clerk_a.get(f"/imports/{job.pk}/progress/").json()
    assert progress == {
        "status": "applied",
        "status_label": "已导入",
        "done": 5,
        "total": 5,
        "percent": 100,
        "finished": True,
        "result": {"created": 5, "updated": 0, "unchanged": 0},
        "error_count": 0,
    }
    # a second worker finds nothing to claim
    assert jobs.run_job(job.pk) is None


def test_progress_is_cached_every_n_rows(unit_a, settings):
    settings.IMPORT_PROGRESS_EVERY = 2
    progress = jobs._Progress(999)
    progress(1, 5)
    assert jobs.cache.get(jobs.progress_key(999)) is None
    progress(2, 5)
    assert jobs.cache.get(jobs.progress_key(999)) == {"done": 2, "total": 5}
    progress(5, 5)
    assert jobs.cache.get(jobs.progress_key(999)) == {"done": 5, "total": 5}
    jobs.cache.delete(jobs.progress_key(999))


def test_job_fails_cleanly_when_data_changed_after_preview(clerk_a, unit_a, make_project):
    upload(clerk_a, workbook_bytes(MESSY))
    job = last_job()
    make_project(name="光储一期")  # now the first row would be an update
    clerk_a.post(f"/imports/{job.pk}/apply/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "预览之后数据已发生变化" in job.errors[0]["message"]
    assert Project.objects.count() == 1


def test_template_downloads(clerk_a):
    response = clerk_a.get("/imports/template/ledger/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "总投资（万元）" in [c.value for c in sheet[2]]
    assert clerk_a.get("/imports/template/nothing/").status_code == 404


def test_embedded_mode_runs_the_queued_import_after_commit(
    clerk_a, unit_a, settings, django_capture_on_commit_callbacks
):
    """No worker in the embedded mode: the immediate queue runs the task in the process
    once the request's transaction has committed, and only once."""
    settings.IMPORT_BACKGROUND_ROWS = 1
    settings.TASK_QUEUE = "immediate"
    upload(clerk_a, workbook_bytes(MESSY))
    job = last_job()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        clerk_a.post(f"/imports/{job.pk}/apply/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PLANNED and job.background  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    # asking again does not queue it twice
    with django_capture_on_commit_callbacks(execute=True) as again:
        clerk_a.post(f"/imports/{job.pk}/apply/")
    assert again == []
