"""Leads through the API (issue 15): an officer records a lead, logs a contact, signs it
into a project — the same services as the pages — and another unit sees none of it; the
city resolves a duplicate and reads a round's ranking."""

from datetime import date

from ballast.attraction.models import Campaign, CampaignRound, Lead, RoundTarget
from ballast.projects.models import StageEvent
from tests.api_helpers import token_client
from tests.attraction_city import channels, lead


def test_an_officer_records_contacts_and_signs(people, unit_a, city, cluster):
    ch = channels(city)
    clerk = token_client(people["clerk_a"])
    made = clerk.post(
        "/api/v1/leads/",
        {
            "unit": unit_a.pk, "investor": "扬州某新材料有限公司", "project_name": "特种合金项目",
            "amount": "56000", "channel": ch["fund"].pk, "cluster": cluster.pk,
            "info_on": "2026-01-05",
        },
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    contact = clerk.post(
        "/api/v1/lead-contacts/",
        {"lead": pk, "date": "2026-02-01", "ours": "李", "theirs": "王总", "content": "考察"},
        format="json",
    )
    assert contact.status_code == 201, contact.content
    assert clerk.get(f"/api/v1/leads/{pk}/").json()["stage"] == "contact"
    outsider = token_client(people["clerk_b"])
    assert outsider.get(f"/api/v1/leads/{pk}/").status_code == 404
    assert outsider.post(f"/api/v1/leads/{pk}/sign/", {"on": "2026-04-01"}).status_code == 404
    signed = clerk.post(f"/api/v1/leads/{pk}/sign/", {"on": "2026-04-01"}, format="json")
    assert signed.status_code == 201, signed.content
    project = signed.json()["project"]
    assert StageEvent.objects.get(project_id=project, stage="signed").date == date(2026, 4, 1)
    again = clerk.post(f"/api/v1/leads/{pk}/sign/", {"on": "2026-04-02"}, format="json")
    assert again.status_code == 400
    assert StageEvent.objects.filter(stage="signed").count() == 1


def test_the_city_resolves_duplicates_and_reads_a_ranking(people, unit_a, unit_b, city):
    ch = channels(city)
    a = lead(people["clerk_a"], unit_a, ch["chain"])
    b = lead(people["clerk_b"], unit_b, ch["chain"])
    admin = token_client(people["city_admin"])
    listed = admin.get(f"/api/v1/leads/{a.pk}/duplicates/").json()
    assert [x["id"] for x in listed] == [b.pk]
    clerk = token_client(people["clerk_a"])
    assert clerk.get(f"/api/v1/leads/{a.pk}/duplicates/").status_code == 403
    done = admin.post(
        f"/api/v1/leads/{a.pk}/resolve-duplicates/",
        {"others": [b.pk], "note": "仪征先登记"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert Lead.objects.get(pk=b.pk).duplicate_of_id == a.pk

    campaign = Campaign.objects.create(city=city, name="百日攻坚")
    rnd = CampaignRound.objects.create(
        campaign=campaign, number=1, start=date(2026, 1, 1), end=date(2026, 3, 31)
    )
    RoundTarget.objects.create(round=rnd, unit=unit_a, signed_count=1)
    RoundTarget.objects.create(round=rnd, unit=unit_b, signed_count=1)
    ranking = clerk.get(f"/api/v1/campaign-rounds/{rnd.pk}/ranking/").json()
    # Nothing signed in the round: both score 0.00 and, by the assessment engine's rule
    # (the round is scored by its scheme), equal scores share the better rank.
    assert [(r["unit"], r["rank"], r["score"]) for r in ranking] == [
        (unit_a.code, 1, "0.00"),
        (unit_b.code, 1, "0.00"),
    ]
