"""Coordination issues through the API: a clerk raises an issue for a department, the
department officer acknowledges, works on it, adds a roadmap step and resolves it, the
raiser confirms (销号) or reopens — the same services and the same policy as the board."""

import pytest

from ballast.coordination.choices import IssueStatus
from ballast.coordination.models import Issue
from tests.api_helpers import token_client


@pytest.fixture
def project(make_project):
    return make_project(name="仪征港口项目")


def _at(client, url) -> dict:
    """The issue's ETag as If-Match: every change of an issue through the API needs it."""
    return {"HTTP_IF_MATCH": client.get(url)["ETag"]}


def _raise(client, project, department, **extra):
    body = {
        "project": project.pk,
        "category": "land",
        "description": "用地指标未落实",
        "department": department.pk,
        "raised_on": "2023-04-03",
        "deadline": "2023-05-31",
        **extra,
    }
    return client.post("/api/v1/issues/", body, format="json")


def test_an_issue_goes_from_raised_to_closed_through_the_api(
    people, project, department, pinned_today, d
):
    pinned_today(d(2023, 4, 3))
    clerk = token_client(people["clerk_a"])
    officer = token_client(people["department"])
    raised = _raise(
        clerk,
        project,
        department,
        steps=[{"planned_on": "2023-04-20", "description": "报省厅"}],
    )
    assert raised.status_code == 201, raised.content
    issue = raised.json()
    assert issue["status"] == "open" and issue["raised_by"] == people["clerk_a"].pk
    assert [s["description"] for s in issue["steps"]] == ["报省厅"]
    url = f"/api/v1/issues/{issue['id']}/"
    assert raised["Location"].endswith(url)

    # The department's inbox lists it; another unit's clerk does not see it at all.
    inbox = officer.get("/api/v1/issues/", {"state": "open"}).json()
    assert [i["id"] for i in inbox["results"]] == [issue["id"]]
    assert token_client(people["clerk_b"]).get(url).status_code == 404

    assert officer.post(url + "acknowledge/", **_at(officer, url)).json()["status"] == "accepted"
    # Taken twice: the service says the status is wrong (400), nothing changes.
    again = officer.post(url + "acknowledge/", **_at(officer, url))
    assert again.status_code == 400 and "status" in again.json()["errors"]
    assert officer.post(url + "start/", **_at(officer, url)).json()["status"] == "in_progress"
    step = officer.post(
        url + "steps/",
        {"planned_on": "2023-04-25", "description": "现场踏勘"},
        format="json",
        **_at(officer, url),
    )
    assert step.status_code == 201
    assert [s["description"] for s in step.json()["steps"]] == ["报省厅", "现场踏勘"]
    no_result = officer.post(url + "resolve/", {}, format="json", **_at(officer, url))
    assert no_result.status_code == 400 and "resolution" in no_result.json()["errors"]
    resolved = officer.post(
        url + "resolve/", {"resolution": "指标已下达"}, format="json", **_at(officer, url)
    )
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_on"] == "2023-04-03"

    # The department may not confirm its own answer; the raiser does.
    assert officer.post(url + "close/", **_at(officer, url)).status_code == 403
    closed = clerk.post(url + "close/", {}, format="json", **_at(clerk, url))
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["closed_on"] == "2023-04-03"
    reopened = clerk.post(
        url + "reopen/", {"reason": "指标被收回"}, format="json", **_at(clerk, url)
    )
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["reopen_count"] == 1
    assert Issue.objects.get(pk=issue["id"]).reopen_reason == "指标被收回"


def test_only_the_raiser_side_confirms_or_reopens(people, project, department):
    clerk = token_client(people["clerk_a"])
    issue = _raise(clerk, project, department).json()
    url = f"/api/v1/issues/{issue['id']}/"
    # The unit reviewer may confirm issues of the unit, but did not raise this one.
    reviewer = token_client(people["reviewer_a"])
    refused = reviewer.post(
        url + "reopen/", {"reason": "再议"}, format="json", **_at(reviewer, url)
    )
    assert refused.status_code == 403
    # The city administrator confirms any issue of the city (here: not yet resolved).
    admin = token_client(people["city_admin"])
    early = admin.post(url + "close/", {}, format="json", **_at(admin, url))
    assert early.status_code == 400
    assert Issue.objects.get(pk=issue["id"]).status == IssueStatus.OPEN


def test_the_board_filters_unit_department_state_and_as_of(
    people, project, department, make_project, unit_b, d, pinned_today
):
    pinned_today(d(2023, 6, 10))
    admin = token_client(people["city_admin"])
    late = _raise(token_client(people["clerk_a"]), project, department, raised_on="2023-04-01")
    other = make_project(unit=unit_b, name="高邮项目")
    _raise(admin, other, department, raised_on="2023-06-01", deadline="2023-12-31")

    def ids(**query):
        return [i["id"] for i in admin.get("/api/v1/issues/", query).json()["results"]]

    assert len(ids()) == 2
    assert ids(unit="321081") == [late.json()["id"]]
    assert ids(state="overdue") == [late.json()["id"]]  # deadline 2023-05-31 passed
    assert ids(as_of="2023-05-01") == [late.json()["id"]]
    assert ids(state="overdue", as_of="2023-05-01") == []
    assert len(ids(department=department.pk)) == 2
    bad = admin.get("/api/v1/issues/", {"state": "lost"})
    assert bad.status_code == 400 and "state" in bad.json()["errors"]


def test_who_may_raise_is_the_policy(people, project, department):
    # The city reviewer reads issues but raises none; another unit's clerk cannot raise
    # on a project they cannot see (400 on the field, not revealed).
    assert _raise(token_client(people["city_reviewer"]), project, department).status_code == 403
    outsider = _raise(token_client(people["clerk_b"]), project, department)
    assert outsider.status_code == 400 and "project" in outsider.json()["errors"]
    assert not Issue.objects.exists()


def test_a_retried_raise_with_its_key_creates_one_issue(people, project, department):
    clerk = token_client(people["clerk_a"])
    body = {"project": project.pk, "category": "land", "description": "用地指标未落实"}
    key = {"HTTP_IDEMPOTENCY_KEY": "321081-土地-1"}
    first = clerk.post("/api/v1/issues/", body, format="json", **key)
    assert first.status_code == 201, first.content.decode()
    again = clerk.post("/api/v1/issues/", body, format="json", **key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Issue.objects.count() == 1
