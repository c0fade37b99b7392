"""/api/v1/results/ and /api/v1/turnarounds/ (issue 16 §4–5): the pages' selectors and
services behind JSON; narrowed and read-only tokens bind in the services."""

import datetime as dt

from assessment.models import Turnaround
from tests.assessment.results_world import *  # noqa: F403

TALK = "2026-01-20"


def body(w, branch, **extra):
    data = {
        "period": w["annual"].pk,
        "unit": branch.unit_id,
        "branch": branch.pk,
        "talk_on": TALK,
        "participants": "工委组织部部长；支部书记",
        "agreed": "按月召开支委会",
        "actions": [{"description": "补齐会议记录", "deadline": "2026-02-20"}],
    }
    data.update(extra)
    return data


def test_results_read_by_committee_and_leaders(as_user, results_world, committee, leader):
    for user in (committee, leader):
        client = as_user(user)
        assert client.get("/api/v1/results/").json() == [
            {"year": 2025, "period": results_world["annual"].pk}
        ]
        awards = client.get("/api/v1/results/2025/awards/").json()
        assert awards["publication"]["revision"] == 1
        assert [(u["result"]["unit_name"], u["candidate"]) for u in awards["units"]] == [
            ("省甲厅", True),
            ("省乙局", False),
            ("省丙办", False),
            ("省丁委", False),
        ]
        rewards = client.get("/api/v1/results/2025/rewards/").json()
        assert [(g["label"], [u["unit_name"] for u in g["units"]]) for g in rewards["grades"]] == [
            ("优秀", ["省甲厅"]),
            ("良好", ["省乙局"]),
            ("一般", ["省丙办"]),
            ("较差", ["省丁委"]),
        ]
        cadres = client.get("/api/v1/results/2025/cadres/").json()
        assert [
            (u["result"]["unit_name"], u["duty_grade"], u["open_problems"], u["overdue_problems"])
            for u in cadres["units"]
        ] == [
            ("省甲厅", None, 2, 1),
            ("省乙局", None, 0, 0),
            ("省丙办", None, 0, 0),
            ("省丁委", None, 1, 1),
        ]
        assert client.get("/api/v1/results/2026/awards/").status_code == 404


def test_results_refused_to_unit_admins_and_unit_tokens(
    as_user, with_token, results_world, committee
):
    assert as_user(results_world["admin_a"]).get("/api/v1/results/").status_code == 403
    narrowed = with_token(committee, unit=results_world["units"]["a"])
    assert narrowed.get("/api/v1/results/2025/awards/").status_code == 403


def test_follow_up_through_the_api(as_user, results_world, committee):
    w = results_world
    created = as_user(committee).post(
        "/api/v1/turnarounds/", body(w, w["branches"]["a1"]), format="json"
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["reason"], data["status"], data["outcome"]) == ("lagging", "talked", "converted")
    assert [(s["label"], s["lagging"]) for s in data["track"]] == [
        ("后进", True),
        ("中间", False),
        ("中间", False),
    ]
    pk = data["id"]
    step = data["actions"][0]["id"]
    admin = as_user(w["admin_a"])
    progressed = admin.post(
        f"/api/v1/turnarounds/{pk}/progress/", {"note": "已补齐", "done": [step]}, format="json"
    )
    assert progressed.status_code == 200, progressed.content
    assert progressed.json()["status"] == "in_progress"
    assert admin.post(f"/api/v1/turnarounds/{pk}/close/", {"note": "x"}).status_code == 403
    closed = as_user(committee).post(f"/api/v1/turnarounds/{pk}/close/", {"note": "结束"})
    assert closed.json()["status"] == "closed"
    again = as_user(committee).post(f"/api/v1/turnarounds/{pk}/close/", {"note": "再结束"})
    assert again.status_code == 409
    conversion = as_user(committee).get("/api/v1/turnarounds/conversion/").json()
    assert conversion["branches"] == {
        "total": 1,
        "converted": 1,
        "still_lagging": 0,
        "pending": 0,
        "decided": 1,
        "rate": "100.0",
    }
    listed = as_user(committee).get("/api/v1/turnarounds/").json()
    assert [r["outcome"] for r in listed["results"]] == ["converted"]


def test_refusals_follow_the_services(as_user, with_token, results_world, committee, leader):
    w = results_world
    refused = as_user(committee).post(
        "/api/v1/turnarounds/", body(w, w["branches"]["b1"]), format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["branch"] == [
        "该党支部在2025 年度大考不是后进支部，无需建立后进转化跟踪。"
    ]
    a1 = body(w, w["branches"]["a1"])
    assert as_user(leader).post("/api/v1/turnarounds/", a1, format="json").status_code == 403
    narrowed = with_token(committee, unit=w["units"]["a"])
    assert narrowed.post("/api/v1/turnarounds/", a1, format="json").status_code == 403
    assert Turnaround.objects.count() == 0
    pk = as_user(committee).post("/api/v1/turnarounds/", a1, format="json").json()["id"]
    reader = with_token(w["admin_a"], read_only=True)
    assert reader.get(f"/api/v1/turnarounds/{pk}/").status_code == 200
    assert reader.post(f"/api/v1/turnarounds/{pk}/progress/", {"note": "x"}).status_code == 403
    other = as_user(w["admin_b"])
    assert other.get(f"/api/v1/turnarounds/{pk}/").status_code == 404
    assert other.get("/api/v1/turnarounds/").json()["count"] == 0
    assert Turnaround.objects.get().events.count() == 1
    assert dt.date.fromisoformat(TALK) == Turnaround.objects.get().talk_on
