"""The actions a service guards, each with the doors that reach it (web form, API endpoint),
what it needs beforehand, how to tell it happened, and who may do it under the scope rules.

Used by the permission matrix (narrowed API tokens of every role) and the door-parity test
(the same session actors at the web door and the API door). Every attempt runs in a savepoint
that is rolled back, so each starts from the same world (tests/security/world.py)."""

import itertools
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from tests.security.world import PDF

# Who may, by the scope rules (units.selectors.Scope). Session actors, then narrowed tokens
# ("<role>:unit" limited to unit A and writable, "<role>:read_only" reading every unit the
# role sees). A unit-limited committee token acts as unit A's administrator at most; a
# leader's tokens, and every read-only one, change nothing.
UNIT_A_HANDLERS = {"committee", "unit_admin", "committee:unit", "unit_admin:unit"}
A1_WRITERS = {"secretary", "secretary:unit"}
COMMITTEE = {"committee"}
SESSION_ACTORS = ("committee", "leader", "unit_admin", "secretary", "other_secretary")
_files = itertools.count(1)


def _pdf(name="会议记录.pdf"):
    # A new content every time: the same file for the same branch and period is kept once.
    return SimpleUploadedFile(name, PDF + f"-{next(_files)}".encode(), "application/pdf")


@dataclass
class Door:
    method: str  # "post", "patch", "get"
    url: object  # world -> str
    data: object = None  # world -> dict
    multipart: bool = False


@dataclass
class Action:
    name: str
    happened: object  # world -> a value that differs once the action took effect
    allowed: set
    api: Door | None = None
    web: list = field(default_factory=list)  # every web door reaching the same service
    prepare: object = None  # world -> None: put the object in the state the action needs


def _sub(w):
    return w["inside"]["submission"]


def _fresh_sub(w):
    return type(_sub(w)).objects.get(pk=_sub(w).pk)


def _set_sub(status):
    def prepare(w):
        type(_sub(w)).objects.filter(pk=_sub(w).pk).update(status=status)

    return prepare


def _set_case(status):
    def prepare(w):
        case = w["inside"]["case"]
        type(case).objects.filter(pk=case.pk).update(status=status)

    return prepare


def _case_status(w):
    case = w["inside"]["case"]
    return type(case).objects.get(pk=case.pk).status


def _period_status(w):
    period = w["global"]["open_period"]
    return type(period).objects.get(pk=period.pk).status


def _version(w):
    return _fresh_sub(w).version


def _events(w, action):
    return _sub(w).events.filter(action=action).count()


def _evidence_count(w):
    from assessment.models import Evidence

    return Evidence.objects.filter(branch=w["a1"]).count()


def _jobs(kind):
    def count(w):
        from reports.models import ReportJobEvent

        return ReportJobEvent.objects.filter(job__kind=kind).count()

    return count


ACTIONS = [
    Action(
        "case_reply",
        _case_status,
        UNIT_A_HANDLERS,
        prepare=_set_case("open"),
        api=Door(
            "post",
            lambda w: f"/api/v1/cases/{w['inside']['case'].pk}/reply/",
            lambda w: {"text": "已答复。"},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("feedback:case_detail", args=[w["inside"]["case"].pk]),
                lambda w: {"action": "reply", "text": "已答复。"},
            )
        ],
    ),
    Action(
        "case_close",
        _case_status,
        COMMITTEE,
        prepare=_set_case("rectified"),
        api=Door(
            "post",
            lambda w: f"/api/v1/cases/{w['inside']['case'].pk}/close/",
            lambda w: {"note": "属实"},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("feedback:case_detail", args=[w["inside"]["case"].pk]),
                lambda w: {"action": "close", "note": "属实"},
            )
        ],
    ),
    Action(
        "period_close",
        _period_status,
        COMMITTEE,
        api=Door(
            "post",
            lambda w: f"/api/v1/periods/{w['global']['open_period'].pk}/close/",
            lambda w: {},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse(
                    "period_transition", args=[w["global"]["open_period"].pk, "close"]
                ),
                lambda w: {},
            )
        ],
    ),
    Action(
        "review_accept",
        lambda w: _fresh_sub(w).status,
        COMMITTEE,
        prepare=_set_sub("submitted"),
        api=Door(
            "post",
            lambda w: f"/api/v1/reviews/{_sub(w).pk}/accept/",
            lambda w: {"version": _version(w), "grade": "A"},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("review_act", args=[_sub(w).pk]),
                lambda w: {"action": "accept", "version": _version(w), "grade": "A"},
            )
        ],
    ),
    Action(
        "review_return",
        lambda w: _fresh_sub(w).status,
        UNIT_A_HANDLERS,
        prepare=_set_sub("submitted"),
        api=Door(
            "post",
            lambda w: f"/api/v1/reviews/{_sub(w).pk}/return/",
            lambda w: {"version": _version(w), "reason": "请补充会议记录。"},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("review_act", args=[_sub(w).pk]),
                lambda w: {"action": "return", "version": _version(w), "comment": "请补充。"},
            ),
            Door(
                "post",
                lambda w: reverse("submission_unit_check", args=[_sub(w).pk]),
                lambda w: {"action": "return", "version": _version(w), "reason": "请补充。"},
            ),
        ],
    ),
    Action(
        "unit_check",
        lambda w: _fresh_sub(w).status,
        {"unit_admin", "unit_admin:unit", "committee:unit"},
        prepare=_set_sub("submitted"),
        api=Door(
            "post",
            lambda w: f"/api/v1/submissions/{_sub(w).pk}/unit-check/",
            lambda w: {"version": _version(w)},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("submission_unit_check", args=[_sub(w).pk]),
                lambda w: {"action": "check", "version": _version(w)},
            )
        ],
    ),
    Action(
        "comment",
        lambda w: _events(w, "comment"),
        UNIT_A_HANDLERS,
        api=Door(
            "post",
            lambda w: f"/api/v1/submissions/{_sub(w).pk}/comment/",
            lambda w: {"text": "请注意格式。"},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("submission_comment", args=[_sub(w).pk]),
                lambda w: {"text": "请注意格式。"},
            )
        ],
    ),
    Action(
        "submit",
        lambda w: _fresh_sub(w).status,
        A1_WRITERS,
        prepare=_set_sub("draft"),
        api=Door(
            "post",
            lambda w: "/api/v1/submissions/submit/",
            lambda w: {"period": w["global"]["open_period"].pk, "branch": w["a1"].pk},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse(
                    "quarter_submit", args=[w["global"]["open_period"].pk, w["a1"].pk]
                ),
                lambda w: {},
            )
        ],
    ),
    Action(
        "evidence_upload",
        _evidence_count,
        A1_WRITERS,
        api=Door(
            "post",
            lambda w: "/api/v1/evidence/",
            lambda w: {
                "branch": w["a1"].pk,
                "period": w["global"]["open_period"].pk,
                "file": _pdf(),
            },
            multipart=True,
        ),
        web=[
            Door(
                "post",
                lambda w: reverse(
                    "quarter_upload",
                    args=[w["global"]["open_period"].pk, w["a1"].pk, w["global"]["indicator"].pk],
                ),
                lambda w: {"version": _version(w), "files": _pdf()},
                multipart=True,
            )
        ],
    ),
    Action(
        "report_bulletin",
        _jobs("bulletin"),
        COMMITTEE,
        api=Door(
            "post",
            lambda w: "/api/v1/report-jobs/",
            lambda w: {"kind": "bulletin", "period": w["global"]["closed_period"].pk},
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("reports:request"),
                lambda w: {"kind": "bulletin", "period": w["global"]["closed_period"].pk},
            )
        ],
    ),
    Action(
        "report_scorecard",
        _jobs("scorecard"),
        UNIT_A_HANDLERS,
        api=Door(
            "post",
            lambda w: "/api/v1/report-jobs/",
            lambda w: {
                "kind": "scorecard",
                "period": w["global"]["closed_period"].pk,
                "unit": w["unit_a"].pk,
            },
        ),
        web=[
            Door(
                "post",
                lambda w: reverse("reports:request"),
                lambda w: {
                    "kind": "scorecard",
                    "period": w["global"]["closed_period"].pk,
                    "unit": w["unit_a"].pk,
                },
            )
        ],
    ),
    Action(
        "unit_edit",
        lambda w: type(w["unit_a"]).objects.get(pk=w["unit_a"].pk).headcount,
        COMMITTEE,
        api=Door(
            "patch", lambda w: f"/api/v1/units/{w['unit_a'].pk}/", lambda w: {"headcount": 321}
        ),
    ),
]
ACTIONS_BY_NAME = {a.name: a for a in ACTIONS}


def knock(client, door, world):
    """Call one door; the answer's status."""
    url = door.url(world)
    data = door.data(world) if door.data else {}
    if door.method == "get":
        return client.get(url).status_code
    if door.multipart:
        return getattr(client, door.method)(url, data).status_code
    if door.method == "post" and not url.startswith("/api/"):
        return client.post(url, data).status_code
    return getattr(client, door.method)(url, data, content_type="application/json").status_code


def took_effect(action, world, client, door) -> bool:
    """Whether calling ``door`` as ``client`` made the action happen; always rolled back."""
    with transaction.atomic():
        if action.prepare:
            action.prepare(world)
        before = action.happened(world)
        status = knock(client, door, world)
        after = action.happened(world)
        transaction.set_rollback(True)
    assert status < 500, f"{action.name}: {door.url(world)} -> {status}"
    return after != before
