"""Agreement, arbitration and on-site findings of a round, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from assessment.models import (
    InspectionRound,
    InspectionVerdict,
    Problem,
    Standard,
    Submission,
    SubmissionEvent,
)
from assessment.selectors.inspection import arbitration_queue, round_figures, round_items
from assessment.services import inspection as service
from tests.assessment.inspection_world import *  # noqa: F403


@pytest.fixture
def published(committee, round_):
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    return round_


def pair(round_, submission):
    zhang = round_.assignments.get(submission=submission, inspector__user__full_name="丙委张三")
    li = round_.assignments.get(submission=submission, inspector__user__full_name="丁办李四")
    return zhang, li


def score_all(round_, grades):
    """grades: {submission: (张三's grade, 李四's grade)}"""
    for submission, (first, second) in grades.items():
        zhang, li = pair(round_, submission)
        service.score_item(zhang, by=zhang.inspector.user, grade=first, comment=f"张{first}")
        service.score_item(li, by=li.inspector.user, grade=second, comment=f"李{second}")


def test_scores_within_tolerance_become_the_reviewer_score_with_history(
    committee, published, items
):
    first, second, third = items
    score_all(published, {first: ("A", "B"), second: ("B", "B"), third: ("A", "C")})
    counts = service.settle_round(published, by=committee)
    assert counts == {"agreed": 2, "pending": 1, "skipped": 0}
    first.refresh_from_db()
    second.refresh_from_db()
    # A (10) and B (8): mean 9 lies between two grades, the stricter B is recorded.
    assert (first.status, first.grade, first.reviewer_score) == ("accepted", "B", Decimal("8.00"))
    assert (second.status, second.grade, second.reviewer_score) == (
        "accepted",
        "B",
        Decimal("8.00"),
    )
    event = SubmissionEvent.objects.get(submission=first, action="inspection")
    assert "丙委张三 10.00" in event.reason and "丁办李四 8.00" in event.reason
    assert event.by == committee
    third.refresh_from_db()
    assert third.reviewer_score is None  # A vs C: 4 points apart, more than one grade
    pending = arbitration_queue(published)
    assert [row["verdict"].submission for row in pending] == [third]
    assert sorted(s.comment for s in pending[0]["scores"]) == ["张A", "李C"]
    # Settling again changes nothing.
    assert service.settle_round(published, by=committee) == {
        "agreed": 0,
        "pending": 0,
        "skipped": 0,
    }


def test_arbitration_decides_with_a_reason(committee, published, items):
    third = items[2]
    score_all(published, {third: ("A", "D")})
    service.settle_round(published, by=committee)
    verdict = InspectionVerdict.objects.get(submission=third)
    with pytest.raises(service.InspectionError):
        service.arbitrate(verdict, by=committee, grade="B", comment="")
    with pytest.raises(PermissionDenied):
        service.arbitrate(verdict, by=published.inspectors.first().user, grade="B", comment="x")
    service.arbitrate(verdict, by=committee, grade="B", comment="现场记录支持B档")
    verdict.refresh_from_db()
    third.refresh_from_db()
    assert (verdict.outcome, verdict.score) == ("arbitrated", Decimal("8.00"))
    assert (third.grade, third.reviewer_score) == ("B", Decimal("8.00"))
    assert (
        "现场记录支持B档"
        in SubmissionEvent.objects.get(submission=third, action="inspection").reason
    )
    with pytest.raises(service.InspectionError):
        service.arbitrate(verdict, by=committee, grade="A", comment="再改")


def test_a_settled_item_cannot_be_rescored(committee, published, items):
    first = items[0]
    score_all(published, {first: ("A", "A")})
    service.settle_round(published, by=committee)
    zhang, _li = pair(published, first)
    with pytest.raises(service.InspectionError):
        service.score_item(zhang, by=zhang.inspector.user, grade="D")


def test_figures_and_leniency(committee, published, items):
    first, second, third = items
    score_all(published, {first: ("A", "B"), second: ("A", "B"), third: ("B", "B")})
    figures = round_figures(published)
    overall = figures["overall"]
    assert (overall.items, overall.within, overall.share_within) == (3, 3, 1.0)
    assert overall.mean_abs_diff == pytest.approx((0.2 + 0.2 + 0) / 3)
    by_name = {row["inspector"].user.full_name: row for row in figures["leniency"]}
    assert by_name["丙委张三"]["offset"] == pytest.approx((0.1 + 0.1 + 0) / 3)
    assert by_name["丁办李四"]["offset"] == pytest.approx(-(0.1 + 0.1 + 0) / 3)
    assert by_name["丙委张三"]["items"] == 3
    assert figures["leniency"][0]["inspector"].user.full_name == "丙委张三"  # most lenient first
    assert [row["flag"] for row in figures["leniency"]] == ["lenient", "severe"]


def test_moderation_removes_the_measured_leniency(committee, round_, items):
    InspectionRound.objects.filter(pk=round_.pk).update(moderation=True)
    round_.refresh_from_db()
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    first, second, third = items
    # 张三 always one grade above 李四: offsets +0.1 and −0.1 of full marks; moderated both
    # score 9, graded to the stricter B.
    score_all(round_, {first: ("A", "B"), second: ("A", "B"), third: ("B", "C")})
    assert service.settle_round(round_, by=committee)["agreed"] == 3
    third.refresh_from_db()
    assert (third.grade, third.reviewer_score) == ("C", Decimal("6.00"))
    line = SubmissionEvent.objects.get(submission=third, action="inspection").reason
    assert "丙委张三 8.00；丁办李四 6.00" in line  # their own scores
    assert "宽严校正后：丙委张三 7.00；丁办李四 7.00" in line


def test_a_finding_raises_a_rectification_problem(committee, published, items):
    first = items[0]
    zhang, li = pair(published, first)
    with pytest.raises(PermissionDenied):
        service.record_finding(zhang, by=li.inspector.user, text="台账缺页")
    with pytest.raises(service.InspectionError):
        service.record_finding(zhang, by=zhang.inspector.user, text=" ")
    finding = service.record_finding(zhang, by=zhang.inspector.user, text="台账缺第三季度会议记录")
    problem = Problem.objects.get()
    assert finding.problem == problem
    assert (problem.unit, problem.branch) == (first.unit, first.branch)
    assert (problem.source, problem.origin, problem.raised_by) == (
        Problem.Source.ON_SITE,
        finding,
        zhang.inspector.user,
    )
    assert "台账缺第三季度会议记录" in problem.description
    assert list(problem.indicators.all()) == [first.indicator]
    service.close_round(published, by=committee)
    with pytest.raises(service.InspectionError):
        service.record_finding(zhang, by=zhang.inspector.user, text="再记一条")


def test_create_round_checks_its_settings(committee, unit_admin, period, world, graded):
    units = [world["unit_a"]]
    with pytest.raises(PermissionDenied):
        service.create_round(by=unit_admin, period=period, name="x", units=units)
    with pytest.raises(service.InspectionError):
        service.create_round(
            by=committee, period=period, name="x", units=units, tolerance=Decimal("2")
        )
    with pytest.raises(service.InspectionError):
        service.create_round(
            by=committee, period=period, name="x", units=units, item_selection="standards"
        )
    round_ = service.create_round(
        by=committee,
        period=period,
        name="六实抽查",
        units=units,
        item_selection="standards",
        standards=[Standard.BELIEF, "nonsense"],
    )
    assert round_.standards == [Standard.BELIEF]
    Submission.objects.create(
        period=period,
        indicator=graded,
        unit=world["unit_a"],
        branch=world["a1"],
        status="submitted",
    )
    assert not round_items(round_).exists()  # the graded item is 组织夯实, not 信念坚实
