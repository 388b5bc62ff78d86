"""The attraction pages converted to the restricted base keep their behaviour: the lead
list and the reserve pool export through their tables (the same cells as their pages'
rows, the scope held), a lead is edited with its version, and a project is placed in the
reserve pool through its form, the tier's conditions checked."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from ballast.attraction.models import Lead, ReserveEntry, ReserveTier
from tests import attraction_city


def _csv(response):
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def pool(people, city, unit_a, unit_b, make_project):
    chans = attraction_city.channels(city)
    lead_a = attraction_city.lead(people["clerk_a"], unit_a, chans["chain"], is_listed=True)
    attraction_city.lead(
        people["clerk_b"], unit_b, chans["fund"], investor="高邮投资", project_name="高邮项目"
    )
    tiers = {
        "plan": ReserveTier.objects.create(city=city, code="plan", name="谋划", order=1),
        "ready": ReserveTier.objects.create(
            city=city, code="ready", name="成熟", order=2, needs_land=True
        ),
    }
    project = make_project(name="仪征储备项目", total_investment=Decimal("50000.00"))
    return {"lead": lead_a, "tiers": tiers, "project": project}


@pytest.mark.django_db
def test_the_lead_list_exports_its_tables_cells_in_the_persons_scope(client, people, pool):
    client.force_login(people["clerk_a"])
    rows = _csv(client.get("/attraction/leads/?export=csv"))
    assert rows[0][:4] == ["板块", "意向项目", "投资方", "统一社会信用代码"]
    assert rows[0][-1] == "终止原因" and len(rows[0]) == 23
    assert len(rows) == 2  # the header and unit A's one lead, not unit B's
    lead = rows[1]
    assert lead[1] == "年产10GW光伏组件项目" and lead[2] == "扬州新能源有限公司"
    assert lead[6] == "是"  # 上市公司
    assert Decimal(lead[7]) == Decimal("120000")
    assert lead[17] == "2026-01-05"
    client.force_login(people["city_admin"])
    assert len(_csv(client.get("/attraction/leads/?export=csv"))) == 3


@pytest.mark.django_db
def test_a_lead_is_edited_with_its_version_and_a_stale_save_refused(client, people, pool):
    lead = pool["lead"]
    client.force_login(people["clerk_a"])
    page = client.get(f"/attraction/leads/{lead.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data.update(project_name="年产12GW光伏组件项目", unit=lead.unit_id, channel=lead.channel_id)
    data["expected_signing_month"] = ""
    done = client.post(f"/attraction/leads/{lead.pk}/edit/", data)
    assert done.status_code == 302 and done["Location"] == f"/attraction/leads/{lead.pk}/"
    lead.refresh_from_db()
    assert lead.project_name == "年产12GW光伏组件项目"
    # the same form again, at the version it was opened at: refused, nothing written
    data["project_name"] = "被覆盖的名称"
    stale = client.post(f"/attraction/leads/{lead.pk}/edit/", data)
    assert stale.status_code == 200
    assert Lead.objects.get(pk=lead.pk).project_name == "年产12GW光伏组件项目"
    # a unit reviewer may read the lead but not change it
    client.force_login(people["reviewer_a"])
    assert client.get(f"/attraction/leads/{lead.pk}/").status_code == 200
    assert client.get(f"/attraction/leads/{lead.pk}/edit/").status_code == 403


@pytest.mark.django_db
def test_the_reserve_pool_places_a_project_and_exports_its_entries(
    client, people, pool, pinned_today
):
    project, tiers = pool["project"], pool["tiers"]
    client.force_login(people["clerk_a"])
    url = f"/attraction/reserve/{project.pk}/"
    assert client.get(url).status_code == 200
    # 成熟 needs land: refused with the tier's reason, nothing written
    refused = client.post(url, {"tier": tiers["ready"].pk, "on": "2026-03-01"})
    assert refused.status_code == 200
    assert "须先落实" in str(refused.context["form"].errors["tier"])
    assert not ReserveEntry.objects.filter(project=project).exists()
    placed = client.post(url, {"tier": tiers["ready"].pk, "land_ready": "on", "on": "2026-03-01"})
    assert placed.status_code == 302 and placed["Location"] == "/attraction/reserve/"
    entry = ReserveEntry.objects.get(project=project)
    assert entry.tier == tiers["ready"] and entry.entered_on == date(2026, 3, 1)
    rows = _csv(client.get("/attraction/reserve/?export=csv"))
    assert rows[0] == [
        "梯次",
        "项目名称",
        "板块",
        "总投资（万元）",
        "用地已落实",
        "立项备案已完成",
        "资金已落实",
        "入库日期",
    ]
    assert rows[1][:2] == ["成熟", "仪征储备项目"]
    assert Decimal(rows[1][3]) == Decimal("50000.00")
    assert rows[1][4:] == ["是", "", "", "2026-03-01"]
    # unit B's clerk neither sees the entry nor may place unit A's project
    client.force_login(people["clerk_b"])
    assert len(_csv(client.get("/attraction/reserve/?export=csv"))) == 1
    assert client.get(url).status_code == 404
