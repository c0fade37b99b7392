"""形式主义预警: the five signals, computed after a submission and in bulk, with evidence;
dismissed with a reason; never a score."""

import datetime as dt
from decimal import Decimal

import pytest

from assessment.models import FormalismSignal, Submission
from assessment.selectors import burden as selectors
from assessment.services import signals as service
from tests.assessment.signals_world import *  # noqa: F403
from tests.assessment.signals_world import (
    ONE_SENTENCE_CHANGED,
    REPORT,
    SAME_ACTIVITY_OTHER_BRANCH,
    at,
    filed,
)
from tests.factories import AnnualPlanFactory, PeriodFactory
from units.errors import NotAllowed
from units.workflow import TransitionNotAllowed

K = FormalismSignal.Kind


def found(**filters):
    return sorted(
        (s.kind, s.branch.name, s.submission.indicator.code if s.submission else "")
        for s in FormalismSignal.objects.filter(**filters).select_related(
            "branch", "submission__indicator"
        )
    )


def test_a_copy_of_another_branchs_narrative_names_that_branch(sw):
    a = filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    b = filed(sw, sw["q2"], sw["b1"], sw["i1"], ONE_SENTENCE_CHANGED)
    filed(sw, sw["q2"], sw["a2"], sw["i1"], SAME_ACTIVITY_OTHER_BRANCH)
    service.compute_period(sw["q2"])
    assert found(kind=K.COPIED_OTHER) == [
        ("copied_other", "乙局第一党支部", "I1"),
        ("copied_other", "甲厅第一党支部", "I1"),
    ]
    signal = FormalismSignal.objects.get(kind=K.COPIED_OTHER, submission=b)
    assert (signal.other_id, signal.similarity) == (a.pk, 0.701)


def test_two_different_reports_of_the_same_activity_raise_nothing(sw):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i1"], SAME_ACTIVITY_OTHER_BRANCH)
    assert service.compute_period(sw["q2"]) == 0


def test_the_same_text_for_different_items_is_not_compared(sw):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i2"], REPORT)
    assert service.compute_period(sw["q2"]) == 0


def test_last_quarters_own_answer_copied_is_flagged_with_the_similarity(sw):
    old = filed(sw, sw["q1"], sw["a1"], sw["i1"], REPORT)
    new = filed(sw, sw["q2"], sw["a1"], sw["i1"], ONE_SENTENCE_CHANGED)
    filed(sw, sw["q1"], sw["a2"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["a2"], sw["i1"], SAME_ACTIVITY_OTHER_BRANCH)
    service.compute_period(sw["q2"])
    signal = FormalismSignal.objects.get(kind=K.COPIED_OWN)
    assert (signal.submission, signal.other, signal.similarity) == (new, old, 0.701)
    assert signal.evidence == {"previous_period": "2026 第一季度"}


def test_the_same_file_for_items_of_two_branches(sw):
    sha = "ab" * 32
    filed(sw, sw["q2"], sw["a1"], sw["i1"], files=[("会议记录.pdf", sha)])
    filed(sw, sw["q2"], sw["b1"], sw["i2"], files=[("会议记录.pdf", sha)])
    filed(sw, sw["q2"], sw["a2"], sw["i1"], files=[("另一份.pdf", "cd" * 32)])
    service.compute_period(sw["q2"])
    assert found(kind=K.SHARED_FILE) == [
        ("shared_file", "乙局第一党支部", "I2"),
        ("shared_file", "甲厅第一党支部", "I1"),
    ]
    assert FormalismSignal.objects.filter(kind=K.SHARED_FILE).first().evidence == {
        "file": "会议记录.pdf",
        "sha256": "abababababab",
        "branches": ["乙局第一党支部", "甲厅第一党支部"],
    }


def test_a_burst_at_the_deadline_after_weeks_of_nothing(sw):
    items = [sw["i1"], sw["i2"]]
    for n in range(3):
        for item in items:
            code = f"B{n}{item.code}"
            extra = type(item).objects.create(
                system=item.system, parent=item.parent, code=code, name=code, kind=item.kind
            )
            filed(sw, sw["q2"], sw["a1"], extra, when=at(dt.date(2026, 7, 10), 9 + n))
            filed(sw, sw["q2"], sw["a2"], extra, when=at(dt.date(2026, 6, 20)))
    service.compute_period(sw["q2"])
    assert found(kind=K.BURST) == [("burst", "甲厅第一党支部", "")]
    assert FormalismSignal.objects.get(kind=K.BURST).evidence == {
        "opens_on": "2026-06-15",
        "deadline": "2026-07-10",
        "first": "2026-07-10 09:00",
        "last": "2026-07-10 11:00",
        "items": 6,
        "quiet_days": 25,
    }


def test_full_marks_on_every_item_for_three_quarters(sw):
    q4 = PeriodFactory(
        plan=AnnualPlanFactory(year=2025),
        kind="q4",
        opens_on=dt.date(2025, 11, 15),
        deadline=dt.date(2025, 12, 10),
    )
    full, nine = Decimal("10"), Decimal("9")
    for period in (q4, sw["q1"], sw["q2"]):
        for item in (sw["i1"], sw["i2"]):
            filed(sw, period, sw["a1"], item, self_score=full)
            filed(sw, period, sw["b1"], item, self_score=nine if period == q4 else full)
    service.compute_period(sw["q2"])
    assert found(kind=K.FULL_MARKS) == [("full_marks", "甲厅第一党支部", "")]
    assert FormalismSignal.objects.get(kind=K.FULL_MARKS).evidence == {
        "periods": ["2026 第二季度", "2026 第一季度", "2025 第四季度"],
        "items": [2, 2, 2],
    }


def test_checking_one_branch_after_it_submits_finds_the_same_as_the_bulk_run(sw):
    filed(sw, sw["q1"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    late = filed(sw, sw["q2"], sw["a1"], sw["i1"], ONE_SENTENCE_CHANGED)
    # Checking b1 finds the copy on both sides, though a1's item was never checked itself.
    service.check_submissions(sw["q2"], sw["b1"].pk)
    assert found() == [
        ("copied_other", "乙局第一党支部", "I1"),
        ("copied_other", "甲厅第一党支部", "I1"),
    ]
    service.check_submission(late)
    one_by_one = found()
    FormalismSignal.objects.all().delete()
    service.compute_period(sw["q2"])
    assert (
        one_by_one
        == found()
        == [
            ("copied_other", "乙局第一党支部", "I1"),
            ("copied_other", "甲厅第一党支部", "I1"),
            ("copied_own", "甲厅第一党支部", "I1"),
        ]
    )


def test_a_recomputation_keeps_rows_and_drops_what_no_longer_holds(sw):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    b = filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    service.compute_period(sw["q2"])
    ids = set(FormalismSignal.objects.values_list("pk", flat=True))
    assert service.compute_period(sw["q2"]) == 2
    assert set(FormalismSignal.objects.values_list("pk", flat=True)) == ids
    Submission.objects.filter(pk=b.pk).update(narrative=SAME_ACTIVITY_OTHER_BRANCH)
    assert service.compute_period(sw["q2"]) == 0


def test_a_dismissed_signal_stays_dismissed_with_its_reason(sw, committee):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    service.compute_period(sw["q2"])
    signal = FormalismSignal.objects.first()
    service.dismiss(signal, by=committee, reason="两支部联合开展活动，共用一份报告")
    assert service.compute_period(sw["q2"]) == 1
    signal.refresh_from_db()
    assert (signal.status, signal.dismiss_reason, signal.dismissed_by) == (
        "dismissed",
        "两支部联合开展活动，共用一份报告",
        committee,
    )
    with pytest.raises(TransitionNotAllowed):
        service.dismiss(signal, by=committee, reason="再次")


def test_dismissing_needs_staff_and_a_reason(sw, committee, leader):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    service.compute_period(sw["q2"])
    signal = FormalismSignal.objects.first()
    with pytest.raises(NotAllowed, match="只有工委工作人员"):
        service.dismiss(signal, by=leader, reason="x")
    with pytest.raises(service.SignalError, match="请填写排除理由"):
        service.dismiss(signal, by=committee, reason="  ")


def test_signals_never_change_a_score(sw):
    a = filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT, self_score=Decimal("10"))
    Submission.objects.filter(pk=a.pk).update(reviewer_score=Decimal("8"), grade="B")
    filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    service.compute_period(sw["q2"])
    a.refresh_from_db()
    assert (a.self_score, a.reviewer_score, a.grade) == (Decimal("10"), Decimal("8"), "B")


def test_the_review_queue_filter_and_badges(sw):
    a = filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["a2"], sw["i1"], SAME_ACTIVITY_OTHER_BRANCH)
    b = filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    service.compute_period(sw["q2"])
    queue = Submission.objects.filter(period=sw["q2"])
    assert set(selectors.flagged_only(queue)) == {a, b}
    assert list(selectors.flagged_only(queue, K.BURST)) == []
    rows = list(queue.order_by("pk"))
    assert selectors.kinds_by_submission(rows) == {
        a.pk: [("copied_other", "与其他支部雷同")],
        b.pk: [("copied_other", "与其他支部雷同")],
    }


def test_counts_by_unit_and_kind(sw):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["a2"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    service.compute_period(sw["q2"])
    rows, totals = selectors.counts_by_unit(sw["q2"])
    assert rows == [("省甲厅", {"copied_other": 4}, 4), ("省乙局", {"copied_other": 2}, 2)]
    assert totals == {"copied_other": 6}
