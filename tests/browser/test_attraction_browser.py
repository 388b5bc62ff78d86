"""In a real browser: a unit's investment officer (板块填报员) logs a contact on a lead —
which moves it to 接洽 — and signs it; the lead becomes a project whose page opens, and
a clerk of another unit cannot reach the lead by URL."""

from datetime import date

import pytest
from docx import Document

from ballast.attraction.models import Lead
from ballast.projects.models import IndustryCluster
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


def test_the_city_reads_a_campaign_rounds_ranking(session, people, unit_a, unit_b, city):
    from decimal import Decimal

    from ballast.attraction import services
    from ballast.attraction.models import Campaign, CampaignRound, RoundTarget

    ch = channels(city)["fund"]
    x = lead(people["clerk_a"], unit_a, ch, amount=Decimal("150000"))
    services.contact_add(
        user=people["clerk_a"],
        lead=x,
        data={"date": date(2026, 2, 1), "ours": "甲", "theirs": "乙", "content": "洽谈"},
    )
    services.lead_sign(user=people["clerk_a"], lead=x, on=date(2026, 3, 2))
    campaign = Campaign.objects.create(city=city, name="2026年新一轮招商引资项目推进百日攻坚")
    rnd = CampaignRound.objects.create(
        campaign=campaign, number=1, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    RoundTarget.objects.create(round=rnd, unit=unit_a, signed_count=1, over_10yi=1)
    RoundTarget.objects.create(round=rnd, unit=unit_b, signed_count=2)
    s = session()
    page = s.login("city_admin")
    page.goto("/attraction/campaigns/")
    page.click("text=第1轮")
    rows = page.locator("[data-testid=ranking] tbody tr")
    # Scored by the shipped scheme (attraction/data/campaign_scheme.yaml): A signed 1 of 1
    # (× 25) and one 10亿元以上 of 1 (× 10) → 35.00; its other indicators have no target
    # and score nothing (the assessment engine's rule). B signed 0 of 2 → 0.00.
    assert rows.nth(0).inner_text().startswith("1\t仪征")
    assert "35.00" in rows.nth(0).inner_text() and "0.00" in rows.nth(1).inner_text()
    assert "综合排名前三" in page.inner_text("body")
    s.shot("attraction-04-round-ranking")

    # the round bulletin: published from the round's page, then downloaded as Word
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=publish-round-bulletin]")
    assert "已发布" in page.inner_text(".messages")
    assert "关于2026年新一轮招商引资项目推进百日攻坚第1轮考核情况的通报" in page.inner_text(
        "[data-testid=round-bulletin]"
    )
    s.shot("attraction-06-round-bulletin-published")
    with page.expect_download() as info:
        page.click("[data-testid=round-bulletin-docx]")
    download = info.value
    assert download.suggested_filename.endswith("考核情况的通报.docx")
    document = Document(download.path())
    assert document.paragraphs[0].text == "扬州市百日攻坚工作通报"
    assert [c.text for c in document.tables[0].rows[1].cells] == ["1", "仪征", "35.00", "—"]

    # the chain map: 光伏组件 has the signed project's lead, 硅料 is a gap
    from ballast.attraction.models import ChainLink, TargetEnterprise

    cluster = IndustryCluster.objects.create(city=city, code="pv", name="光伏")
    ChainLink.objects.create(cluster=cluster, segment="up", name="硅料", sort_order=1)
    mid = ChainLink.objects.create(cluster=cluster, segment="mid", name="光伏组件", sort_order=2)
    TargetEnterprise.objects.create(link=mid, name="某组件龙头企业")
    Lead.objects.filter(pk=x.pk).update(cluster=cluster, link=mid)
    page.goto(f"/attraction/chain-map/?cluster={cluster.pk}")
    assert "缺链" in page.inner_text("[data-testid=chain]")
    s.shot("attraction-05-chain-map")
