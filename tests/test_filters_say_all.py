"""The project filters' selects (unit, stage, cluster, level, size, leader, sort) offer
"全部" — "All" in English — as their empty choice, never Django's "---------"."""

import re

import pytest

SELECTS = ("unit", "stage", "cluster", "level", "size", "leader", "sort")


def _empty_choices(html: str, names=SELECTS) -> dict[str, str]:
    found = {}
    for name in names:
        match = re.search(
            rf'<select name="{name}"[^>]*>\s*<option value=""[^>]*>([^<]*)</option>', html
        )
        assert match, f"no select {name} with an empty choice"
        found[name] = match.group(1).strip()
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, names",
    [("/projects/", SELECTS), ("/imports/", SELECTS[:-1])],  # no sort on exports
)
def test_empty_choices_say_all_in_chinese_and_english(client, people, page, names):
    client.force_login(people["city_admin"])
    html = client.get(page).content.decode()
    assert "---------" not in html
    assert set(_empty_choices(html, names).values()) == {"全部"}
    client.post("/i18n/setlang/", {"language": "en", "next": page})
    html = client.get(page).content.decode()
    assert "---------" not in html
    assert set(_empty_choices(html, names).values()) == {"All"}
