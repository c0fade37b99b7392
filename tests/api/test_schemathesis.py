"""Property-based run of the live schema against the WSGI application, in-process.

Schemathesis loads /api/schema/ from the app and generates requests for a handful of
operations (the anonymous rating, the secretary's submission endpoints and the main reads),
at most MAX_EXAMPLES each, authenticated with a token made in the test. Every response must
be below 500 and, when its status is documented, match the schema. Detail operations get a
real ids for about half of the generated cases so that real objects are read and written.
"""

import functools

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from assessment.models import Period, Submission
from tests.assessment.quarter_world import fill, store
from units.tokens import create_token

pytestmark = pytest.mark.schemathesis

MAX_EXAMPLES = 25
OPERATIONS = [
    ("POST", "/api/v1/public-ratings/"),
    ("GET", "/api/v1/submissions/"),
    ("POST", "/api/v1/submissions/"),
    ("GET", "/api/v1/submissions/{id}/"),
    ("PATCH", "/api/v1/submissions/{id}/"),
    ("POST", "/api/v1/submissions/{id}/attach/"),
    ("POST", "/api/v1/submissions/{id}/link/"),
    ("POST", "/api/v1/submissions/submit/"),
    ("GET", "/api/v1/periods/"),
    ("GET", "/api/v1/periods/{id}/board/"),
    ("GET", "/api/v1/indicators/"),
    ("GET", "/api/v1/branches/"),
    ("GET", "/api/v1/scores/"),
    ("GET", "/api/v1/reviews/"),
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests reach Django's WSGI handler directly, which closes "old" connections at the
    start and end of each request; inside the test's transaction that would close it (on
    PostgreSQL). Django's own test client switches this off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(world, secretary, committee, period, items):
    """A few real objects for the detail operations, and the secretary's write token."""
    branch = world["a1"]
    submission = fill(period, branch, items["graded"], secretary, narrative="已召开支委会。")
    store(branch, period, secretary)
    _token, key = create_token(
        name="schemathesis", user=secretary, created_by=committee, read_only=False
    )
    real = {"period": period.pk, "branch": branch.pk, "indicator": items["graded"].pk}
    return {
        "key": key,
        # Values put into about half of the generated cases, so that real objects are read
        # and written too, not only refused.
        "real": {
            "/api/v1/public-ratings/": {"body": {"unit": world["unit_a"].slug}},
            "/api/v1/submissions/": {"body": real},
            "/api/v1/submissions/{id}/": {"path": {"id": submission.pk}},
            "/api/v1/submissions/{id}/attach/": {"path": {"id": submission.pk}},
            "/api/v1/submissions/{id}/link/": {"path": {"id": submission.pk}},
            "/api/v1/submissions/submit/": {"body": {"period": period.pk, "branch": branch.pk}},
            "/api/v1/periods/{id}/board/": {
                "path": {"id": period.pk},
                "query": {"branch": branch.pk},
            },
        },
    }


@functools.cache
def live_schema():
    """The schema as the running application serves it (loaded once per test session)."""
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_answers_within_its_schema(fuzz_world, method, path):
    operation = live_schema()[path][method]
    headers = {"Authorization": f"Bearer {fuzz_world['key']}"}
    real = fuzz_world["real"].get(path, {})

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(case=operation.as_strategy(), use_real_id=st.booleans())
    def run(case, use_real_id):
        cache.clear()  # throttle counters: a 429 is documented, but 201s reach the service
        if use_real_id:
            if "path" in real:
                case.path_parameters.update(real["path"])
            if "query" in real:
                case.query = {**(case.query or {}), **real["query"]}
            if "body" in real and isinstance(case.body, dict):
                case.body = {**case.body, **real["body"]}
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    run()


def test_fuzzing_leaves_the_workflow_consistent(fuzz_world, period):
    """Sanity: the world the fuzzer starts from is an open period with a draft in it."""
    assert Period.objects.get(pk=period.pk).status == Period.Status.OPEN
    assert Submission.objects.get().status == Submission.Status.DRAFT
