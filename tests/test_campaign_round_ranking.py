"""A campaign round's ranking (issue 15, item 3) on a hand-built city: scores from the
targets and what was signed and started in each round, the rank, and 进位/退位 — computed
by the campaign's assessment scheme (攻坚轮次, held as data) through the scoring engine."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.assessments.services import scheme_import
from ballast.attraction import services
from ballast.attraction.models import Campaign, CampaignRound, RoundTarget
from ballast.attraction.selectors import round_ranking
from ballast.projects import services as projects
from tests.attraction_city import channels, lead


def _signed(user, unit, channel, on, amount, name):
    x = lead(
        user, unit, channel, project_name=name, amount=Decimal(amount), info_on=date(2026, 1, 2)
    )
    services.contact_add(
        user=user,
        lead=x,
        data={"date": date(2026, 1, 3), "ours": "甲", "theirs": "乙", "content": "谈"},
    )
    return services.lead_sign(user=user, lead=x, on=on)


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
def campaign(city, unit_a, unit_b, people):
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
    return r1, r2


def test_ranking_and_moves(campaign, people, unit_a, unit_b, city, pinned_today):
    pinned_today(date(2026, 6, 30))
    ch = channels(city)["chain"]
    a, b, admin = people["clerk_a"], people["clerk_b"], people["city_admin"]
    r1, r2 = campaign
    # Points = min(done / target, 1.5) × weight, summed.
    # Round 1: A signs 2 of 2 (1 × 50), starts 0 of 1 (0 × 50) → 50.00;
    #          B signs 1 of 1 (1 × 50), starts 1 of 2 (0.5 × 50) → 75.00. B first, A second.
    _signed(a, unit_a, ch, date(2026, 2, 10), 50000, "甲一")
    _signed(a, unit_a, ch, date(2026, 3, 10), 50000, "甲二")
    pb = _signed(b, unit_b, ch, date(2026, 2, 20), 50000, "乙一")
    projects.stage_record(user=admin, project=pb, stage="started", on=date(2026, 3, 15))
    first = round_ranking(r1)
    assert [(r["unit"], r["score"], r["rank"], r["moved"]) for r in first] == [
        (unit_b, Decimal("75.00"), 1, None),
        (unit_a, Decimal("50.00"), 2, None),
    ]
    # Round 2: A signs 3 of 2 (capped at 1.5 × 50 = 75) and starts 1 of 1 (50) → 125.00;
    #          B signs nothing, starts nothing → 0. A moves up one, B down one.
    pa = [_signed(a, unit_a, ch, date(2026, 4, 5 + i), 20000, f"甲{i + 3}") for i in range(3)]
    projects.stage_record(user=a, project=pa[0], stage="started", on=date(2026, 5, 1))
    second = round_ranking(r2)
    assert [(r["unit"], r["score"], r["rank"], r["moved"]) for r in second] == [
        (unit_a, Decimal("125.00"), 1, 1),
        (unit_b, Decimal("0.00"), 2, -1),
    ]
    done = {i["key"]: (i["actual"], i["target"]) for i in second[0]["indicators"]}
    assert done["signed_count"] == (3, 2) and done["new_starts"] == (1, 1)
    points = {i["key"]: i["points"] for i in second[0]["indicators"]}
    assert points == {"signed_count": Decimal("75.00"), "new_starts": Decimal("50.00")}


def test_a_campaign_without_a_scheme_is_scored_by_the_shipped_one(
    city, unit_a, unit_b, people, pinned_today
):
    """The shipped scheme (data/campaign_scheme.yaml): signed count 25, amount 25, 亿元以上
    15, 10亿元以上 10, 50亿元以上 5, foreign 5, new starts 15; cap 1.5; no target, no points."""
    pinned_today(date(2026, 6, 30))
    ch = channels(city)["chain"]
    c = Campaign.objects.create(city=city, name="招商擂台赛")
    rnd = CampaignRound.objects.create(
        campaign=c, number=1, start=date(2026, 2, 1), end=date(2026, 3, 31)
    )
    RoundTarget.objects.create(
        round=rnd, unit=unit_a, signed_count=1, signed_amount_wan=Decimal(40000), over_1yi=1
    )
    RoundTarget.objects.create(round=rnd, unit=unit_b, signed_count=2, new_starts=1)
    # A signs one of 2.5 亿元: count 1/1 → 25, amount 25000/40000 = 0.625 → 15.63 (half up
    # of 15.625), 亿元以上 1/1 → 15; the rest have no target → 55.63.
    # B signs nothing: 0 of 2 and 0 of 1 → 0.
    _signed(people["clerk_a"], unit_a, ch, date(2026, 2, 10), 25000, "甲一")
    rows = round_ranking(rnd)
    assert [(r["unit"], r["score"], r["rank"], r["moved"]) for r in rows] == [
        (unit_a, Decimal("55.63"), 1, None),
        (unit_b, Decimal("0.00"), 2, None),
    ]
