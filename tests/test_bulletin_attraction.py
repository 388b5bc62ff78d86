"""招商引资情况 in the quarterly bulletin (issue 15): the funnel, the signed by channel and
cluster, the size classes and each unit against its new-signed targets — read from the
attraction figure selectors, on a small hand-built city with every row worked out here."""

from datetime import date
from decimal import Decimal

import pytest

from ballast.attraction import services
from ballast.bulletins.selectors import bulletin_content
from ballast.projects.models import UnitTarget
from tests.attraction_city import channels, lead, signed

CONTACT = {"date": date(2026, 1, 10), "ours": "甲", "theirs": "乙", "content": "洽谈"}


@pytest.fixture
def attraction_city(city, unit_a, unit_b, people, cluster, pinned_today):
    """Seven leads by 31 March 2026 (one signed later, on 10 April):

    ====  ====  ====  ===========  ==========  ================================
    lead  unit  via   cluster      万元         what happened
    ====  ====  ====  ===========  ==========  ================================
    L1    A     链    新能源        120000      contacted 1/3, signed 2/10
    L2    A     基金  —            8000        contacted 1/3, signed 3/5, 外资 500 万美元
    L3    B     链    —            600000      contacted 1/3, signed 3/20
    L4    B     链    —            120000      information only
    L5    A     基金  —            120000      contacted 1/10, terminated 2/1
    L6    A     基金  —            120000      contacted 1/10, 洽谈 2/15
    L7    B     基金  —            50000       contacted 1/3, signed 4/10 (after the quarter)
    ====  ====  ====  ===========  ==========  ================================
    """
    pinned_today(date(2026, 4, 15))
    ch = channels(city)
    a, b = people["clerk_a"], people["clerk_b"]
    signed(a, unit_a, ch["chain"], date(2026, 2, 10), 120000, "L1", cluster=cluster)
    signed(a, unit_a, ch["fund"], date(2026, 3, 5), 8000, "L2", amount_usd=Decimal(500))
    signed(b, unit_b, ch["chain"], date(2026, 3, 20), 600000, "L3")
    lead(b, unit_b, ch["chain"], project_name="L4")
    l5 = lead(a, unit_a, ch["fund"], project_name="L5")
    services.contact_add(user=a, lead=l5, data=CONTACT)
    services.lead_terminate(user=a, lead=l5, on=date(2026, 2, 1), reason="elsewhere")
    l6 = lead(a, unit_a, ch["fund"], project_name="L6")
    services.contact_add(user=a, lead=l6, data=CONTACT)
    services.lead_advance(user=a, lead=l6, stage="negotiating", on=date(2026, 2, 15))
    signed(b, unit_b, ch["fund"], date(2026, 4, 10), 50000, "L7")
    for unit, count, wan in ((unit_a, 4, 200000), (unit_b, 2, 500000)):
        UnitTarget.objects.create(
            unit=unit, period="2026Q1", indicator="signed_count", value=Decimal(count)
        )
        UnitTarget.objects.create(
            unit=unit, period="2026Q1", indicator="signed_investment", value=Decimal(wan)
        )
    return city


def test_the_attraction_section_of_a_quarter(attraction_city, unit_a, unit_b):
    content = bulletin_content(city=attraction_city, period="2026Q1")
    assert content["available"]["attraction"] is True
    headings = [s["heading"] for s in content["sections"]]
    assert headings[2] == "三、招商引资情况"
    tables = content["tables"]
    # Funnel by 31 March: all 7 raised; contacted: all but L4 → 6 (6/7 = 85.7%); 洽谈:
    # L1–L3 and L7 (a signed lead's 洽谈 is its first contact) and L6 → 5 (5/6 = 83.3%);
    # signed by then: L1–L3 → 3 (3/5 = 60.0%). L7's signing is after the quarter.
    assert tables["attraction_funnel"]["rows"] == [
        ["信息", 7, None],
        ["接洽", 6, "85.7"],
        ["洽谈", 5, "83.3"],
        ["签约", 3, "60.0"],
    ]
    # Signed by channel: 链 L1 + L3 = 72 亿元 (2), 基金 L2 = 0.8 亿元 (1); largest first.
    assert tables["attraction_by_channel"]["rows"] == [
        ["产业链招商", 2, "72.00"],
        ["基金招商", 1, "0.80"],
    ]
    assert tables["attraction_by_channel"]["total"] == ["合计", 3, "72.80"]
    # By cluster: no cluster L2 + L3 = 60.8 亿元, 新能源 L1 = 12 亿元.
    assert tables["attraction_by_cluster"]["rows"] == [
        ["未分产业集群", 2, "60.80"],
        ["新能源", 1, "12.00"],
    ]
    # Sizes: ≥1 亿 L1, L3; ≥10 亿 L1, L3; ≥50 亿 L3; foreign L2.
    assert tables["attraction_sizes"]["rows"] == [
        ["亿元以上", 2],
        ["10亿元以上", 2],
        ["50亿元以上", 1],
        ["外资项目", 1],
    ]
    # Per unit against the quarter's targets: A 2 of 4 (50.0%), 12.8 of 20 亿元 (64.0%);
    # B 1 of 2 (50.0%), 60 of 50 亿元 (120.0%).
    # The city's other units: no target, nothing signed.
    rows = {row[0]: row for row in tables["attraction_by_unit"]["rows"]}
    assert rows.pop(unit_a.display_name) == [
        unit_a.display_name, 4, 2, "50.0", "20.00", "12.80", "64.0"
    ]  # fmt: skip
    assert rows.pop(unit_b.display_name) == [
        unit_b.display_name, 2, 1, "50.0", "50.00", "60.00", "120.0"
    ]  # fmt: skip
    assert rows and all(row[1:] == [None, 0, None, None, "0.00", None] for row in rows.values())
    text = " ".join(
        block["text"] for block in content["sections"][2]["blocks"] if block["type"] == "paragraph"
    )
    # days from first contact to signing: 38, 61 and 76 → 58 on average
    assert "终止1条，在谈2条；签约项目从接洽到签约平均58天。" in text
    assert "合同外资500万美元" in text


def test_a_unit_bulletin_counts_only_its_leads(attraction_city, unit_b):
    content = bulletin_content(city=attraction_city, period="2026Q1", unit=unit_b)
    tables = content["tables"]
    # B: L3, L4, L7 raised; L3 and L7 contacted and 洽谈; L3 signed.
    assert [row[1] for row in tables["attraction_funnel"]["rows"]] == [3, 2, 2, 1]
    assert tables["attraction_by_unit"]["rows"] == [
        [unit_b.display_name, 2, 1, "50.0", "50.00", "60.00", "120.0"]
    ]


def test_no_leads_no_section(city, people):
    content = bulletin_content(city=city, period="2026Q1")
    assert content["available"]["attraction"] is False
    assert all("招商" not in s["heading"] for s in content["sections"])
