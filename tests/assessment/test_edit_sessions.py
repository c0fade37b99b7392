"""为基层减负: minutes measured from edit sessions — first keystroke to last save, pauses cut."""

import datetime as dt
from decimal import Decimal

from assessment.models import EditSession, Submission
from assessment.selectors import burden as selectors
from assessment.services.burden import record_edit
from tests.assessment.signals_world import *  # noqa: F403
from tests.assessment.signals_world import at, filed
from tests.factories import BranchFactory

MIN = 60_000  # ms


def test_saves_within_a_few_minutes_make_one_session(sw):
    s = filed(sw, sw["q2"], sw["a1"], sw["i1"])
    t0 = at(dt.date(2026, 6, 20))
    record_edit(s, by=sw["user"], typed_ms=2 * MIN, now=t0)
    record_edit(s, by=sw["user"], typed_ms=MIN, now=t0 + dt.timedelta(minutes=3))
    record_edit(s, by=sw["user"], typed_ms=MIN, now=t0 + dt.timedelta(minutes=7))
    assert list(EditSession.objects.values_list("seconds", flat=True)) == [9 * 60]


def test_a_long_pause_starts_a_new_session_and_is_not_counted(sw):
    s = filed(sw, sw["q2"], sw["a1"], sw["i1"])
    t0 = at(dt.date(2026, 6, 20))
    record_edit(s, by=sw["user"], typed_ms=MIN, now=t0)
    record_edit(s, by=sw["user"], typed_ms=2 * MIN, now=t0 + dt.timedelta(hours=2))
    assert list(EditSession.objects.values_list("seconds", flat=True)) == [60, 120]


def test_a_form_left_open_counts_at_most_the_gap(sw):
    s = filed(sw, sw["q2"], sw["a1"], sw["i1"])
    record_edit(s, by=sw["user"], typed_ms=90 * MIN, now=at(dt.date(2026, 6, 20)))
    assert list(EditSession.objects.values_list("seconds", flat=True)) == [5 * 60]


def test_minutes_per_branch_and_item_medians_beside_the_estimate(sw):
    t0 = at(dt.date(2026, 6, 20))
    for branch, minutes in ((sw["a1"], 4), (sw["a2"], 6), (sw["b1"], 10)):
        s = filed(sw, sw["q2"], branch, sw["i1"])
        record_edit(s, by=sw["user"], typed_ms=minutes * MIN // 2, now=t0)
        record_edit(s, by=sw["user"], typed_ms=MIN, now=t0 + dt.timedelta(minutes=minutes // 2))
    periods, items = selectors.measured(sw["plan"], sw["plan"].systems.first())
    q2 = next(p for p in periods if p.period == sw["q2"])
    assert q2.by_category == {"窗口服务类": (1, 10.0), "经济调节类": (2, 5.0)}
    assert [(i.code, i.estimate, i.median, i.branches) for i in items] == [
        ("I1", 2.5, 6.0, 3),
        ("I2", 2.5, 0.0, 0),
    ]


def test_a_slow_item_that_scores_everyone_alike_is_a_candidate_to_simplify(sw, unit_a):
    t0 = at(dt.date(2026, 6, 20))
    for n in range(5):
        branch = BranchFactory(unit=unit_a)
        for item, score in ((sw["i1"], Decimal("8")), (sw["i2"], Decimal(5 + n))):
            s = filed(sw, sw["q2"], branch, item)
            Submission.objects.filter(pk=s.pk).update(
                status=Submission.Status.ACCEPTED, reviewer_score=score
            )
            record_edit(s, by=sw["user"], typed_ms=4 * MIN, now=t0)
    _periods, items = selectors.measured(sw["plan"], sw["plan"].systems.first())
    assert [(i.code, i.median, i.same_share, i.candidate) for i in items] == [
        ("I1", 4.0, 1.0, True),
        ("I2", 4.0, 0.2, False),
    ]
