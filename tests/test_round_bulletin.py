"""The round bulletin (攻坚轮次通报, issue 15): a campaign round's ranking with 进位/退位 and
each unit's actuals against its targets, composed like the quarterly bulletins, rendered
by the same GB/T 9704 Word writer, published once and frozen, downloadable from the
round's page and through the API, under the policy."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document

from ballast.assessments.services import scheme_import
from ballast.attraction.models import Campaign, CampaignRound, RoundTarget
from ballast.bulletins.models import Bulletin
from ballast.bulletins.rounds import round_bulletin_content
from ballast.bulletins.services import bulletin_docx, round_bulletin_publish
from ballast.projects import services as projects
from tests.attraction_city import channels, signed

SCHEME = {
    "slug": "hundred-days",
    "name": "百日攻坚计分办法",
    "period": "round",
    "indicators": [
        {"key": "signed_count", "label": "新签约项目数", "weight": 50,
         "method": "target_share", "cap": "1.5"},
        {"key": "new_starts", "label": "新开工项目数", "weight": 50,
         "method": "target_share", "cap": "1.5"},
    ],
}  # fmt: skip


@pytest.fixture
def rounds(city, unit_a, unit_b, people, pinned_today):
    """Round 1 (Feb–Mar): A signs 2 of 2, starts 0 of 1 → 50; B signs 1 of 1, starts 1 of
    2 → 75. Round 2 (Apr–May): A signs 3 of 2 (1.5 × 50 = 75) and starts 1 of 1 (50) →
    125; B nothing → 0. So round 2: A first (↑1), B second (↓1)."""
    pinned_today(date(2026, 6, 30))
    scheme = scheme_import(user=people["city_admin"], city=city, data=SCHEME)
    c = Campaign.objects.create(city=city, name="百日攻坚", scheme=scheme)
    r1 = CampaignRound.objects.create(
        campaign=c, number=1, start=date(2026, 2, 1), end=date(2026, 3, 31)
    )
    r2 = CampaignRound.objects.create(
        campaign=c, number=2, start=date(2026, 4, 1), end=date(2026, 5, 31)
    )
    for r in (r1, r2):
        RoundTarget.objects.create(round=r, unit=unit_a, signed_count=2, new_starts=1)
        RoundTarget.objects.create(round=r, unit=unit_b, signed_count=1, new_starts=2)
    ch = channels(city)["chain"]
    a, b, admin = people["clerk_a"], people["clerk_b"], people["city_admin"]
    signed(a, unit_a, ch, date(2026, 2, 10), 50000, "甲一")
    signed(a, unit_a, ch, date(2026, 3, 10), 50000, "甲二")
    pb = signed(b, unit_b, ch, date(2026, 2, 20), 50000, "乙一")
    projects.stage_record(user=admin, project=pb, stage="started", on=date(2026, 3, 15))
    pa = [signed(a, unit_a, ch, date(2026, 4, 5 + i), 20000, f"甲{i + 3}") for i in range(3)]
    projects.stage_record(user=a, project=pa[0], stage="started", on=date(2026, 5, 1))
    return r1, r2


def test_content_ranks_and_targets(rounds, unit_a, unit_b):
    _r1, r2 = rounds
    content = round_bulletin_content(rnd=r2, as_of=date(2026, 6, 1))
    a, b = unit_a.display_name, unit_b.display_name
    assert content["kind"] == "round" and content["title"] == "关于百日攻坚第2轮考核情况的通报"
    assert content["tables"]["round_ranking"]["rows"] == [
        [1, a, "125.00", "↑1"],
        [2, b, "0.00", "↓1"],
    ]
    # 完成/目标 per indicator of the scheme: A signed 3 of 2, started 1 of 1; B 0 of 1, 0 of 2.
    assert content["tables"]["round_targets"]["rows"] == [[a, "3/2", "1/1"], [b, "0/1", "0/2"]]
    text = " ".join(
        block["text"]
        for section in content["sections"]
        for block in section["blocks"]
        if block["type"] == "paragraph"
    )
    assert f"较上一轮进位的有{a}" in text and f"退位的有{b}" in text
    assert f"{b}仍有指标未完成本轮目标" in text and f"{a}仍有" not in text
    # the round's totals: 3 signed, 1 started (only the round's dates count)
    assert content["totals"] == {"signed_count": "3", "new_starts": "1"}


def test_published_once_frozen_and_in_the_official_layout(rounds, people, unit_a, unit_b):
    r1, r2 = rounds
    admin = people["city_admin"]
    with pytest.raises(ValidationError, match="结束后"):
        round_bulletin_publish(user=admin, rnd=r2, as_of=date(2026, 5, 30))
    with pytest.raises(PermissionDenied):
        round_bulletin_publish(user=people["clerk_a"], rnd=r2, as_of=date(2026, 6, 1))
    bulletin = round_bulletin_publish(user=admin, rnd=r2, as_of=date(2026, 6, 1))
    assert (bulletin.kind, bulletin.number, bulletin.period) == ("round", 1, "2026")
    assert bulletin.campaign_round == r2
    # a late signing in round 2's dates changes the live ranking, not the bulletin
    chain = r2.campaign.city.channels.get(code="chain")
    signed(people["clerk_b"], unit_b, chain, date(2026, 5, 20), 30000, "乙二")
    bulletin.refresh_from_db()
    assert bulletin.content["tables"]["round_ranking"]["rows"][1][2] == "0.00"
    assert (
        round_bulletin_content(rnd=r2, as_of=date(2026, 6, 1))["tables"]["round_ranking"]["rows"][
            1
        ][2]
        != "0.00"
    )
    with pytest.raises(ValidationError, match="已经发布"):
        round_bulletin_publish(user=admin, rnd=r2, as_of=date(2026, 6, 2))
    # round bulletins are numbered apart from the quarterly ones
    assert round_bulletin_publish(user=admin, rnd=r1, as_of=date(2026, 6, 1)).number == 2
    document = Document(io.BytesIO(bulletin_docx(bulletin)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "扬州市百日攻坚工作通报"
    assert "2026年第1期" in texts
    assert "关于百日攻坚第2轮考核情况的通报" in texts
    assert "一、总体情况" in texts and "二、排名情况" in texts
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    ranking = document.tables[0]
    assert [c.text for c in ranking.rows[1].cells] == ["1", unit_a.display_name, "125.00", "↑1"]


def test_the_round_page_publishes_and_downloads_under_the_policy(rounds, people, client):
    _r1, r2 = rounds
    page = reverse("attraction:round", args=[r2.pk])
    publish = reverse("bulletins:round_publish", args=[r2.pk])
    client.force_login(people["city_reviewer"])
    assert "publish-round-bulletin" not in client.get(page).content.decode()
    assert client.post(publish).status_code == 403
    client.force_login(people["city_admin"])
    assert "publish-round-bulletin" in client.get(page).content.decode()
    response = client.post(publish)
    assert response.status_code == 302 and response["Location"] == page
    bulletin = Bulletin.objects.get(campaign_round=r2)
    html = client.get(page).content.decode()
    download = reverse("bulletins:download", args=[bulletin.pk, "docx"])
    assert download in html and "publish-round-bulletin" not in html
    client.force_login(people["city_reviewer"])
    response = client.get(download)
    assert response.status_code == 200
    assert Document(io.BytesIO(response.content)).paragraphs[0].text == "扬州市百日攻坚工作通报"
    # publishing again from the page says why, and changes nothing
    client.force_login(people["city_admin"])
    client.post(publish)
    assert Bulletin.objects.filter(campaign_round=r2).count() == 1


def test_the_api_publishes_a_round_bulletin(rounds, people, client):
    _r1, r2 = rounds
    url = reverse("api:bulletin-publish-round")
    client.force_login(people["clerk_a"])
    assert client.post(url, {"round": r2.pk}, content_type="application/json").status_code == 403
    client.force_login(people["city_admin"])
    response = client.post(
        url, {"round": r2.pk, "as_of": "2026-06-01"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "round" and body["campaign_round"] == r2.pk
    assert body["content"]["tables"]["round_ranking"]["rows"][0][2] == "125.00"
    again = client.post(url, {"round": r2.pk}, content_type="application/json")
    assert again.status_code == 400
    listed = client.get(reverse("api:bulletin-list"), {"campaign_round": r2.pk}).json()
    assert [b["id"] for b in listed["results"]] == [body["id"]]
    assert Decimal(body["content"]["totals"]["signed_count"]) == 3
