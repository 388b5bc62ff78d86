"""Signing converts a lead into a project through one service (issue 15, item 2): the
签约 stage event is dated, the fields carried over, the lead linked, the project's
history starts with the lead's, and the new-signed figures count it exactly once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ballast.attraction import services
from ballast.attraction.choices import LeadStage
from ballast.figures.selectors import flatten, unit_figures
from ballast.projects.history import project_history
from ballast.projects.models import StageEvent
from tests.attraction_city import channels, lead


@pytest.fixture
def signed(people, unit_a, city, cluster, pinned_today):
    pinned_today(date(2026, 6, 30))
    clerk = people["clerk_a"]
    ch = channels(city)
    x = lead(
        clerk,
        unit_a,
        ch["fund"],
        cluster=cluster,
        amount_usd=Decimal("3000"),
        responsible_person="王招商",
    )
    services.contact_add(
        user=clerk,
        lead=x,
        data={
            "date": date(2026, 2, 3),
            "ours": "仪征招商局 李",
            "theirs": "董事长 张",
            "content": "初访",
        },
    )
    services.lead_advance(user=clerk, lead=x, stage=LeadStage.NEGOTIATING, on=date(2026, 3, 1))
    project = services.lead_sign(user=clerk, lead=x, on=date(2026, 5, 20), category="industrial")
    x.refresh_from_db()
    return x, project


def test_the_project_carries_the_lead(signed, unit_a, cluster):
    x, project = signed
    assert x.project_id == project.pk and x.stage == LeadStage.SIGNED
    assert x.signed_on == date(2026, 5, 20)
    assert project.name == "年产10GW光伏组件项目"
    assert project.investor == "扬州新能源有限公司"
    assert project.unit == unit_a and project.cluster == cluster
    assert project.total_investment == Decimal("120000")
    assert project.foreign_investment == Decimal("3000") and project.origin == "foreign"
    assert project.responsible_officer == "王招商"
    events = dict(StageEvent.objects.filter(project=project).values_list("stage", "date"))
    # 在谈 from the first contact (2-3), 签约 on the signing day
    assert events == {"negotiating": date(2026, 2, 3), "signed": date(2026, 5, 20)}


def test_the_projects_history_starts_with_the_leads(signed):
    x, project = signed
    rows = project_history(project=project)
    oldest = rows[-1]
    assert str(oldest.kind) == "招商线索" and oldest.action == "新增"
    kinds = {str(r.kind) for r in rows}
    assert {"招商线索", "对接记录", "项目", "阶段节点"} <= kinds


def test_new_signed_and_the_cohort_count_it_once(signed, unit_a, people):
    x, project = signed
    figures = flatten(unit_figures(unit=unit_a, year=2026, as_of=date(2026, 6, 30)))
    assert figures["new.signed.count"] == 1
    assert figures["signed_cohort.count"] == 1
    with pytest.raises(ValidationError):
        services.lead_sign(user=people["clerk_a"], lead=x, on=date(2026, 6, 1))
    figures = flatten(unit_figures(unit=unit_a, year=2026, as_of=date(2026, 6, 30)))
    assert figures["new.signed.count"] == 1


def test_signing_before_the_first_contact_is_refused(people, unit_a, city, pinned_today):
    pinned_today(date(2026, 6, 30))
    clerk = people["clerk_a"]
    x = lead(clerk, unit_a, channels(city)["chain"])
    services.contact_add(
        user=clerk,
        lead=x,
        data={"date": date(2026, 3, 1), "ours": "甲", "theirs": "乙", "content": "谈"},
    )
    with pytest.raises(ValidationError) as caught:
        services.lead_sign(user=clerk, lead=x, on=date(2026, 2, 1))
    assert "签约日期不能早于接洽日期" in str(caught.value)
    x.refresh_from_db()
    assert x.project_id is None and x.stage == LeadStage.CONTACT
