"""Suspending, resuming and terminating a project through the API: the page's services,
the project's ETag in If-Match (428 without, 412 when another client changed the project
meanwhile), the page's refusals as problems on ``on``, and CHANGE of the project."""

from tests.api_helpers import etag, token_client


def test_suspend_resume_and_terminate(people, make_project, d, pinned_today):
    pinned_today(d(2023, 9, 1))
    project = make_project(stages={"started": d(2023, 2, 1)})
    clerk = token_client(people["clerk_a"])
    url = f"/api/v1/projects/{project.pk}/"
    suspend = {"kind": "deferred", "reason": "funding", "on": "2023-05-01", "note": "资金未到位"}
    assert clerk.post(url + "suspend/", suspend, format="json").status_code == 428
    tag = etag(clerk.get(url))
    # Another client changes the project meanwhile: the suspension based on it is stale.
    other = token_client(people["city_admin"])
    moved = other.patch(url, {"investor": "某公司"}, format="json", HTTP_IF_MATCH=tag)
    assert moved.status_code == 200
    stale = clerk.post(url + "suspend/", suspend, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    tag = etag(moved)
    done = clerk.post(url + "suspend/", suspend, format="json", HTTP_IF_MATCH=tag)
    assert done.status_code == 200, done.content
    assert done.json()["started_on"] == "2023-05-01" and done.json()["resumed_on"] is None
    assert done["ETag"] == tag  # the project itself is unchanged
    again = clerk.post(url + "suspend/", suspend, format="json", HTTP_IF_MATCH=tag)
    assert again.status_code == 400 and "复工" in again.json()["errors"]["on"][0]
    resumed = clerk.post(url + "resume/", {"on": "2023-07-01"}, format="json", HTTP_IF_MATCH=tag)
    assert resumed.status_code == 200 and resumed.json()["resumed_on"] == "2023-07-01"
    early = clerk.post(
        url + "terminate/",
        {"on": "2023-01-15", "reason": "other", "note": "企业撤资"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert early.status_code == 400 and "开工" in early.json()["errors"]["on"][0]
    ended = clerk.post(
        url + "terminate/",
        {"on": "2023-08-01", "reason": "other", "note": "企业撤资"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert ended.status_code == 200, ended.content
    assert ended.json()["terminated_on"] == "2023-08-01"
    history = clerk.get(url + "history/").json()["results"]
    assert [row["kind"] for row in history[:3]] == ["终止退出", "停缓建", "停缓建"]


def test_a_reviewer_and_another_unit_may_not(people, make_project):
    project = make_project()
    url = f"/api/v1/projects/{project.pk}/suspend/"
    body = {"kind": "stopped", "reason": "funding", "on": "2023-05-01"}
    reviewer = token_client(people["reviewer_a"])
    assert reviewer.post(url, body, format="json", HTTP_IF_MATCH='"1"').status_code == 403
    outsider = token_client(people["clerk_b"])
    assert outsider.post(url, body, format="json", HTTP_IF_MATCH='"1"').status_code == 404
