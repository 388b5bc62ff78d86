"""Schemathesis against the API (property-based requests generated from the published
OpenAPI schema), through the WSGI app in-process, with a bounded budget: no answer is a
server error, every answer conforms to the schema, every error is an RFC 9457 problem."""

import time

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from ballast.accounts.services import token_create
from tests.api_schema import CHECKS, in_process, is_problem, load_schema

# Examples per operation and person: ~20 operations × 2 people × 8 ≈ 320 requests.
EXAMPLES = 8
BUDGET_SECONDS = 60
CALLS: list = []


@pytest.fixture
def world(people, make_project, d, pinned_today):
    from ballast.projects import services as projects
    from ballast.reports import services as reports

    pinned_today(d(2023, 4, 2))
    project = make_project(stages={"signed": d(2023, 1, 3), "started": d(2023, 1, 5)})
    projects.node_save(
        user=people["clerk_a"], project=project, data={"kind": "filing", "deadline": d(2023, 3, 1)}
    )
    projects.plan_save(user=people["clerk_a"], project=project, year=2023, planned_investment=10)
    reports.report_save(
        user=people["clerk_a"], project=project, month=d(2023, 2, 1), data={"investment": 5}
    )
    return project


@pytest.mark.django_db
@pytest.mark.parametrize(
    "person,mode",
    [
        ("clerk_a", GenerationMode.POSITIVE),
        ("city_reviewer", GenerationMode.POSITIVE),
        ("clerk_a", GenerationMode.NEGATIVE),
    ],
)
def test_generated_requests_find_no_server_error(world, people, person, mode, settings):
    settings.BALLAST_API_RATE = "100000/min"
    schema = load_schema()
    _token, secret = token_create(user=people[person], name="schemathesis")
    CALLS.clear()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    with in_process():
        for operation in operations:

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}
                response = case.call()
                CALLS.append((case.method, response.status_code))
                if mode == GenerationMode.NEGATIVE:
                    # Invalid input: refused, never a server error; refusals are problems.
                    assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"
                else:
                    case.validate_response(response, checks=CHECKS)
                assert is_problem(response), f"{case.method} {case.path}: {response.text}"

            run()
    assert time.monotonic() - started < BUDGET_SECONDS * 2
    assert len(CALLS) >= len(operations) * 2, "the budget ran"
