"""后进转化 (issue 16 §5): follow-ups opened, progressed and closed through the services, the
actor checked there, and the conversion rate worked by hand on
tests/assessment/results_world.py.

By hand. Branch follow-ups and their following finished quarters (2026 Q1–Q3; Q4 is open):
- A1 from the 2025 annual: Q1 后进, Q2 中间 → converted (left within two quarters);
- A2 from the 2025 annual: Q1 后进, Q2 后进 → still lagging after two quarters (although it
  is 先进 in Q3, the third quarter is outside the window);
- C1 from 2026 Q1: Q2 先进 → converted;
- B1 from 2026 Q2: Q3 后进, one quarter only → pending.
Branches: converted 2, still lagging 1, pending 1: rate 2 ÷ 3 = 66.7 %.
Units: D (较差 in the 2025 annual) is 一般 in Q1 → converted; C (vetoed) is vetoed in Q1 and
Q2 → still lagging. Units: 1 ÷ 2 = 50.0 %.
Still lagging in their latest quarter (Q3): B1 and C; A2 is 先进 there.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import Turnaround, TurnaroundEvent
from assessment.rules import turnaround_outcome
from assessment.selectors import turnaround as selectors
from assessment.services import turnaround as service
from tests.assessment.results_world import *  # noqa: F403
from tests.assessment.results_world import score
from tests.factories import BranchFactory, user_with_role
from units.models import Role
from units.selectors import narrow_scope
from units.workflow import TransitionNotAllowed

TALK = dt.date(2026, 1, 20)


def open_for(w, by, period, unit, branch=None, **extra):
    talk = max(TALK, period.opens_on)  # a talk follows the period's results
    fields = {
        "talk_on": talk,
        "participants": "工委组织部部长；机关党委专职副书记；支部书记",
        "agreed": "对照六实标准查摆问题，按月召开支委会",
        "actions": [("支委会专题研究整改清单", talk + dt.timedelta(days=30))],
    }
    fields.update(extra)
    return service.open_turnaround(by=by, period=period, unit=unit, branch=branch, **fields)


@pytest.fixture
def followed(results_world, committee):
    w = results_world
    u, b, q = w["units"], w["branches"], w["q"]
    return {
        "a1": open_for(w, committee, w["annual"], u["a"], b["a1"]),
        "a2": open_for(w, committee, w["annual"], u["a"], b["a2"]),
        "c1": open_for(w, committee, q["q1"], u["c"], b["c1"]),
        "b1": open_for(w, committee, q["q2"], u["b"], b["b1"]),
        "d": open_for(w, committee, w["annual"], u["d"]),
        "c": open_for(w, committee, w["annual"], u["c"]),
    }


def test_the_outcome_rule():
    assert turnaround_outcome([True, False]) == "converted"
    assert turnaround_outcome([False]) == "converted"
    assert turnaround_outcome([True, True, False]) == "lagging"
    assert turnaround_outcome([True]) == "pending"
    assert turnaround_outcome([]) == "pending"
    assert turnaround_outcome([None, None]) == "lagging"


def test_the_reason_is_read_from_the_scores(followed):
    assert {k: t.reason for k, t in followed.items()} == {
        "a1": "lagging",
        "a2": "lagging",
        "c1": "lagging",
        "b1": "lagging",
        "d": "poor",
        "c": "vetoed",
    }
    assert followed["a1"].status == "talked"
    assert [a.description for a in followed["a1"].actions.all()] == ["支委会专题研究整改清单"]
    event = TurnaroundEvent.objects.get(turnaround=followed["a1"])
    assert (event.from_status, event.to_status) == ("", "talked")


def test_conversion_rate_worked_by_hand(followed, committee):
    overview = selectors.overview(committee)
    outcomes = {t.turnaround.subject_name: t.outcome for t in overview.tracked}
    assert outcomes == {
        "甲厅第一党支部": "converted",
        "甲厅第二党支部": "lagging",
        "丙办第一党支部": "converted",
        "乙局第一党支部": "pending",
        "省丁委": "converted",
        "省丙办": "lagging",
    }
    b = overview.branches
    assert (b.total, b.converted, b.still_lagging, b.pending, b.decided, b.rate) == (
        4,
        2,
        1,
        1,
        3,
        Decimal("66.7"),
    )
    units = overview.units
    assert (units.converted, units.still_lagging, units.pending, units.rate) == (
        1,
        1,
        0,
        Decimal("50.0"),
    )
    assert sorted(t.turnaround.subject_name for t in overview.still_lagging) == [
        "乙局第一党支部",
        "省丙办",
    ]


def test_each_follow_up_tracks_every_following_finished_quarter(followed, committee):
    (tracked,) = selectors.track([followed["a2"]])
    assert [(s.period.kind, s.label, s.lagging) for s in tracked.steps] == [
        ("q1", "后进", True),
        ("q2", "后进", True),
        ("q3", "先进", False),
    ]
    assert tracked.source.tier == "lagging"
    (unit,) = selectors.track([followed["c"]])
    assert [(s.label, s.lagging) for s in unit.steps] == [("一般", True)] * 3


def test_the_overview_reads_a_fixed_number_of_queries(followed, results_world, committee):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.overview(committee)
        return len(ctx.captured_queries)

    before = count()
    w = results_world
    for n in range(4):
        branch = BranchFactory(unit=w["units"]["b"], name=f"乙局新党支部{n}")
        for period in (w["annual"], w["q"]["q1"], w["q"]["q2"]):
            score(period, branch.unit, branch, tier="lagging")
        open_for(w, committee, w["q"]["q1"], branch.unit, branch)
    assert Turnaround.objects.count() == 10
    assert count() == before


def test_a_subject_that_is_not_lagging_is_refused(results_world, committee):
    w = results_world
    with pytest.raises(service.TurnaroundError) as refused:
        open_for(w, committee, w["annual"], w["units"]["b"], w["branches"]["b1"])
    assert str(refused.value) == "该党支部在2025 年度大考不是后进支部，无需建立后进转化跟踪。"
    with pytest.raises(service.TurnaroundError) as refused:
        open_for(w, committee, w["annual"], w["units"]["a"])
    assert "既不是“较差”等次" in str(refused.value)


def test_input_is_checked(results_world, committee):
    w = results_world
    u, b = w["units"], w["branches"]
    cases = [
        ({"actions": []}, "转化计划至少要有一项，并写明完成期限。"),
        ({"participants": "  "}, "请填写参加约谈的人员。"),
        (
            {"actions": [("补齐材料", TALK - dt.timedelta(days=1))]},
            "“补齐材料”的完成期限须不早于约谈日期。",
        ),
        ({"talk_on": dt.date(2999, 1, 1)}, "约谈日期不能晚于今天：约谈完成后再记录。"),
        (
            {"talk_on": w["annual"].opens_on - dt.timedelta(days=1)},
            f"约谈日期不能早于{w['annual']}开始报送的日期 {w['annual'].opens_on.isoformat()}。",
        ),
    ]
    for extra, message in cases:
        with pytest.raises(service.TurnaroundError) as refused:
            open_for(w, committee, w["annual"], u["a"], b["a1"], **extra)
        assert str(refused.value) == message
    with pytest.raises(service.TurnaroundError, match="已截止或已发布"):
        open_for(w, committee, w["q"]["q4"], u["a"], b["a1"])
    with pytest.raises(service.TurnaroundError, match="不属于该单位"):
        open_for(w, committee, w["annual"], u["b"], b["a1"])
    open_for(w, committee, w["annual"], u["a"], b["a1"])
    with pytest.raises(service.TurnaroundError, match="已建立后进转化跟踪"):
        open_for(w, committee, w["annual"], u["a"], b["a1"])


def test_only_committee_staff_open_and_close(results_world, committee, leader):
    w = results_world
    u, b = w["units"], w["branches"]
    for actor in (leader, w["admin_a"]):
        with pytest.raises(PermissionDenied):
            open_for(w, actor, w["annual"], u["a"], b["a1"])
    narrowed = type(committee).objects.get(pk=committee.pk)
    narrow_scope(narrowed, unit_id=u["a"].pk)
    with pytest.raises(PermissionDenied):
        open_for(w, narrowed, w["annual"], u["a"], b["a1"])
    reader = type(committee).objects.get(pk=committee.pk)
    narrow_scope(reader, read_only=True)
    with pytest.raises(PermissionDenied):
        open_for(w, reader, w["annual"], u["a"], b["a1"])
    t = open_for(w, committee, w["annual"], u["a"], b["a1"])
    with pytest.raises(PermissionDenied):
        service.close_turnaround(t, by=w["admin_a"], note="已转化")
    service.close_turnaround(t, by=committee, note="已转化，结束跟踪")
    t.refresh_from_db()
    assert (t.status, t.closing_note) == ("closed", "已转化，结束跟踪")


def test_the_units_administrator_records_progress_on_its_own_branches(followed, committee):
    w_admin_a = type(committee).objects.get(username="admin_a")
    w_admin_b = type(committee).objects.get(username="admin_b")
    a1 = followed["a1"]
    step = a1.actions.get()
    with pytest.raises(PermissionDenied):
        service.record_progress(a1, by=w_admin_b, note="越权")
    reader = type(committee).objects.get(pk=w_admin_a.pk)
    narrow_scope(reader, read_only=True)
    with pytest.raises(PermissionDenied):
        service.record_progress(a1, by=reader, note="只读令牌")
    service.record_progress(a1, by=w_admin_a, note="支委会已研究", done=[step.pk])
    a1.refresh_from_db()
    step.refresh_from_db()
    assert a1.status == "in_progress"
    assert (step.done_on is not None, step.progress) == (True, "支委会已研究")
    service.record_progress(a1, by=w_admin_a, note="结对共建已开展")
    moves = list(a1.events.values_list("from_status", "to_status", "note"))
    assert moves == [
        ("", "talked", "对照六实标准查摆问题，按月召开支委会"),
        ("talked", "in_progress", "支委会已研究"),
        ("in_progress", "in_progress", "结对共建已开展"),
    ]
    with pytest.raises(service.TurnaroundError, match="不属于这项跟踪"):
        service.record_progress(a1, by=w_admin_a, note="x", done=[followed["a2"].actions.get().pk])
    service.close_turnaround(a1, by=committee, note="结束")
    with pytest.raises(TransitionNotAllowed):
        service.record_progress(a1, by=w_admin_a, note="再报")
    with pytest.raises(TransitionNotAllowed):
        service.close_turnaround(a1, by=committee, note="再结束")


def test_who_sees_which_follow_ups(followed, results_world, committee, leader):
    admin_a = type(committee).objects.get(username="admin_a")
    secretary = user_with_role(Role.Kind.SECRETARY, branch=results_world["branches"]["a1"])
    assert selectors.turnarounds_visible_to(leader).count() == 6
    assert sorted(t.subject_name for t in selectors.turnarounds_visible_to(admin_a)) == [
        "甲厅第一党支部",
        "甲厅第二党支部",
    ]
    assert not selectors.may_view(secretary)
