"""Issue 13, item 8: the import and bulletin pages in English too — every label, button,
note and message of the page itself (the data — names, the bulletin's own Chinese text,
a file's cells — stays as it is)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ballast.bulletins.services import bulletin_publish


def _english(client, user):
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def _page(client, url) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.content.decode()


def _without_tags(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_the_import_page_and_a_job_page_in_english(client, people):
    _english(client, people["city_admin"])
    html = _page(client, "/imports/")
    for english in ("Import and export", "Upload a ledger or monthly reports", "Upload and preview",
                    "Project ledger template (.xlsx)", "Export the project ledger",
                    "What to import", "File (.xlsx or .csv)", "No file uploaded yet."):  # fmt: skip
        assert english in html, english
    for chinese in (
        "导入与导出",
        "上传并预览",
        "项目台账模板",
        "导出项目台账",
        "导入内容",
        "还没有上传过文件",
    ):
        assert chinese not in _without_tags(html), chinese
    assert '<option value="ledger">Project ledger</option>' in html

    bad = SimpleUploadedFile("ledger.csv", "项目名称,所属板块\n某项目,不存在的板块\n".encode())
    answer = client.post("/imports/", {"kind": "ledger", "file": bad})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    job = _page(client, answer["Location"])
    text = _without_tags(job)
    for english in (
        "Import and export",
        "Project ledger",
        "data rows",
        "Show:",
        "Changes / errors",
    ):
        assert english in job, english
    for chinese in ("导入与导出", "行数据", "新增、修改与错误", "下载标注错误的工作簿", "字段变化"):
        assert chinese not in text, chinese
    # the list of the person's jobs names its content and status in English
    listing = _page(client, "/imports/")
    assert "ledger.csv" in listing and "已预览" not in _without_tags(listing)


@pytest.mark.django_db
def test_the_bulletin_pages_in_english(client, people, city):
    _english(client, people["city_admin"])
    html = _page(client, "/bulletins/")
    assert "Compose a bulletin" in html and "No bulletin has been published yet." in html
    assert "编制通报" not in _without_tags(html)
    compose = _page(client, "/bulletins/compose/?period=2023Q1")
    for english in ("Preview (unpublished draft)", "Download Word", "Period", "Data as of"):
        assert english in compose, english
    assert "预览（未发布稿）" not in _without_tags(compose)
    bulletin = bulletin_publish(user=people["city_admin"], city=city, period="2023Q1")
    detail = _page(client, f"/bulletins/{bulletin.pk}/")
    assert "no. 1" in detail and "The published content is fixed" in detail
    assert "发布后的内容固定" not in _without_tags(detail)
    listing = _page(client, "/bulletins/")
    assert "Annex (Excel)" in listing and "附表 Excel" not in _without_tags(listing)
