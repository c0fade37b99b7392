"""Review by committee staff (and the unit administrator's check): score, return, accept.

Scores:
- graded items (A/B/C/D) score GRADE_SHARES[grade] × max_score — the one place this
  mapping is written down;
- quantitative items score what the indicator's rule computes from the reported number
  (assessment.services.indicators.score_quantitative); the reviewer confirms it or, with
  a comment, enters another score;
- other items (yes/no, bonus, deduction) take the reviewer's score, defaulting to the
  self-score, never above max_score.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import ensure
from units.numbers import rounded

from ..models import Indicator, Submission
from ..scoring import schedule
from ..selectors import duty as duty_selectors
from ..selectors import review as selectors
from .submissions import (
    SubmissionError,
    VersionConflict,
    check_lengths,
    conditional_update,
    ensure_open,
    record,
    transition,
)

GRADE_SHARES = {
    Submission.Grade.A: Decimal("1.00"),
    Submission.Grade.B: Decimal("0.80"),
    Submission.Grade.C: Decimal("0.60"),
    Submission.Grade.D: Decimal("0.40"),
}
REVIEWABLE = {Submission.Status.SUBMITTED, Submission.Status.UNIT_CHECKED}


def graded_score(indicator, grade) -> Decimal:
    return rounded(indicator.max_score * GRADE_SHARES[grade])


def computed_score(submission) -> Decimal | None:
    """The score the item's rule gives the reported number (quantitative items only)."""
    indicator = submission.indicator
    if indicator.kind != Indicator.Kind.QUANTITATIVE or not indicator.rule:
        return None
    from .indicators import score_quantitative

    try:
        return score_quantitative(indicator.rule, submission.value, indicator.max_score)
    except (ValueError, TypeError, ArithmeticError):
        return None


def resolve_score(submission, *, grade="", score=None) -> tuple[str, Decimal]:
    """(grade, score) an acceptance records; raises SubmissionError when it lacks one."""
    indicator = submission.indicator
    if indicator.kind == Indicator.Kind.GRADED:
        if grade not in GRADE_SHARES:
            raise SubmissionError(_("请先评档（A/B/C/D）再通过。"))
        return grade, graded_score(indicator, grade)
    if score is None:
        score = computed_score(submission)
    if score is None:
        score = submission.self_score
    if score is None:
        raise SubmissionError(_("请填写审核得分再通过。"))
    score = Decimal(score)
    if indicator.kind == Indicator.Kind.DEDUCTION:
        if score > 0:
            score = -score
        if -score > indicator.max_score > 0:
            raise SubmissionError(_("扣分不能超过 %(max)s 分。") % {"max": indicator.max_score})
    elif score < 0 or (indicator.max_score and score > indicator.max_score):
        raise SubmissionError(_("得分应在 0 到 %(max)s 之间。") % {"max": indicator.max_score})
    return "", rounded(score)


def _ensure_committee_may_take(submission):
    plan = submission.period.plan
    if plan.require_unit_check and submission.status == Submission.Status.SUBMITTED:
        raise SubmissionError(_("本年度要求先经单位管理员审核，此项尚未审核。"))
    if duty_selectors.needs_party_confirmation(
        submission.period
    ) and not duty_selectors.is_confirmed(submission.period, submission.unit_id):
        raise SubmissionError(_("本节点要求先经本单位党组书记签字确认，尚未确认。"))


@transaction.atomic
def accept(submission, *, by, read_version, grade="", score=None, comment=""):
    """Accept a submitted item with its score. An accepted item may be scored again."""
    ensure(selectors.may_review(by, submission), _("只有工委工作人员可以审核评分。"))
    ensure_open(submission.period)
    grade, score = resolve_score(submission, grade=grade, score=score)
    schedule.after_review(submission)  # on commit only; a failed accept rolls it back
    comment = (comment or "").strip() or submission.reviewer_comment
    check_lengths({"reviewer_comment": comment})
    fields = {
        "grade": grade,
        "reviewer_score": score,
        "reviewer_comment": comment,
        "reviewed_by": by,
        "reviewed_at": timezone.now(),
    }
    if submission.status == Submission.Status.ACCEPTED:
        return rescore(submission, by=by, read_version=read_version, **fields)
    if submission.status not in REVIEWABLE:
        raise SubmissionError(
            _("此项%(status)s，不能通过。") % {"status": submission.get_status_display()}
        )
    _ensure_committee_may_take(submission)
    return transition(
        submission,
        Submission.Status.ACCEPTED,
        by=by,
        read_version=read_version,
        action="accept",
        **fields,
    )


def rescore(submission, *, by, read_version, **fields):
    ensure(selectors.may_review(by, submission), _("只有工委工作人员可以审核评分。"))
    before = {
        "grade": submission.grade,
        "reviewer_score": submission.reviewer_score,
        "reviewer_comment": submission.reviewer_comment,
    }
    changes = {
        name: [str(old) if old is not None else None, str(fields[name])]
        for name, old in before.items()
        if str(old if old is not None else "") != str(fields[name])
    }
    conditional_update(submission, read_version, **fields)
    if changes:
        record(submission, by=by, action="score", changes=changes)
    return submission


@transaction.atomic
def return_submission(submission, *, by, read_version, reason):
    """Send an item back to the branch with a reason it must answer before resubmitting."""
    ensure(selectors.may_return(by, submission), _("只有工委工作人员和本单位管理员可以退回此项。"))
    ensure_open(submission.period)
    reason = (reason or "").strip()
    if submission.is_measured:
        raise SubmissionError(_("系统取数项无需支部填写，不能退回；如数值有误，请修正并写明原因。"))
    if not reason:
        raise SubmissionError(_("退回时请写明原因，支部书记会看到它。"))
    check_lengths({"reviewer_comment": reason})
    transition(
        submission,
        Submission.Status.RETURNED,
        by=by,
        read_version=read_version,
        action="return",
        reason=reason,
        reviewer_comment=reason,
        answer="",
        grade="",
        reviewer_score=None,
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )
    from ..tasks import send_return_reminder

    pk, version = submission.pk, submission.version
    # robust: a broker outage is logged, never turns the committed return into an error page
    transaction.on_commit(lambda: send_return_reminder.delay(pk, version), robust=True)
    return submission


@dataclass
class BulkOutcome:
    accepted: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (submission, reason)


def bulk_accept(pairs, *, by, grade="") -> BulkOutcome:
    """Accept many items at once. `pairs` are (submission, version read). Graded items
    take `grade` when given; items that cannot be accepted are skipped with the reason."""
    ensure(selectors.may_review(by), _("只有工委工作人员可以审核评分。"))
    outcome = BulkOutcome()
    for submission, version in pairs:
        try:
            accept(submission, by=by, read_version=version, grade=grade)
        except VersionConflict:
            outcome.skipped.append((submission, _("已被他人修改")))
        except SubmissionError as exc:
            outcome.skipped.append((submission, str(exc)))
        else:
            outcome.accepted.append(submission)
    return outcome
