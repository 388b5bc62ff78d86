"""Every error of the API is an RFC 9457 problem (application/problem+json) with a
Chinese message — unknown addresses, bad input, refusals — never an HTML page or a 500.
(The addresses below are ones Schemathesis found answering HTML.)"""

import pytest

from tests.api_helpers import token_client


@pytest.mark.parametrize(
    "url",
    ["/api/v1/no-such-thing/", "/api/v1/stage-events/J\n/", "/api/v1/annual-plans/ÿÀ/"],
)
def test_unknown_addresses_are_404_problems(people, url):
    client = token_client(people["clerk_a"])
    for method in ("get", "post", "patch"):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "接口地址不存在。"


def test_a_file_endpoint_answers_its_errors_as_json(people):
    client = token_client(people["clerk_a"])
    response = client.get("/api/v1/bulletins/999/download/xlsx/", HTTP_ACCEPT="*/*")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_bad_input_is_a_400_problem_with_errors_per_field(people, make_project):
    project = make_project()
    client = token_client(people["clerk_a"])
    response = client.post(
        "/api/v1/reports/",
        {"project": project.pk, "month": "2023-02-30", "investment": "abc"},
        format="json",
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "urn:ballast:problem:validation" and problem["title"] == "请求有误"
    assert set(problem["errors"]) == {"month", "investment"}
    assert problem["errors"]["investment"] == ["请填写合法的数字。"]
    broken = client.post("/api/v1/reports/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"


def test_a_service_refusal_is_a_403_problem_in_chinese(people, make_project):
    project = make_project()
    client = token_client(people["reviewer_a"])
    response = client.post(
        "/api/v1/stage-events/",
        {"project": project.pk, "stage": "signed", "date": "2023-01-05"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有修改该数据的权限。"
