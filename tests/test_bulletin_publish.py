"""Published bulletins are frozen: regenerating one gives the same figures after the data
changed, while a fresh composition shows the new data. Only city administrators publish."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from ballast.bulletins.models import Bulletin
from ballast.bulletins.selectors import bulletin_content, content_hash, published_bulletins
from ballast.bulletins.services import bulletin_docx, bulletin_publish
from ballast.projects import services as ps
from tests.test_bulletin_content import q1_city  # noqa: F401 - fixture


def summary(docx_bytes: bytes) -> str:
    document = Document(io.BytesIO(docx_bytes))
    return next(p.text for p in document.paragraphs if p.text.startswith("一季度，全市"))


def test_regenerated_bulletin_keeps_its_figures_after_data_changed(
    q1_city,  # noqa: F811
    city,
    people,
    make_project,
    d,
):
    admin = people["city_admin"]
    bulletin = bulletin_publish(user=admin, city=city, period="2023Q1")
    assert (bulletin.kind, bulletin.number, bulletin.as_of) == ("quarter", 1, date(2023, 3, 31))
    assert bulletin.figures_hash == content_hash(bulletin.content)
    assert bulletin.history.get().history_user == admin
    published = summary(bytes(bulletin.docx))
    assert Document(io.BytesIO(bytes(bulletin.docx))).paragraphs[1].text == "2023年第1期"
    assert "新签约项目3个" in published

    # A late-recorded signing dated in the quarter changes the figures from now on.
    make_project(total_investment=Decimal(40000), stages={"signed": d(2023, 3, 30)})
    ps.stage_record(user=admin, project=q1_city["PA2"], stage="landed", on=d(2023, 3, 29))

    again = Bulletin.objects.get(pk=bulletin.pk)
    assert summary(bulletin_docx(again)) == published
    fresh = bulletin_content(city=city, period="2023Q1")
    assert fresh["totals"]["now"]["new.signed.count"] == 4
    assert content_hash(fresh) != again.figures_hash


def test_unit_clerk_cannot_publish(q1_city, city, people):  # noqa: F811
    with pytest.raises(PermissionDenied):
        bulletin_publish(user=people["clerk_a"], city=city, period="2023Q1")
    assert not Bulletin.objects.exists()


def test_bulletin_command_writes_docx_and_xlsx_and_publishes(
    q1_city,  # noqa: F811
    city,
    people,
    tmp_path,
):
    out, annex = tmp_path / "q1.docx", tmp_path / "q1.xlsx"
    call_command(
        "bulletin",
        "--period",
        "2023Q1",
        "--out",
        str(out),
        "--xlsx",
        str(annex),
        "--publish",
        "--user",
        "city_admin",
    )
    assert "新签约项目3个" in summary(out.read_bytes())
    assert "新签约" in load_workbook(annex).sheetnames
    bulletin = Bulletin.objects.get()
    assert bulletin.published_by == people["city_admin"] and bulletin.city == city


def test_clerk_sees_city_bulletins_and_own_unit_only(q1_city, city, unit_a, unit_b, people):  # noqa: F811
    admin = people["city_admin"]
    whole = bulletin_publish(user=admin, city=city, period="2023Q1")
    of_a = bulletin_publish(user=admin, city=city, period="2023Q1", unit=unit_a)
    of_b = bulletin_publish(user=admin, city=city, period="2023Q1", unit=unit_b)
    assert (whole.number, of_a.number, of_b.number) == (1, 2, 3)
    assert set(published_bulletins(user=people["clerk_b"])) == {whole, of_b}
    assert set(published_bulletins(user=people["city_reviewer"])) == {whole, of_a, of_b}
    assert not published_bulletins(user=people["auditor"]).exists()
