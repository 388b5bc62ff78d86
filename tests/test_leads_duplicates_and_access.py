"""Leads (issue 15, item 1): a unit sees its leads, the city all; contacts move a lead to
接洽; stages go forward only; termination needs a reason; the same investor and project
raised by two units is found and resolved by the city, keeping both histories; a
confidential investor is hidden from the units that do not own the lead."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.attraction import services
from ballast.attraction.choices import LeadStage
from ballast.attraction.models import Lead
from ballast.attraction.selectors import duplicate_groups, duplicates_for
from tests.attraction_city import channels, lead


@pytest.fixture
def ch(city):
    return channels(city)


def test_a_unit_sees_its_leads_and_the_city_all(people, unit_a, unit_b, ch):
    a = lead(people["clerk_a"], unit_a, ch["chain"])
    b = lead(people["clerk_b"], unit_b, ch["chain"], project_name="另一个项目")
    assert list(Lead.objects.restrict(people["clerk_a"])) == [a]
    assert list(Lead.objects.restrict(people["clerk_b"])) == [b]
    assert set(Lead.objects.restrict(people["city_admin"])) == {a, b}
    assert not Lead.objects.restrict(people["enterprise"]).exists()
    with pytest.raises(PermissionDenied):
        services.contact_add(
            user=people["clerk_b"],
            lead=a,
            data={"date": date(2026, 2, 1), "ours": "甲", "theirs": "乙", "content": "越权"},
        )
    with pytest.raises(PermissionDenied):
        lead(people["clerk_b"], unit_a, ch["chain"])


def test_contacts_and_stages(people, unit_a, ch, pinned_today):
    pinned_today(date(2026, 6, 30))
    clerk = people["clerk_a"]
    x = lead(clerk, unit_a, ch["chain"])
    assert x.stage == LeadStage.INFO
    services.contact_add(
        user=clerk,
        lead=x,
        data={"date": date(2026, 1, 20), "ours": "李", "theirs": "张总", "content": "首次拜访",
              "next_step": "赴企业考察", "next_on": date(2026, 2, 10)},
    )  # fmt: skip
    x.refresh_from_db()
    assert (x.stage, x.contacted_on) == (LeadStage.CONTACT, date(2026, 1, 20))
    with pytest.raises(ValidationError):
        services.lead_advance(user=clerk, lead=x, stage=LeadStage.CONTACT, on=date(2026, 2, 1))
    with pytest.raises(ValidationError):  # in the future
        services.lead_advance(user=clerk, lead=x, stage=LeadStage.NEGOTIATING, on=date(2026, 7, 1))
    services.lead_advance(user=clerk, lead=x, stage=LeadStage.NEGOTIATING, on=date(2026, 3, 1))
    with pytest.raises(ValidationError) as caught:
        services.lead_terminate(user=clerk, lead=x, on=date(2026, 4, 1), reason="other")
    assert "须填写说明" in str(caught.value)
    services.lead_terminate(user=clerk, lead=x, on=date(2026, 4, 1), reason="elsewhere")
    x.refresh_from_db()
    assert (x.stage, x.termination_reason) == (LeadStage.TERMINATED, "elsewhere")
    with pytest.raises(ValidationError):  # a closed lead takes no more contacts
        services.contact_add(
            user=clerk,
            lead=x,
            data={"date": date(2026, 5, 1), "ours": "李", "theirs": "张", "content": "再访"},
        )


def test_duplicates_are_found_and_resolved_by_the_city(people, unit_a, unit_b, ch, city):
    a = lead(people["clerk_a"], unit_a, ch["chain"], info_on=date(2026, 1, 5))
    # the same investor and project typed with other brackets and spaces, by unit B
    b = lead(
        people["clerk_b"], unit_b, ch["fund"],
        investor="扬州 新能源有限公司", project_name="年产10GW 光伏组件项目",
        info_on=date(2026, 2, 1),
    )  # fmt: skip
    lead(people["clerk_b"], unit_b, ch["fund"], project_name="储能电池项目")  # another project
    lead(people["clerk_a"], unit_a, ch["fund"], project_name="储能电池项目", investor="别的公司")
    services.contact_add(
        user=people["clerk_b"], lead=b,
        data={"date": date(2026, 2, 2), "ours": "高邮招商局", "theirs": "张总", "content": "洽谈"},
    )  # fmt: skip
    groups = duplicate_groups(city=city)
    assert [[x.pk for x in g["leads"]] for g in groups] == [[a.pk, b.pk]]
    with pytest.raises(PermissionDenied):
        services.duplicates_resolve(user=people["clerk_a"], keep=a, others=[b], note="保留仪征")
    services.duplicates_resolve(user=people["city_admin"], keep=a, others=[b], note="仪征先登记")
    b.refresh_from_db()
    assert b.duplicate_of_id == a.pk
    assert b.contacts.count() == 1  # B's history stays with B
    assert b.history.filter(history_reason_text__contains="仪征先登记").exists()
    assert duplicate_groups(city=city) == []


def test_a_confidential_investor_is_hidden_from_other_units(people, unit_a, unit_b, ch, city):
    a = lead(people["clerk_a"], unit_a, ch["chain"])
    lead(people["clerk_b"], unit_b, ch["chain"])
    with pytest.raises(PermissionDenied):
        services.lead_mark_confidential(user=people["clerk_a"], lead=a, confidential=True)
    services.lead_mark_confidential(user=people["city_admin"], lead=a, confidential=True)
    seen_by_b = {
        x.unit_id: x.shown_investor
        for x in duplicates_for(user=people["clerk_b"], city=city)[0]["leads"]
    }
    seen_by_a = {
        x.unit_id: x.shown_investor
        for x in duplicates_for(user=people["clerk_a"], city=city)[0]["leads"]
    }
    seen_by_city = {
        x.unit_id: x.shown_investor
        for x in duplicates_for(user=people["city_admin"], city=city)[0]["leads"]
    }
    assert seen_by_b == {unit_a.pk: None, unit_b.pk: "扬州新能源有限公司"}
    assert seen_by_a[unit_a.pk] == "扬州新能源有限公司"
    assert seen_by_city[unit_a.pk] == "扬州新能源有限公司"
