"""In a real browser: a unit's investment officer (板块填报员) logs a contact on a lead —
which moves it to 接洽 — and signs it; the lead becomes a project whose page opens, and
a clerk of another unit cannot reach the lead by URL."""

from datetime import date

import pytest

from ballast.attraction.models import Lead
from tests.attraction_city import channels, lead

pytestmark = pytest.mark.browser


@pytest.fixture
def open_lead(people, unit_a, city, cluster):
    x = lead(people["clerk_a"], unit_a, channels(city)["chain"], cluster=cluster)
    return x


def test_officer_logs_a_contact_and_signs_a_lead(session, open_lead):
    s = session()
    page = s.login("clerk_a")
    page.goto("/attraction/leads/")
    page.click("text=年产10GW光伏组件项目")
    assert page.inner_text("[data-testid=lead-stage]") == "信息"

    page.fill("#id_date", "2026-02-03")
    page.fill("#id_ours", "仪征招商局 李局长")
    page.fill("#id_theirs", "扬州新能源 张董事长")
    page.fill("#id_content", "赴企业总部洽谈光伏组件项目落户")
    page.fill("#id_next_step", "提供地块规划条件")
    page.click("button:has-text('记录对接')")
    assert "已记录对接" in page.inner_text(".messages")
    assert page.inner_text("[data-testid=lead-stage]") == "接洽"
    assert "张董事长" in page.inner_text("#contacts")
    s.shot("attraction-01-contact-logged")

    page.click("text=签约转项目")
    page.fill("#id_on", "2026-05-20")
    page.select_option("#id_category", "industrial")
    page.click("button:has-text('保存')")
    assert "已签约，线索转为项目" in page.inner_text(".messages")
    assert "/projects/" in page.url
    s.shot("attraction-02-signed-project")

    signed = Lead.objects.get(pk=open_lead.pk)
    assert signed.project is not None and signed.signed_on == date(2026, 5, 20)
    page.goto(f"/attraction/leads/{open_lead.pk}/")
    assert page.inner_text("[data-testid=lead-stage]") == "签约"
    assert page.inner_text("[data-testid=signed-on]") == "2026-05-20"
    s.shot("attraction-03-lead-signed", full_page=True)

    other = session().login("clerk_b")
    response = other.goto(f"/attraction/leads/{open_lead.pk}/")
    assert response.status == 404
