"""Importing leads on the web (issue 15, item 7): the officer uploads the leads workbook
at /imports/leads/ — the rows are written through the lead service, all or nothing; a bad
row shows every problem in Chinese and writes nothing; the template's headers are the ones
the import reads; who may not keep leads is refused."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from ballast.attraction.models import Lead
from ballast.imports.leads import HEADERS
from tests.attraction_city import channels
from tests.test_import_leads_all_or_nothing import GOOD, _book


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _upload(client, book, name="线索.xlsx"):
    book.name = name
    return client.post(reverse("imports:leads_upload"), {"file": book})


@pytest.mark.django_db
def test_the_officer_imports_leads_from_the_page(people, city, cluster):
    channels(city)
    client = _client(people["clerk_a"])
    page = client.get(reverse("attraction:leads"))
    assert reverse("imports:leads_upload") in page.content.decode()
    answer = _upload(client, _book(*GOOD))
    assert answer.status_code == 302 and answer["Location"] == reverse("attraction:leads")
    leads = Lead.objects.order_by("pk")
    assert [(x.project_name, x.investor, str(x.amount)) for x in leads] == [
        ("年产5GW储能电池项目", "江苏某储能科技有限公司", "12000.00"),
        ("高端装备产业园", "上海某装备集团", "85000.00"),
    ]
    assert {x.unit.name for x in leads} == {people["clerk_a"].region.name}
    assert leads[0].history.get().history_source == "import"
    shown = client.get(answer["Location"]).content.decode()
    assert "已导入招商线索 2 条。" in shown


@pytest.mark.django_db
def test_a_bad_row_writes_nothing_and_says_why(people, city, cluster):
    channels(city)
    bad = ["仪征市", "某项目", "某公司", "很多", None, None, "乡贤招商", None, "2026-13-40", None]
    answer = _upload(_client(people["clerk_a"]), _book(*GOOD, bad))
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "第 5 行：招商渠道“乡贤招商”不在本市设定的渠道中。" in text
    assert "第 5 行：“意向投资额（万元）”" in text
    assert not Lead.objects.exists()
    # no file at all: the form says so, nothing written
    empty = _client(people["clerk_a"]).post(reverse("imports:leads_upload"), {})
    assert empty.status_code == 200 and not Lead.objects.exists()


@pytest.mark.django_db
def test_the_template_has_the_columns_the_import_reads(people, city):
    answer = _client(people["clerk_a"]).get(reverse("imports:leads_template"))
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    headers = [cell.value for cell in sheet[2]]
    assert headers == [names[0] for names in HEADERS.values()]
    assert {"板块", "意向项目", "投资方", "意向投资额（万元）", "招商渠道"} <= set(headers)


@pytest.mark.django_db
def test_who_may_not_keep_leads_is_refused(people, city, cluster):
    channels(city)
    for who in ("auditor", "enterprise", "department"):
        client = _client(people[who])
        assert client.get(reverse("imports:leads_upload")).status_code == 403, who
        assert client.get(reverse("imports:leads_template")).status_code == 403, who
        assert _upload(client, _book(*GOOD)).status_code == 403, who
    assert not Lead.objects.exists()
