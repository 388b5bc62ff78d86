"""The city's warning thresholds in the admin: created on first view, changed by the city
administrator only, with history."""

from ballast.alerts.models import WarningRule


def test_city_admin_opens_and_changes_thresholds(client, people, city):
    client.force_login(people["city_admin"])
    listing = client.get("/admin/alerts/warningrule/")
    assert listing.status_code == 200
    assert "只开工不施工" in listing.content.decode()
    rule = WarningRule.objects.get(city=city, key="stalled")
    page = client.get(f"/admin/alerts/warningrule/{rule.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/alerts/warningrule/{rule.pk}/change/",
        {
            "enabled": "on",
            "yellow_threshold": "3",
            "red_threshold": "4",
            "description": "连续 3 个月为零黄色，4 个月红色。",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.yellow_threshold, rule.red_threshold) == (3, 4)
    latest = rule.history.first()
    assert latest.history_user == people["city_admin"]


def test_clerk_reads_but_cannot_change_thresholds(client, people, city):
    client.force_login(people["city_admin"])
    client.get("/admin/alerts/warningrule/")
    rule = WarningRule.objects.get(city=city, key="stalled")
    client.force_login(people["clerk_a"])
    assert client.get("/admin/alerts/warningrule/").status_code == 200
    client.post(
        f"/admin/alerts/warningrule/{rule.pk}/change/",
        {"enabled": "on", "yellow_threshold": "9", "red_threshold": "9", "description": ""},
    )
    rule.refresh_from_db()
    assert rule.yellow_threshold == 2
