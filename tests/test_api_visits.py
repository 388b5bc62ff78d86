"""Visits (家家到) through the API: a leader records the visits they make, the log lists
them by unit and period as the visit page does, and nobody sees another unit's visits."""

import pytest

from ballast.coordination.models import Visit
from tests.api_helpers import token_client


@pytest.fixture
def project(make_project):
    return make_project(name="仪征化工项目")


def test_a_leader_records_a_visit_and_reads_it_back(people, project):
    leader = token_client(people["leader_a"])
    made = leader.post(
        "/api/v1/visits/",
        {"project": project.pk, "date": "2023-03-02", "kind": "survey", "findings": "用工紧张"},
        format="json",
    )
    assert made.status_code == 201, made.content
    visit = made.json()
    assert visit["visitor"] == people["leader_a"].pk and visit["kind"] == "survey"
    stored = Visit.objects.get(pk=visit["id"])
    assert (stored.project, str(stored.date), stored.findings) == (
        project,
        "2023-03-02",
        "用工紧张",
    )
    detail = token_client(people["clerk_a"]).get(f"/api/v1/visits/{visit['id']}/")
    assert detail.status_code == 200 and detail.json()["findings"] == "用工紧张"
    assert token_client(people["clerk_b"]).get(f"/api/v1/visits/{visit['id']}/").status_code == 404


def test_the_log_filters_by_unit_and_period(people, project, make_project, unit_b, d):
    from ballast.coordination.services import visit_record

    other = make_project(unit=unit_b, name="高邮项目")
    admin = people["city_admin"]
    visit_record(user=admin, project=project, on=d(2023, 1, 10), kind="visit")
    march = visit_record(user=admin, project=project, on=d(2023, 3, 10), kind="visit")
    visit_record(user=admin, project=other, on=d(2023, 3, 11), kind="visit")
    client = token_client(admin)

    def ids(**query):
        return [v["id"] for v in client.get("/api/v1/visits/", query).json()["results"]]

    assert len(ids()) == 3
    assert ids(unit="321081", start="2023-03-01", end="2023-03-31") == [march.pk]
    clerk_sees = token_client(people["clerk_b"]).get("/api/v1/visits/").json()
    assert [v["project"] for v in clerk_sees["results"]] == [other.pk]


def test_who_may_record_is_the_policy(people, project):
    body = {"project": project.pk, "date": "2023-03-02", "kind": "visit"}
    # The unit reviewer reads the log but records nothing; another unit's clerk cannot
    # record on a project they cannot see.
    assert token_client(people["reviewer_a"]).post("/api/v1/visits/", body).status_code == 403
    outsider = token_client(people["clerk_b"]).post("/api/v1/visits/", body, format="json")
    assert outsider.status_code == 400 and "project" in outsider.json()["errors"]
    bad = token_client(people["clerk_a"]).post(
        "/api/v1/visits/", {**body, "kind": "party"}, format="json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    assert not Visit.objects.exists()
