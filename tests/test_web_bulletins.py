"""Bulletins on the web: compose with a preview, draft downloads, publish (city admins),
published ones listed and downloaded per role; another unit's bulletin is a 404."""

import io

from docx import Document
from openpyxl import load_workbook

from ballast.bulletins.models import Bulletin
from ballast.bulletins.services import bulletin_publish
from tests.test_bulletin_content import q1_city  # noqa: F401 - fixture


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_city_admin_previews_downloads_and_publishes(
    client,
    q1_city,  # noqa: F811
    city,
    people,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TASK_QUEUE = "immediate"  # the embedded mode: rendered after the commit
    client.force_login(people["city_admin"])
    page = client.get("/bulletins/compose/?period=2023q1")
    text = page.content.decode()
    assert page.status_code == 200
    assert "关于2023年一季度全市重大项目建设情况的通报" in text
    assert "全市新签约项目3个" in text  # the written summary
    assert "一季度各板块新签约项目完成情况" in text  # a table
    assert "data:image/png;base64," in text  # a chart
    assert "未发布稿" in text
    assert Bulletin.objects.count() == 0

    draft = client.get("/bulletins/compose/draft.docx?period=2023Q1")
    assert draft.status_code == 200
    assert "全市新签约项目3个" in docx_text(draft.content)
    annex = client.get("/bulletins/compose/draft.xlsx?period=2023Q1")
    assert "新签约" in load_workbook(io.BytesIO(annex.content)).sheetnames

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bulletins/publish/", {"period": "2023Q1", "unit": "", "as_of": ""})
    bulletin = Bulletin.objects.get()
    assert (bulletin.status, bulletin.progress) == ("published", 100)
    assert response.status_code == 302 and response["Location"] == f"/bulletins/{bulletin.pk}/"
    assert (bulletin.period, bulletin.number, bulletin.unit) == ("2023Q1", 1, None)
    listing = client.get("/bulletins/").content.decode()
    assert bulletin.title in listing and "2023年第1期" in listing
    detail = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "全市新签约项目3个" in detail
    word = client.get(f"/bulletins/{bulletin.pk}/download.docx")
    assert "2023年第1期" in docx_text(word.content)
    assert "全市新签约项目3个" in docx_text(word.content)
    assert client.get(f"/bulletins/{bulletin.pk}/download.xlsx").status_code == 200
    assert client.get(f"/bulletins/{bulletin.pk}/download.pdf").status_code == 404


def test_bad_period_is_refused_in_chinese(client, q1_city, people):  # noqa: F811
    client.force_login(people["city_admin"])
    text = client.get("/bulletins/compose/?period=2023-03").content.decode()
    assert "通报期间应为季度（2023Q1）、半年（2023H1）或年度（2023）。" in text
    assert "未发布稿" not in text


def test_unit_clerk_composes_their_unit_only_and_cannot_publish(
    client,
    q1_city,  # noqa: F811
    people,
    unit_a,
    unit_b,
):
    client.force_login(people["clerk_a"])
    # asking for unit B gives the form error, never unit B's figures
    text = client.get(f"/bulletins/compose/?period=2023Q1&unit={unit_b.pk}").content.decode()
    assert "高邮市重大项目建设情况" not in text
    text = client.get(f"/bulletins/compose/?period=2023Q1&unit={unit_a.pk}").content.decode()
    assert "关于2023年一季度仪征市重大项目建设情况的通报" in text
    assert 'action="/bulletins/publish/"' not in text
    response = client.post("/bulletins/publish/", {"period": "2023Q1", "unit": unit_a.pk})
    assert response.status_code == 403
    assert Bulletin.objects.count() == 0


def test_published_bulletins_per_role(client, q1_city, city, people, unit_a):  # noqa: F811
    admin = people["city_admin"]
    city_bulletin = bulletin_publish(user=admin, city=city, period="2023Q1")
    unit_bulletin = bulletin_publish(user=admin, city=city, period="2023Q1", unit=unit_a)

    client.force_login(people["clerk_a"])
    listing = client.get("/bulletins/").content.decode()
    assert f"/bulletins/{city_bulletin.pk}/" in listing
    assert f"/bulletins/{unit_bulletin.pk}/" in listing
    assert client.get(f"/bulletins/{unit_bulletin.pk}/").status_code == 200

    client.force_login(people["clerk_b"])
    listing = client.get("/bulletins/").content.decode()
    assert f"/bulletins/{city_bulletin.pk}/" in listing
    assert f"/bulletins/{unit_bulletin.pk}/" not in listing
    assert client.get(f"/bulletins/{unit_bulletin.pk}/").status_code == 404
    assert client.get(f"/bulletins/{unit_bulletin.pk}/download.docx").status_code == 404
    assert client.get(f"/bulletins/{city_bulletin.pk}/download.docx").status_code == 200

    client.force_login(people["enterprise"])
    assert client.get("/bulletins/").status_code == 403
    assert client.get("/bulletins/compose/").status_code == 403
    client.force_login(people["auditor"])
    assert client.get("/bulletins/").status_code == 403
