"""A project's history through the API: every change of the project and its records —
who, from which door, why, what changed — newest first, as the project page shows it,
and only for a project the person may see."""

from decimal import Decimal

from tests.api_helpers import etag, token_client


def test_the_history_names_each_change_its_door_and_reason(people, make_project, d):
    project = make_project(name="光储一期", total_investment=Decimal("10000.00"))
    clerk = token_client(people["clerk_a"])
    url = f"/api/v1/projects/{project.pk}/"
    changed = clerk.patch(
        url, {"total_investment": "12000.00"}, format="json", HTTP_IF_MATCH=etag(clerk.get(url))
    )
    assert changed.status_code == 200
    recorded = clerk.post(
        "/api/v1/stage-events/",
        {"project": project.pk, "stage": "signed", "date": "2023-01-05"},
        format="json",
    )
    assert recorded.status_code == 201
    history = clerk.get(url + "history/")
    assert history.status_code == 200
    rows = history.json()["results"]
    assert history.json()["count"] == len(rows) == 3
    newest, edit, created = rows
    assert (newest["kind"], newest["action"], newest["source"]) == ("阶段节点", "新增", "接口")
    assert (edit["kind"], edit["action"], edit["source"]) == ("项目", "修改", "接口")
    assert edit["user"] == "clerk_a"
    assert {"field": "总投资（万元）", "old": "10000.00", "new": "12000.00"} in edit["changes"]
    assert (created["action"], created["changes"]) == ("新增", [])


def test_another_units_clerk_sees_no_history(people, make_project):
    project = make_project()
    response = token_client(people["clerk_b"]).get(f"/api/v1/projects/{project.pk}/history/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
