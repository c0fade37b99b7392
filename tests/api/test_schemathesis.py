"""Property-based run of the live schema against the WSGI application, in-process.

Schemathesis loads /api/schema/ from the app and generates requests for every operation of
the schema, at most MAX_EXAMPLES each, once with a committee token and once with a branch
secretary's. Every response must be below 500 and, when its status is documented, match
the schema. Detail operations get real ids for about half of the generated cases so that
real objects are read and written. After each operation's run every workflow's recorded
moves must still end in the object's status (workflow_problems).
"""

import functools
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from assessment.models import DutyReport, Period, Rectification, Submission
from assessment.services.duty import draft_reports
from assessment.services.periods import close_period
from assessment.services.rectification import issue
from feedback.models import FollowUpCase, Level
from feedback.services.ratings import RatingInput, submit_public_rating
from feedback.workdays import seed_from_library
from tests.assessment.quarter_world import fill, store
from units.tokens import create_token

pytestmark = pytest.mark.schemathesis

MAX_EXAMPLES = 8
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# Every operation of the checked-in schema (tests/api/test_schema.py keeps it equal to the
# live one), so a new endpoint is fuzzed without being listed here.
OPERATIONS = [
    (method.upper(), path)
    for path, item in yaml.safe_load(SCHEMA.read_text())["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
]
ACTORS = ["committee", "secretary"]


def workflow_problems() -> list[str]:
    """Objects whose status is not where their last recorded move left it."""
    problems = []
    for model, log in [
        (Period, "transitions"),
        (Submission, "events"),
        (Rectification, "events"),
        (FollowUpCase, "logs"),
        (DutyReport, "transitions"),
    ]:
        for obj in model.objects.prefetch_related(log):
            moves = [m for m in getattr(obj, log).all() if m.to_status]
            if moves and max(moves, key=lambda m: m.pk).to_status != obj.status:
                problems.append(f"{model.__name__} {obj.pk}: {obj.status}")
    return problems


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
    """A few real objects for the detail operations, and both actors' write tokens."""
    seed_from_library()  # the follow-up case of the bad rating counts working days
    branch = world["a1"]
    submission = fill(period, branch, items["graded"], secretary, narrative="已召开支委会。")
    evidence = store(branch, period, secretary)
    rating = submit_public_rating(
        RatingInput(unit=world["unit_a"], level=Level.DISSATISFIED), address="10.0.0.9"
    )
    rectification = issue(
        by=committee,
        plan=period.plan,
        unit=world["unit_a"],
        problem="台账不全",
        deadline=period.deadline,
    )
    draft_reports(period.plan.year - 1, by=committee)
    duty_report = DutyReport.objects.get(branch=branch)
    keys = {
        actor: create_token(name="schemathesis", user=user, created_by=committee)[1]
        for actor, user in [("committee", committee), ("secretary", secretary)]
    }
    real = {"period": period.pk, "branch": branch.pk, "indicator": items["graded"].pk}
    ids = {
        "branches": branch.pk,
        "units": world["unit_a"].pk,
        "categories": world["unit_a"].category_id,
        "cases": rating.case.pk,
        "ratings": rating.pk,
        "evidence": evidence.pk,
        "periods": period.pk,
        "plans": period.plan_id,
        "cycles": period.plan.cycle_id,
        "indicators": items["graded"].pk,
        "indicator-systems": items["graded"].system_id,
        "rectifications": rectification.pk,
        "submissions": submission.pk,
        "reviews": submission.pk,
        "duty-reports": duty_report.pk,
    }
    paths = {
        "/api/v1/public-ratings/": {"body": {"unit": world["unit_a"].slug}},
        "/api/v1/submissions/": {"body": real},
        "/api/v1/submissions/submit/": {"body": {"period": period.pk, "branch": branch.pk}},
        "/api/v1/periods/{id}/board/": {"path": {"id": period.pk}, "query": {"branch": branch.pk}},
    }
    for _method, path in OPERATIONS:
        collection = path.split("/")[3]
        if "{id}" in path and collection in ids and path not in paths:
            paths[path] = {"path": {"id": ids[collection]}}
    # Values put into about half of the generated cases, so that real objects are read
    # and written too, not only refused.
    return {"keys": keys, "real": paths}


@functools.cache
def live_schema():
    """The schema as the running application serves it (loaded once per test session)."""
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_answers_within_its_schema(fuzz_world, actor, method, path):
    operation = live_schema()[path][method]
    headers = {"Authorization": f"Bearer {fuzz_world['keys'][actor]}"}
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
    assert workflow_problems() == []


def test_the_consistency_check_finds_a_status_its_moves_do_not_explain(
    fuzz_world, period, committee
):
    assert workflow_problems() == []
    close_period(period, by=committee)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.OPEN)
    assert workflow_problems() == [f"Period {period.pk}: open"]
