"""The main menu lists every page the person may open, and only those: each link of the
menu answers 200 for that person, and each page of the menu's list that answers 200 is in
their menu (rankings, visits, tours, leaders, warnings, bulletins and imports included)."""

import re

import pytest
from django.urls import reverse

PAGES = (
    "projects:project_list",
    "projects:nodes",
    "reports:report_month",
    "reports:review_unit",
    "reports:review_city",
    "dashboards:cockpit",
    "alerts:warnings",
    "alerts:integrity",
    "alerts:overruns",
    "alerts:check_draws",
    "imports:bureau",
    "coordination:issues",
    "assessments:rankings",
    "assessments:mujun",
    "coordination:visits",
    "coordination:tours",
    "dashboards:leaders",
    "dashboards:targets",
    "projects:confidence",
    "dashboards:map",
    "imports:upload",
    "bulletins:list",
)
MENU = re.compile(r'<nav class="mainnav">(.*?)</nav>', re.S)


def _menu_links(client) -> list[str]:
    html = client.get(reverse("web:home"), follow=True).content.decode()
    return re.findall(r'href="([^"]+)"', MENU.search(html).group(1))


@pytest.fixture
def linked(make_project, people):
    project = make_project()
    project.leaders.add(people["leader_a"])
    return project


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        "city_admin",
        "city_reviewer",
        "city_leader",
        "auditor",
        "system_admin",
        "security_admin",
        "department",
        "clerk_a",
        "reviewer_a",
        "leader_a",
        "enterprise",
    ],
)
def test_menu_is_what_the_person_may_open(client, people, linked, who):
    client.force_login(people[who])
    links = _menu_links(client)
    assert links, "the menu is never empty"
    for url in links:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{who}: menu link {url} answers {response.status_code}"
    for name in PAGES:
        url = reverse(name)
        opens = client.get(url, follow=True).status_code == 200
        assert (url in links) == opens, f"{who}: {url} opens={opens}, in menu={url in links}"


@pytest.mark.django_db
def test_clerk_menu_has_the_pages_of_the_unit_and_no_city_review(client, people, linked):
    client.force_login(people["clerk_a"])
    links = _menu_links(client)
    for name in ("assessments:rankings", "coordination:visits", "coordination:tours",
                 "dashboards:leaders", "alerts:warnings", "bulletins:list",
                 "imports:upload", "alerts:integrity"):  # fmt: skip
        assert reverse(name) in links
    assert reverse("reports:review_city") not in links
    assert reverse("admin:index") not in links


@pytest.mark.django_db
def test_linked_leader_finds_their_portfolio_and_enterprise_no_figures(client, people, linked):
    client.force_login(people["leader_a"])
    assert reverse("dashboards:leader", args=[people["leader_a"].pk]) in _menu_links(client)
    client.force_login(people["enterprise"])
    links = _menu_links(client)
    assert reverse("projects:project_list") in links
    for name in ("assessments:rankings", "alerts:warnings", "dashboards:leaders",
                 "coordination:visits", "imports:upload", "alerts:integrity"):  # fmt: skip
        assert reverse(name) not in links


@pytest.mark.django_db
def test_menu_speaks_english(client, people, linked):
    client.force_login(people["leader_a"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("web:home"), follow=True).content.decode()
    menu = MENU.search(html).group(1)
    labels = re.findall(r">([^<]+)</a>", menu)
    for label in (
        "Rankings",
        "Visits",
        "Tours",
        "Linked leaders",
        "Bulletins",
        "My linked projects",
    ):
        assert label in labels
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(labels)), labels
