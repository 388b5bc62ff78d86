"""Idempotency keys: a retried creation (same key, same person, within 24 hours) gets the
first answer again and creates nothing twice."""

from datetime import timedelta

from django.utils import timezone

from ballast.accounts.models import IdempotentRequest
from ballast.reports.models import MonthlyReport
from tests.api_helpers import token_client


def _create(client, project, key, month="2023-02-01"):
    return client.post(
        "/api/v1/reports/",
        {"project": project.pk, "month": month, "investment": "500.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_retried_report_creation_creates_one_report(people, make_project, d):
    project = make_project(stages={"started": d(2023, 1, 5)})
    client = token_client(people["clerk_a"])
    first = _create(client, project, "county-2023-02-0001")
    retry = _create(client, project, "county-2023-02-0001")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert retry["ETag"] == first["ETag"] and retry["Location"] == first["Location"]
    assert MonthlyReport.objects.filter(project=project).count() == 1
    # Without a key the second creation is refused: the month already has its report.
    again = client.post(
        "/api/v1/reports/",
        {"project": project.pk, "month": "2023-02-01", "investment": "500.00"},
        format="json",
    )
    assert again.status_code == 412
    assert MonthlyReport.objects.filter(project=project).count() == 1


def test_the_key_is_the_persons_and_lasts_a_day(people, make_project, d):
    project = make_project(stages={"started": d(2023, 1, 5)})
    clerk = token_client(people["clerk_a"])
    assert _create(clerk, project, "k").status_code == 201
    # The same key for another request is refused, not replayed.
    other = clerk.post(
        "/api/v1/nodes/",
        {"project": project.pk, "kind": "filing", "deadline": "2023-06-01"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    # After a day the key is forgotten.
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    late = _create(clerk, project, "k", month="2023-03-01")
    assert late.status_code == 201 and late.json()["month"] == "2023-03-01"


def test_a_failed_creation_keeps_nothing_and_can_be_retried(people, make_project, d):
    project = make_project(stages={"started": d(2023, 1, 5)})
    client = token_client(people["clerk_a"])
    bad = client.post(
        "/api/v1/reports/",
        {"project": project.pk, "month": "2023-02-01", "investment": "-5"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="retry-me",
    )
    assert bad.status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert _create(client, project, "retry-me").status_code == 201
