"""ETag / If-Match: every object answer carries its version as the ETag; a change
without If-Match is 428, with a stale one 412 (saying who changed what) — so two clients
editing one project cannot lose each other's change."""

import pytest

from ballast.projects.models import Project
from tests.api_helpers import etag, token_client


@pytest.fixture
def project(make_project):
    return make_project(name="仪征光伏项目")


def test_the_etag_is_the_version(people, project):
    client = token_client(people["clerk_a"])
    response = client.get(f"/api/v1/projects/{project.pk}/")
    assert response.status_code == 200
    assert etag(response) == f'"{project.version}"' == '"1"'


def test_a_change_without_if_match_is_428_and_changes_nothing(people, project):
    client = token_client(people["clerk_a"])
    response = client.patch(f"/api/v1/projects/{project.pk}/", {"name": "改"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert "If-Match" in response.json()["detail"]
    assert Project.objects.get(pk=project.pk).name == "仪征光伏项目"


def test_two_clients_editing_one_project_cannot_lose_a_change(people, project):
    clerk = token_client(people["clerk_a"], "甲")
    admin = token_client(people["city_admin"], "乙")
    url = f"/api/v1/projects/{project.pk}/"
    seen_by_clerk = etag(clerk.get(url))
    seen_by_admin = etag(admin.get(url))
    first = admin.patch(url, {"investor": "扬州某集团"}, format="json", HTTP_IF_MATCH=seen_by_admin)
    assert first.status_code == 200 and etag(first) == '"2"'
    second = clerk.patch(
        url, {"investor": "另一家公司"}, format="json", HTTP_IF_MATCH=seen_by_clerk
    )
    assert second.status_code == 412
    problem = second.json()
    assert problem["current_version"] == 2 and etag(second) == '"2"'
    assert {c["field"]: (c["theirs"], c["yours"]) for c in problem["changes"]} == {
        "investor": ("扬州某集团", "另一家公司")
    }
    assert Project.objects.get(pk=project.pk).investor == "扬州某集团"
    # With the new ETag the clerk's change goes through, knowingly.
    third = clerk.patch(url, {"investor": "另一家公司"}, format="json", HTTP_IF_MATCH='"2"')
    assert third.status_code == 200 and third.json()["investor"] == "另一家公司"


def test_a_malformed_if_match_is_a_400_problem(people, project):
    client = token_client(people["clerk_a"])
    response = client.patch(
        f"/api/v1/projects/{project.pk}/", {"name": "改"}, format="json", HTTP_IF_MATCH="abc"
    )
    assert response.status_code == 400 and "If-Match" in response.json()["errors"]


def test_report_flow_actions_need_if_match(people, make_project, d, pinned_today):
    pinned_today(d(2023, 4, 2))
    project = make_project(stages={"started": d(2023, 1, 5)})
    clerk = token_client(people["clerk_a"])
    created = clerk.post(
        "/api/v1/reports/",
        {
            "project": project.pk,
            "month": "2023-03-01",
            "investment": "1200.00",
            "progress": "主体施工",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = created["Location"]
    assert clerk.post(f"{url}submit/").status_code == 428
    submitted = clerk.post(f"{url}submit/", HTTP_IF_MATCH=etag(created))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    reviewer = token_client(people["reviewer_a"])
    assert reviewer.post(f"{url}approve/", HTTP_IF_MATCH=etag(created)).status_code == 412
    approved = reviewer.post(f"{url}approve/", HTTP_IF_MATCH=etag(submitted))
    assert approved.json()["status"] == "unit_approved"
    city = token_client(people["city_reviewer"])
    returned = city.post(
        f"{url}return/", {"reason": ""}, format="json", HTTP_IF_MATCH=etag(approved)
    )
    assert returned.status_code == 400 and "reason" in returned.json()["errors"]
    accepted = city.post(f"{url}accept/", HTTP_IF_MATCH=etag(approved))
    assert accepted.json()["status"] == "accepted"
    amended = city.post(
        f"{url}amend/",
        {"investment": "1300.00", "reason": "统计口径调整"},
        format="json",
        HTTP_IF_MATCH=etag(accepted),
    )
    assert amended.status_code == 200, amended.json()
    assert amended.json()["investment"] == "1300.00" and amended.json()["amendment_count"] == 1


def test_the_clerk_cannot_approve_and_another_unit_sees_nothing(people, make_project, d):
    project = make_project(stages={"started": d(2023, 1, 5)})
    clerk = token_client(people["clerk_a"])
    created = clerk.post(
        "/api/v1/reports/",
        {"project": project.pk, "month": "2023-02-01", "investment": "10"},
        format="json",
    )
    url = created["Location"]
    refused = clerk.post(f"{url}approve/", HTTP_IF_MATCH=etag(created))
    assert refused.status_code == 403 and refused.json()["detail"] == "您没有审核该数据的权限。"
    outsider = token_client(people["clerk_b"])
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}submit/", HTTP_IF_MATCH=etag(created)).status_code == 404
    assert outsider.get("/api/v1/reports/").json()["count"] == 0
    assert outsider.get(f"/api/v1/projects/{project.pk}/").status_code == 404
