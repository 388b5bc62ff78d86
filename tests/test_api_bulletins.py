"""Bulletins through the API: the published ones in the person's scope, and their Word
and Excel files (the same as the bulletin page's downloads, the download audited)."""

import pytest

from ballast.audit.models import AuditRecord
from ballast.bulletins.services import bulletin_publish
from tests.api_helpers import token_client


@pytest.fixture
def bulletin(people, city, make_project, d):
    make_project(stages={"signed": d(2023, 1, 3)})
    return bulletin_publish(user=people["city_admin"], city=city, period="2023Q1")


def test_a_clerk_lists_and_downloads_the_citys_bulletin(people, bulletin):
    client = token_client(people["clerk_a"])
    listed = client.get("/api/v1/bulletins/")
    assert listed.status_code == 200 and [b["id"] for b in listed.json()["results"]] == [
        bulletin.pk
    ]
    assert listed.json()["results"][0]["figures_hash"] == bulletin.figures_hash
    word = client.get(f"/api/v1/bulletins/{bulletin.pk}/download/docx/")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert word["Content-Type"].endswith("wordprocessingml.document")
    assert AuditRecord.objects.filter(kind="export").count() == 1
    sheet = client.get(f"/api/v1/bulletins/{bulletin.pk}/download/xlsx/")
    assert sheet.status_code == 200 and sheet["Content-Type"].endswith("spreadsheetml.sheet")


def test_people_without_bulletins_get_none(people, bulletin):
    for who in ("enterprise", "department"):
        client = token_client(people[who])
        assert client.get("/api/v1/bulletins/").status_code == 403
        assert client.get(f"/api/v1/bulletins/{bulletin.pk}/download/docx/").status_code == 403
