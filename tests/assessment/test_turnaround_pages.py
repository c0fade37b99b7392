"""后进转化 pages (issue 16 §5): the list with the conversion rate and the branches still
lagging, a follow-up opened by committee staff, progress by the unit's administrator,
closing by committee staff; leaders read only."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import Turnaround
from assessment.services import turnaround as service
from tests.assessment.results_world import *  # noqa: F403
from tests.assessment.results_world import score
from tests.factories import BranchFactory

TALK = dt.date(2026, 1, 20)


def new_form(w, branch=None, unit=None, **extra):
    data = {
        "period": w["annual"].pk,
        "unit": (unit or branch.unit).pk,
        "branch": branch.pk if branch else "",
        "talk_on": TALK.isoformat(),
        "participants": "工委组织部部长；支部书记",
        "agreed": "按月召开支委会",
        "action_1": "补齐会议记录",
        "deadline_1": "2026-02-20",
        "action_2": "结对共建",
        "deadline_2": "2026-03-20",
    }
    data.update(extra)
    return data


def test_committee_opens_a_follow_up_from_the_page(client, results_world, committee):
    w = results_world
    client.force_login(committee)
    listing = client.get("/turnaround/")
    text = listing.content.decode()
    assert "后进党支部转化率" in text
    # the latest finished quarter's (Q3) lagging branches and units without a follow-up
    assert [r.branch_name for r in listing.context["untracked_branches"]] == ["乙局第一党支部"]
    assert [r.unit_name for r in listing.context["untracked_units"]] == ["省丙办"]
    assert f"/turnaround/new/?period={w['q']['q3'].pk}&amp;unit=" in text
    response = client.post("/turnaround/new/", new_form(w, w["branches"]["a1"]))
    t = Turnaround.objects.get()
    assert response.url == f"/turnaround/{t.pk}/"
    assert [(a.description, a.deadline) for a in t.actions.all()] == [
        ("补齐会议记录", dt.date(2026, 2, 20)),
        ("结对共建", dt.date(2026, 3, 20)),
    ]
    page = client.get(response.url).content.decode()
    assert "已转化" in page and "中间" in page


def test_the_form_shows_the_services_refusal(client, results_world, committee):
    w = results_world
    client.force_login(committee)
    response = client.post("/turnaround/new/", new_form(w, w["branches"]["b1"]))
    assert response.status_code == 400
    assert response.context["form"].errors["branch"] == [
        "该党支部在2025 年度大考不是后进支部，无需建立后进转化跟踪。"
    ]
    response = client.post(
        "/turnaround/new/", new_form(w, w["branches"]["a1"], deadline_1="", deadline_2="")
    )
    assert response.context["form"].errors["deadline_1"] == ["请填写这一项的完成期限。"]
    assert Turnaround.objects.count() == 0


@pytest.fixture
def a1_followed(results_world, committee):
    w = results_world
    return service.open_turnaround(
        by=committee,
        period=w["annual"],
        unit=w["units"]["a"],
        branch=w["branches"]["a1"],
        talk_on=TALK,
        participants="工委组织部部长",
        agreed="按月召开支委会",
        actions=[("补齐会议记录", dt.date(2026, 2, 20))],
    )


def test_unit_admin_records_progress_committee_closes(
    client, results_world, committee, a1_followed
):
    w = results_world
    t = a1_followed
    client.force_login(w["admin_a"])
    page = client.get(f"/turnaround/{t.pk}/").content.decode()
    assert "记录进展" in page and "结束跟踪" not in page
    step = t.actions.get()
    response = client.post(f"/turnaround/{t.pk}/progress/", {"note": "已补齐", "done": [step.pk]})
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.status == "in_progress"
    assert client.post(f"/turnaround/{t.pk}/close/", {"note": "x"}).status_code == 403
    client.force_login(committee)
    client.post(f"/turnaround/{t.pk}/close/", {"note": "已转化，结束跟踪"})
    t.refresh_from_db()
    assert t.status == "closed"


def test_others_cannot_reach_or_change(client, results_world, committee, leader, a1_followed):
    w = results_world
    t = a1_followed
    client.force_login(w["admin_b"])
    assert client.get(f"/turnaround/{t.pk}/").status_code == 404
    assert client.post(f"/turnaround/{t.pk}/progress/", {"note": "x"}).status_code == 404
    assert client.get("/turnaround/").context["overview"].tracked == []
    assert client.get("/turnaround/new/").status_code == 403
    client.force_login(leader)
    assert client.get(f"/turnaround/{t.pk}/").status_code == 200
    assert client.post(f"/turnaround/{t.pk}/progress/", {"note": "x"}).status_code == 403
    assert client.post(f"/turnaround/{t.pk}/close/", {"note": "x"}).status_code == 403
    assert client.post("/turnaround/new/", new_form(w, w["branches"]["a2"])).status_code == 403
    assert t.events.count() == 1


def test_the_list_keeps_its_query_count(client, results_world, committee, a1_followed):
    w = results_world
    client.force_login(committee)
    with CaptureQueriesContext(connection) as first:
        client.get("/turnaround/")
    for n in range(4):
        branch = BranchFactory(unit=w["units"]["b"], name=f"乙局新党支部{n}")
        for period in (w["q"]["q1"], w["q"]["q2"], w["q"]["q3"]):
            score(period, branch.unit, branch, tier="lagging")
        service.open_turnaround(
            by=committee,
            period=w["q"]["q1"],
            unit=branch.unit,
            branch=branch,
            talk_on=w["q"]["q1"].deadline,
            participants="工委",
            agreed="整改",
            actions=[("整改", w["q"]["q1"].deadline + dt.timedelta(days=30))],
        )
    with CaptureQueriesContext(connection) as second:
        response = client.get("/turnaround/")
    assert len(response.context["overview"].tracked) == 5
    assert len(second.captured_queries) == len(first.captured_queries)


def test_a_running_follow_up_keeps_its_branch_off_the_untracked_list(
    client, results_world, committee
):
    w = results_world
    client.force_login(committee)
    b1 = service.open_turnaround(
        by=committee,
        period=w["q"]["q2"],
        unit=w["units"]["b"],
        branch=w["branches"]["b1"],
        talk_on=w["q"]["q2"].deadline,
        participants="工委",
        agreed="整改",
        actions=[("整改", dt.date(2026, 8, 1))],
    )
    assert client.get("/turnaround/").context["untracked_branches"] == []
    service.close_turnaround(b1, by=committee, note="结束")
    untracked = client.get("/turnaround/").context["untracked_branches"]
    assert [r.branch_name for r in untracked] == ["乙局第一党支部"]
