"""The permission matrix (issue 10 §1): every URL pattern and API route, every role, objects
inside and outside the role's scope. See tests/security/world.py for the trick that makes
it generic (every out-of-scope row has pk >= 100000) and tests/security/routes.py for the
few names it needs (public pages, URL parameter names)."""

import io
import json
import zipfile
from collections import Counter

import pytest
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse

from tests.security import routes as R
from tests.security.doors import ACTIONS, took_effect
from tests.security.world import (
    MARKER,
    NARROWED_TOKENS,
    OUTSIDE_START,
    TOKENS_BLIND_TO_B,
    build,
    misplaced_outside_rows,
    outside_rows,
)

pytestmark = pytest.mark.django_db

# History and bookkeeping tables: their pks add nothing a route could look up.
NOT_LOOKED_UP = {
    "auditlog.LogEntry",
    "assessment.SubmissionEvent",
    "assessment.RectificationEvent",
    "assessment.TurnaroundEvent",
    "assessment.DutyReportTransition",
    "assessment.PartyConfirmationTransition",
    "feedback.CaseLog",
    "reports.ReportJobEvent",
    "sessions.Session",
    "contenttypes.ContentType",
    "auth.Permission",
}
SCOPED_ROLES = [
    "secretary",
    "unit_admin",
    "other_secretary",
    "party_secretary",
    "party_member",
    "inspector",
]
DENIED = {403, 404, 405}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = tmp_path_factory.mktemp("matrix-media")
    saved = settings.MEDIA_ROOT
    with django_db_blocker.unblock():
        settings.MEDIA_ROOT = media
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = build(TestCase.captureOnCommitCallbacks)
            data["media"] = media
            data["outside_pks"] = sorted(
                {
                    pk
                    for label, pks in outside_rows().items()
                    if label not in NOT_LOOKED_UP
                    for pk in pks
                }
            )
            yield data
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.MEDIA_ROOT = saved


@pytest.fixture(autouse=True)
def _world_media(world, settings):
    settings.MEDIA_ROOT = world["media"]


def scope_of_role(world, role):
    return {
        "secretary": (world["a1"], world["unit_a"]),
        "unit_admin": (world["a1"], world["unit_a"]),
        "other_secretary": (world["c1"], world["unit_c"]),
        "inspector": (world["c1"], world["unit_c"]),
    }.get(role, (world["a1"], world["unit_a"]))


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
        from tests.helpers import confirm_password

        confirm_password(client)  # so that recent-login checks do not hide the real answer
    return client


def token_client(world, name):
    """A client sending one of the world's narrowed API tokens ("committee:unit" …)."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {world['token_keys'][name]}")


def actor_client(world, actor):
    return token_client(world, actor) if ":" in actor else client_for(world, actor)


def body_text(response) -> str:
    """The text of any response: HTML, JSON, CSV, xlsx, zip member names."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(c) for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row
        )
    if "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.namelist())
    if "json" in kind:
        return json.dumps(json.loads(content or b"null"), ensure_ascii=False)
    return content.decode("utf-8", errors="replace")


def resolve_bare_pk(world, route, candidates):
    """For a route with "pk" next to other ids: the in-scope pk the committee can open."""
    committee = client_for(world, "committee")
    for pk in R.inside_pks(world):
        for kwargs in R.combinations(route, candidates, {"pk": pk}):
            if committee.get(reverse(route.name, kwargs=kwargs)).status_code != 404:
                return pk
    return None


# --- the world and the routes ---------------------------------------------------------------


def test_the_world_puts_every_outside_object_above_the_boundary(world):
    rows = outside_rows()
    for label in (
        "units.Unit",
        "units.Branch",
        "assessment.Submission",
        "assessment.Evidence",
        "assessment.Rectification",
        "assessment.NegativeListEntry",
        "assessment.PeriodScore",
        "assessment.Turnaround",
        "feedback.Rating",
        "feedback.FollowUpCase",
        "feedback.Appeal",
        "reports.ReportJob",
        "units.ApiToken",
        "assessment.DutyReport",
        "assessment.PartyConfirmation",
    ):
        assert rows.get(label), f"no outside {label}: the matrix would test nothing"
    assert misplaced_outside_rows(world["unit_b"]) == []
    assert world["outside"]["scorecard"].status == "done"
    assert min(world["outside_pks"]) > OUTSIDE_START


def test_every_url_parameter_name_is_classified():
    """A new route using a parameter name the matrix does not know fails here: add the name
    to tests/security/routes.py (an id, a value with in-scope candidates, or skipped)."""
    assert R.unclassified(R.all_routes()) == []


def test_every_public_route_is_meant_to_be_public(world):
    """Anonymous: every route not in PUBLIC sends to the login page (web) or answers 401/403
    (API); every route in PUBLIC exists."""
    anonymous = Client()
    candidates = R.value_candidates(world, world["a1"], world["unit_a"])
    names = {r.name for r in R.matrix_routes()}
    assert set(R.PUBLIC) - names == set(), "PUBLIC lists routes that no longer exist"
    leaks = []
    for route in R.matrix_routes():
        if route.name in R.PUBLIC:
            continue
        fixed = {k: world["outside_pks"][0] for k in route.id_kwargs}
        for kwargs in list(R.combinations(route, candidates, fixed))[:1]:
            url = reverse(route.name, kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(anonymous, method)(url)
                status = response.status_code
                # web pages send to the login page; JSON endpoints and staff actions refuse
                ok = status in (401, 403, 405) or (
                    not route.is_api
                    and status == 302
                    and response["Location"].startswith("/accounts/login/")
                )
                if not ok:
                    leaks.append(f"{method.upper()} {url} -> {status} ({route.name})")
    assert leaks == [], "public but not in PUBLIC:\n" + "\n".join(leaks)


# --- out-of-scope ids -----------------------------------------------------------------------


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_no_route_reaches_an_object_outside_the_scope(world, role):
    branch, unit = scope_of_role(world, role)
    leaks, tried = outside_leaks(world, client_for(world, role), branch, unit)
    assert leaks == [], f"{role} reached objects outside the scope:\n" + "\n".join(leaks)
    assert len(tried) >= 30  # the walk really covered the id routes


@pytest.mark.parametrize("token", TOKENS_BLIND_TO_B)
def test_no_narrowed_token_reaches_an_object_outside_the_scope(world, token):
    """Unit-limited tokens of every role (committee and leader included) and the read-only
    tokens of unit administrators and secretaries: unit B is outside, at every API route."""
    leaks, tried = outside_leaks(
        world, token_client(world, token), world["a1"], world["unit_a"], api_only=True
    )
    assert leaks == [], f"{token} reached objects outside the scope:\n" + "\n".join(leaks)
    assert len(tried) >= 20


def outside_leaks(world, client, branch, unit, *, api_only=False):
    candidates = R.value_candidates(world, branch, unit)
    outside = world["outside_pks"]
    leaks, tried = [], Counter()
    for route in R.matrix_routes():
        if route.name in R.PUBLIC or (api_only and not route.is_api):
            continue
        targets = list(route.id_kwargs) + (["slug"] if "slug" in route.kwargs else [])
        if not targets:
            continue
        bare_pk = None
        if "pk" in route.kwargs and len(route.id_kwargs) > 1:
            bare_pk = resolve_bare_pk(world, route, candidates)
            assert bare_pk is not None, f"{route.pattern}: no in-scope pk opens it"
        for target in targets:
            values = [world["unit_b"].slug] if target == "slug" else outside
            for value in values:
                fixed = {target: value}
                if bare_pk is not None and target != "pk":
                    fixed["pk"] = bare_pk
                for kwargs in list(R.combinations(route, candidates, fixed))[:1]:
                    url = reverse(route.name, kwargs=kwargs)
                    methods = (
                        ("get", "post", "put", "patch", "delete")
                        if route.is_api
                        else (
                            "get",
                            "post",
                        )
                    )
                    for method in methods:
                        status = getattr(client, method)(url).status_code
                        tried[route.name] += 1
                        allowed = DENIED | ({400} if method != "get" and route.is_api else set())
                        if status not in allowed:
                            leaks.append(f"{method.upper()} {url} -> {status}")
    return leaks, tried


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_no_list_count_or_export_shows_outside_objects(world, role):
    branch, unit = scope_of_role(world, role)
    shown, errors, opened = outside_shown(client_for(world, role), world, branch, unit)
    assert errors == []
    assert shown == [], f"{role} sees outside objects on:\n" + "\n".join(shown)
    assert opened >= 5


@pytest.mark.parametrize("token", TOKENS_BLIND_TO_B)
def test_no_narrowed_token_lists_outside_objects(world, token):
    client = token_client(world, token)
    shown, errors, opened = outside_shown(
        client, world, world["a1"], world["unit_a"], api_only=True
    )
    assert errors == []
    assert shown == [], f"{token} sees outside objects on:\n" + "\n".join(shown)
    assert opened >= 5


def outside_shown(client, world, branch, unit, *, api_only=False):
    candidates = R.value_candidates(world, branch, unit)
    shown, errors, opened = [], [], 0
    for route in R.matrix_routes():
        if route.name in R.PUBLIC or "pk" in route.kwargs or (api_only and not route.is_api):
            continue
        for kwargs in R.combinations(route, candidates):
            url = reverse(route.name, kwargs=kwargs)
            response = client.get(url)
            if response.status_code >= 500:
                errors.append(f"GET {url} -> {response.status_code}")
            if response.status_code != 200:
                continue
            opened += 1
            text = body_text(response)
            if MARKER in text:
                at = text.index(MARKER)
                shown.append(f"GET {url}: …{text[max(0, at - 80) : at + 40]}…")
    return shown, errors, opened


def test_another_units_secretary_sees_nothing_of_unit_a(world):
    client = client_for(world, "other_secretary")
    candidates = R.value_candidates(world, world["c1"], world["unit_c"])
    shown = []
    for route in R.matrix_routes():
        if route.name in R.PUBLIC or "pk" in route.kwargs:
            continue
        for kwargs in R.combinations(route, candidates):
            response = client.get(reverse(route.name, kwargs=kwargs))
            if response.status_code == 200 and "甲厅" in body_text(response):
                shown.append(route.pattern)
    assert shown == []


# --- leaders read, never write ----------------------------------------------------------------


WRITE_SQL = ("INSERT", "UPDATE", "DELETE")
# Writes that are not changes to the platform's data (a token's last use is bookkeeping too).
BOOKKEEPING_TABLES = ("django_session", "axes_", "units_apitoken")


def data_writes(queries) -> list:
    writes = []
    for query in queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(WRITE_SQL) and not any(t.upper() in sql for t in BOOKKEEPING_TABLES):
            writes.append(query["sql"][:120])
    return writes


def test_leader_can_change_nothing(world):
    """Every POST/PUT/PATCH/DELETE of a leader is refused (403/405) or writes nothing (a page
    that treats POST like GET, an API body refused by validation: see the API test below)."""
    writes, refused = writes_of(world, client_for(world, "leader"))
    assert writes == [], "leader changed data:\n" + "\n".join(writes)
    assert refused >= 30


# Read-only tokens of every role, and a leader's token limited to a unit (a leader never
# writes, whatever the token says).
WRITELESS_TOKENS = [t for t in NARROWED_TOKENS if t.endswith(":read_only")] + ["leader:unit"]


@pytest.mark.parametrize("token", WRITELESS_TOKENS)
def test_read_only_tokens_change_nothing(world, token):
    writes, refused = writes_of(world, token_client(world, token), api_only=True)
    assert writes == [], f"{token} changed data:\n" + "\n".join(writes)
    assert refused >= 30


def writes_of(world, client, *, api_only=False):
    """Every write method of every route (in-scope ids): the data writes it made, and how
    many calls were refused outright."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    candidates = R.value_candidates(world, world["a1"], world["unit_a"])
    writes, refused = [], 0
    for route in R.matrix_routes():
        if route.name in R.PUBLIC or route.name in R.LEADER_MAY_POST:
            continue
        if api_only and not route.is_api:
            continue
        fixed = {}
        if "pk" in route.kwargs:
            fixed["pk"] = resolve_bare_pk(world, route, candidates)
            if fixed["pk"] is None:
                continue
        for kwargs in list(R.combinations(route, candidates, fixed))[:2]:
            url = reverse(route.name, kwargs=kwargs)
            methods = ("post", "put", "patch", "delete") if route.is_api else ("post",)
            for method in methods:
                with CaptureQueriesContext(connection) as queries:
                    status = getattr(client, method)(url).status_code
                if status in (403, 405):
                    refused += 1
                    continue
                changed = data_writes(queries.captured_queries)
                if changed or status >= 500:
                    writes.append(f"{method.upper()} {url} -> {status}: {changed[:2]}")
    return writes, refused


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.api], ids=lambda a: a.name)
def test_narrowed_tokens_do_what_the_scope_rules_allow(world, action):
    """Each guarded action through its API endpoint with every narrowed token: exactly the
    tokens the scope rules allow make it happen (tests/security/doors.py)."""
    done = {
        token
        for token in NARROWED_TOKENS
        if took_effect(action, world, token_client(world, token), action.api)
    }
    assert done == action.allowed & set(NARROWED_TOKENS)


def test_committee_opens_every_page_without_a_server_error(world):
    client = client_for(world, "committee")
    candidates = R.value_candidates(world, world["a1"], world["unit_a"])
    errors = []
    for route in R.matrix_routes():
        fixed = {}
        if "pk" in route.kwargs:
            continue
        for kwargs in R.combinations(route, candidates, fixed):
            url = reverse(route.name, kwargs=kwargs)
            status = client.get(url).status_code
            if status >= 500:
                errors.append(f"GET {url} -> {status}")
    assert errors == []


# --- 四级协同: the party roles' tokens --------------------------------------------------------


@pytest.mark.parametrize("role", ["party_secretary", "party_member"])
@pytest.mark.parametrize("read_only", [True, False])
def test_party_role_tokens_stay_in_scope_and_cannot_sign_or_grade(world, role, read_only):
    """A 党组书记's or 党组成员's API token: no list shows unit B, no outside id answers, and
    nothing is graded or returned (the services refuse them, whatever the token allows)."""
    from units import tokens

    user = world["users"][role]
    _token, key = tokens.create_token(
        name="matrix", user=user, read_only=read_only, created_by=world["users"]["committee"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    candidates = R.value_candidates(world, world["a1"], world["unit_a"])
    shown, leaks = [], []
    for route in R.matrix_routes():
        if not route.is_api or route.name in R.PUBLIC:
            continue
        if not route.id_kwargs:
            for kwargs in R.combinations(route, candidates):
                response = client.get(reverse(route.name, kwargs=kwargs))
                if response.status_code == 200 and MARKER in body_text(response):
                    shown.append(route.pattern)
            continue
        for kwargs in list(
            R.combinations(route, candidates, {k: world["outside_pks"][0] for k in route.id_kwargs})
        )[:1]:
            status = client.get(reverse(route.name, kwargs=kwargs)).status_code
            if status not in DENIED:
                leaks.append(f"GET {route.pattern} -> {status}")
    assert shown == [] and leaks == []
    inside = world["inside"]["duty_report"].pk
    for action, body in (("grade", {"grade": "excellent"}), ("return", {"reason": "x"})):
        response = client.post(
            f"/api/v1/duty-reports/{inside}/{action}/", body, content_type="application/json"
        )
        assert response.status_code in (403, 404)


# --- the 联检评审员 -------------------------------------------------------------------------


def test_an_inspector_reaches_their_item_only_while_the_round_is_open(world):
    from assessment.services import inspection as service

    client = client_for(world, "inspector")
    own = world["inspection"]["assignment"]
    evidence = world["inside"]["evidence"]
    others = world["inspection"]["round"].assignments.exclude(pk=own.pk)
    assert client.get(f"/inspection/mine/?s={own.pk}").status_code == 200
    assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 200
    for other in others:  # the second inspector's duty on the same item: not theirs
        url = reverse("inspection_score", args=[other.pk])
        assert client.post(url, {"grade": "A"}).status_code == 404
    for name in ("inspection_rounds", "inspection_new"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("inspection_round", args=[own.round_id])).status_code == 403
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        service.close_round(world["inspection"]["round"], by=world["users"]["committee"])
        assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 404
        for name in ("inspection_score", "inspection_finding"):
            url = reverse(name, args=[own.pk])
            assert client.post(url, {"grade": "A", "text": "x"}).status_code == 404
        assert "甲厅" not in body_text(client.get("/inspection/mine/"))
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
