"""Every door the same (issue 17 §2): for each service with a permission rule, the web form
and the API endpoint that reach it are tried by the same actors and must agree — both do
it or both refuse — and agree with the scope rules (tests/security/doors.py). Run on the
permission matrix's world."""

import pytest

from tests.security.doors import ACTIONS, SESSION_ACTORS, took_effect
from tests.security.test_permission_matrix import _world_media, client_for, world  # noqa: F401

pytestmark = pytest.mark.django_db
BOTH_DOORS = [a for a in ACTIONS if a.api and a.web]


def test_every_guarded_service_has_both_doors_here():
    """The actions with a web and an API door (a new guarded service adds a line here)."""
    assert sorted(a.name for a in BOTH_DOORS) == [
        "case_close",
        "case_reply",
        "comment",
        "evidence_upload",
        "period_close",
        "report_bulletin",
        "report_scorecard",
        "review_accept",
        "review_return",
        "submit",
        "unit_check",
    ]


@pytest.mark.parametrize("action", BOTH_DOORS, ids=lambda a: a.name)
def test_web_and_api_agree(world, action):  # noqa: F811 (the fixture)
    disagreements = []
    for actor in SESSION_ACTORS:
        client = client_for(world, actor)
        by_api = took_effect(action, world, client, action.api)
        by_web = [took_effect(action, world, client, door) for door in action.web]
        expected = actor in action.allowed
        if by_api != expected or any(done != expected for done in by_web):
            disagreements.append(f"{actor}: api={by_api} web={by_web} rule={expected}")
    assert disagreements == []
