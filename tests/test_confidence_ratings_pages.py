"""交付信心 on the web: the unit officer rates a project of the unit by month, the project
page shows the current rating and its history (every change, with who), a clerk of another
unit gets 404, amber or red needs a narrative; the city's list by current rating with its
filters and export. And the leaders list in pages with its filters."""

import pytest
from django.urls import reverse

from ballast.projects.models import ConfidenceAssessment


@pytest.fixture
def project(make_project, pinned_today, d):
    pinned_today(d(2023, 6, 15))
    return make_project(name="光储一期")


def rate(client, project, **data):
    url = reverse("projects:confidence_rate", args=[project.pk])
    return client.post(url + f"?month={data.get('month', '2023-06')}", data)


@pytest.mark.django_db
def test_the_unit_officer_rates_and_the_history_keeps_every_change(client, people, project):
    client.force_login(people["clerk_a"])
    form = client.get(reverse("projects:confidence_rate", args=[project.pk]))
    assert form.status_code == 200
    # amber without a narrative: refused in Chinese, nothing written
    refused = rate(client, project, month="2023-06", rating="amber", narrative=" ", version=0)
    assert "须写明说明" in refused.content.decode()
    assert not ConfidenceAssessment.objects.exists()
    done = rate(client, project, month="2023-06", rating="amber", narrative="设备到货延迟",
                version=0)  # fmt: skip
    assert done.status_code == 302
    rating = ConfidenceAssessment.objects.get()
    assert (rating.month.isoformat(), rating.rating, rating.version) == ("2023-06-01", "amber", 1)
    # re-rated green at the version seen; a form opened before is refused as stale
    rate(client, project, month="2023-06", rating="green", narrative="已到货", version=1)
    stale = rate(client, project, month="2023-06", rating="red", narrative="x", version=1)
    assert stale.status_code == 200
    rating.refresh_from_db()
    assert (rating.rating, rating.version) == ("green", 2)
    history = list(rating.history.order_by("history_id"))
    assert [(h.rating, h.narrative) for h in history] == [
        ("amber", "设备到货延迟"),
        ("green", "已到货"),
    ]
    assert {h.history_user for h in history} == {people["clerk_a"]}

    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert 'class="tag rating-green"' in page and "已到货" in page
    # the change log lists both ratings of June, who made them and what changed
    rows = [r for r in client.get(reverse("projects:project_detail", args=[project.pk]))
            .context["history"] if str(r.kind) == "交付信心"]  # fmt: skip
    assert len(rows) == 2 and {r.user for r in rows} == {people["clerk_a"]}
    assert "设备到货延迟" in page


@pytest.mark.django_db
def test_a_clerk_of_another_unit_gets_404_and_a_reviewer_may_not_rate(client, people, project):
    url = reverse("projects:confidence_rate", args=[project.pk])
    client.force_login(people["clerk_b"])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"month": "2023-06", "rating": "red", "narrative": "x"}).status_code == 404
    )
    client.force_login(people["reviewer_a"])
    assert client.get(url).status_code == 404
    assert not ConfidenceAssessment.objects.exists()
    # the city may rate every unit's project
    client.force_login(people["city_admin"])
    assert rate(client, project, month="2023-05", rating="red", narrative="资金未到位",
                version=0).status_code == 302  # fmt: skip


@pytest.mark.django_db
def test_the_city_list_by_current_rating_filters_and_exports(
    client, people, project, make_project, unit_b
):
    other = make_project(unit=unit_b, name="港口二期")
    make_project(name="未评项目")
    client.force_login(people["city_admin"])
    rate(client, project, month="2023-05", rating="red", narrative="资金未到位", version=0)
    rate(client, project, month="2023-06", rating="green", narrative="", version=0)
    rate(client, other, month="2023-06", rating="amber", narrative="征地", version=0)
    url = reverse("projects:confidence")

    def names(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [p.name for p in response.context["table"].data.data]

    assert set(names()) == {"光储一期", "港口二期", "未评项目"}
    assert names(rating="green") == ["光储一期"]
    assert names(rating="amber") == ["港口二期"]
    assert names(rating="none") == ["未评项目"]
    # as of May, the project's current rating was red; the other was not yet rated
    assert names(rating="red", month="2023-05") == ["光储一期"]
    assert set(names(rating="none", month="2023-05")) == {"港口二期", "未评项目"}
    assert names(unit=unit_b.pk) == ["港口二期"]
    counts = client.get(url).context["counts"]
    assert counts == {"green": 1, "amber": 1, "red": 0, "none": 1}
    text = client.get(url, {"export": "csv", "rating": "amber"}).content.decode("utf-8-sig")
    assert "项目名称,所属板块,交付信心,评级月份,说明" in text
    assert (
        "港口二期,高邮市,黄,2023-06,征地" in text
        or "港口二期" in text
        and ",黄,2023-06,征地" in text
    )
    # the enterprise contact has no such page; the unit clerk sees their unit's projects
    client.force_login(people["enterprise"])
    assert client.get(url).status_code == 403
    client.force_login(people["clerk_a"])
    assert set(names()) == {"光储一期", "未评项目"}


@pytest.mark.django_db
def test_the_leaders_list_pages_and_filters(client, people, make_project, unit_b, monkeypatch):
    mine = make_project(name="甲")
    mine.leaders.add(people["leader_a"])
    theirs = make_project(unit=unit_b, name="乙")
    theirs.leaders.add(people["city_leader"])
    mine.leaders.add(people["city_leader"])
    client.force_login(people["city_admin"])
    url = reverse("dashboards:leaders")

    def leaders(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [u.username for u in response.context["table"].data.data]

    # the most linked projects first
    assert leaders() == ["city_leader", "leader_a"]
    assert leaders(q="leader_a") == ["leader_a"]
    assert leaders(unit=unit_b.pk) == ["city_leader"]
    monkeypatch.setattr("ballast.web.views.generic.PAGE_SIZE", 1)
    first = client.get(url)
    assert first.context["page"].paginator.num_pages == 2
    assert [u.username for u in first.context["table"].data.data] == ["city_leader"]
    assert leaders(page=2) == ["leader_a"]
    text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert text.splitlines()[0] == "领导,所在,挂钩项目数"
