"""Templates ask the policy, not the role: ``{% can "action" %}`` shows an action only to
whom the policy allows it — the project list's 导出台账 (export the ledger to edit and
import again) is the city administrator's and the unit clerk's, not a reviewer's or
a leader's."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from ballast.accounts import policy

TEMPLATE = Template(
    '{% load web_tags %}{% can "export_ledger" as may %}{% if may %}EXPORT{% endif %}'
    '|{% if user|can:"project.add" %}ADD{% endif %}'
)


def _render(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return TEMPLATE.render(Context({"request": request, "user": user}))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    ["city_admin", "clerk_a", "reviewer_a", "city_reviewer", "city_leader", "enterprise"],
)
def test_the_tag_answers_as_the_policy(people, who):
    user = people[who]
    shown = _render(user)
    assert ("EXPORT" in shown) == policy.may_do(user, "export_ledger")
    assert ("ADD" in shown) == policy.may_do(user, "project.add")


@pytest.mark.django_db
def test_only_the_city_administrator_and_the_clerk_may_export_the_ledger(people):
    may = {who for who, user in people.items() if policy.may_do(user, "export_ledger")}
    assert may == {"city_admin", "clerk_a", "clerk_b"}


@pytest.mark.django_db
def test_the_project_list_offers_the_ledger_export_to_whom_the_policy_allows(
    client, people, make_project
):
    make_project()
    url = reverse("projects:project_list")
    export = reverse("imports:export_ledger")
    for who, shown in (("clerk_a", True), ("city_admin", True), ("reviewer_a", False)):
        client.force_login(people[who])
        html = client.get(url).content.decode()
        assert (export in html) == shown, who
