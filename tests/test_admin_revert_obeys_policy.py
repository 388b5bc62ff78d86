"""The admin's history "revert" is a change like any other (issue 10, hole 1): it passes the
policy inside its transaction and is recorded with the acting user; where a model's writes
belong to a service (reports, stage events, issues) it is not offered at all."""

from decimal import Decimal

import pytest

from ballast.assessments.models import Indicator
from ballast.assessments.services import ensure_default_schemes
from ballast.projects import services as project_services
from ballast.projects.models import Node, StageEvent
from ballast.reports import services as report_services
from ballast.reports.models import MonthlyReport
from tests.formdata import form_data


@pytest.fixture
def indicator(city):
    scheme = ensure_default_schemes(city)[0]
    return scheme.indicators.order_by("order").first()


@pytest.fixture
def node(people, make_project, d):
    project = make_project(name="仪征节点项目")
    return project_services.node_save(
        user=people["clerk_a"],
        project=project,
        data={"kind": "filing", "deadline": d(2023, 3, 1), "person": "张三"},
    )


def _revert(client, obj, **changes):
    """GET the history form of the object's latest version and post it back, changed."""
    opts = obj._meta
    version = obj.history.latest("history_date")
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/{version.history_id}/"
    page = client.get(url)
    if page.status_code != 200:
        return page
    data = form_data(page.content.decode())
    data.update({key: [str(value)] for key, value in changes.items()})
    return client.post(url, data)


@pytest.mark.parametrize(
    "person",
    ["reviewer_a", "clerk_a", "leader_a", "city_leader", "city_reviewer", "department"],
)
def test_no_one_below_the_configuration_rights_reverts_an_indicator(
    client, people, indicator, person
):
    before = indicator.weight
    client.force_login(people[person])
    response = _revert(client, indicator, weight=77)
    assert response.status_code in (403, 404)
    indicator.refresh_from_db()
    assert indicator.weight == before


def test_the_reviewer_reverts_no_node_of_their_own_unit(client, people, node):
    client.force_login(people["reviewer_a"])
    assert _revert(client, node, person="李四").status_code == 403
    node.refresh_from_db()
    assert node.person == "张三"


def test_the_view_only_history_form_offers_no_revert(client, people, node):
    client.force_login(people["reviewer_a"])
    version = node.history.latest("history_date")
    page = client.get(f"/admin/projects/node/{node.pk}/history/{version.history_id}/")
    assert page.status_code == 200
    assert "恢复" not in page.content.decode() and "Revert" not in page.content.decode()


def test_the_clerk_reverts_their_own_node_and_the_history_says_who(client, people, node):
    client.force_login(people["clerk_a"])
    response = _revert(client, node, person="李四")
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.person == "李四"
    latest = node.history.latest("history_date")
    assert latest.history_user == people["clerk_a"]
    assert latest.history_source == "admin"
    assert latest.history_type == "~"


def test_the_clerk_of_another_unit_cannot_even_open_the_version(client, people, node):
    client.force_login(people["clerk_b"])
    assert _revert(client, node, person="李四").status_code in (403, 404)
    node.refresh_from_db()
    assert node.person == "张三"


def test_the_city_administrator_reverts_an_indicator_recorded_as_themselves(
    client, people, indicator
):
    client.force_login(people["city_admin"])
    response = _revert(client, indicator, weight=77)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.weight == Decimal(77)
    latest = indicator.history.latest("history_date")
    assert (latest.history_user, latest.history_source) == (people["city_admin"], "admin")


def test_reports_and_stage_events_are_never_reverted_in_the_admin(client, people, make_project, d):
    project = make_project(name="仪征报表项目", stages={"started": d(2023, 1, 5)})
    report = report_services.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 2, 1),
        data={"investment": Decimal("100.00")},
    )
    event = StageEvent.objects.get(project=project, stage="started")
    client.force_login(people["clerk_a"])
    assert _revert(client, report, investment="999999").status_code == 403
    assert MonthlyReport.objects.get(pk=report.pk).investment == Decimal("100.00")
    assert _revert(client, event, date="2023-01-01").status_code == 403
    assert StageEvent.objects.get(pk=event.pk).date == d(2023, 1, 5)


def test_a_save_that_moves_a_row_out_of_scope_is_rolled_back(
    client, people, node, make_project, unit_b
):
    """NetBox's rule: after the write, the object must still be one the user may change."""
    foreign = make_project(unit_b, name="高邮项目")
    client.force_login(people["clerk_a"])
    page = client.get(f"/admin/projects/node/{node.pk}/change/")
    data = form_data(page.content.decode())
    # the project choices are the clerk's own; force a foreign one into the post
    data["project"] = [str(foreign.pk)]
    data["person"] = ["王五"]
    response = client.post(f"/admin/projects/node/{node.pk}/change/", data)
    assert response.status_code in (200, 403)
    node.refresh_from_db()
    assert (node.project_id, node.person) != (foreign.pk, "王五")
    assert Node.objects.filter(project=foreign).count() == 0


def test_indicator_ids_are_of_the_city(indicator, city):
    assert Indicator.objects.filter(scheme__city=city).exists()
