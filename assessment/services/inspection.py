"""Joint inspection rounds: set up, draw, swap and move through draft → published → closed.

Only committee staff act here; each function checks the actor and is one transaction.
"""

import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import NotAllowed
from units.selectors import can_manage, scope_of
from units.workflow import TransitionNotAllowed, check_transition

from .. import agreement
from ..inspection import DrawError, Inspector, Item, draw, may_inspect, sample
from ..inspection_nav import bump_generation
from ..models import (
    ROUND_TRANSITIONS,
    VERDICT_TRANSITIONS,
    AssignmentSwap,
    ConflictDeclaration,
    Indicator,
    InspectionAssignment,
    InspectionFinding,
    InspectionRound,
    InspectionRoundTransition,
    InspectionVerdict,
    InspectorScore,
    Problem,
    RoundInspector,
    Standard,
    Submission,
)
from ..selectors.inspection import (
    round_conflict_pairs,
    round_items,
    round_ratings,
    scored_items,
    verdict_of,
)
from . import ledger
from .review import GRADE_SHARES, accept, graded_score
from .submissions import SubmissionError, ensure_open, record

# How long a unit has to answer a problem an inspector found on site.


class InspectionError(Exception):
    """The input cannot be taken; the message says why, in Chinese."""


class InspectionStateError(InspectionError, TransitionNotAllowed):
    """The round, item or period is not in a state for this action (the API's 409)."""


def _within(score, maximum) -> bool:
    """A score someone typed: a finite number from 0 to the item's maximum, in cents (a
    score of 1.999 is not silently stored as 2.00)."""
    return (
        score is not None
        and score.is_finite()
        and 0 <= score <= maximum
        and score == score.quantize(Decimal("0.01"))
    )


def _ensure_staff(user):
    if not can_manage(user):
        raise NotAllowed(_("只有工委工作人员可以组织联检联评。"))


def _ensure_own(assignment, user):
    """Only the named inspector acts on an assignment, and never through a read-only token."""
    if assignment.inspector.user_id != user.pk or scope_of(user).read_only:
        raise NotAllowed(_("这不是分配给您的评审项。"))


def _ensure_draft(round_):
    if round_.status != InspectionRound.Status.DRAFT:
        raise InspectionStateError(_("轮次已发布，不能再修改人员或重新抽签。"))


def _nav_changed():
    """Who holds open items changed: sessions recompute their 我的联检任务 link. Now and
    again on commit, so a page read in between cannot keep the old answer."""
    bump_generation()
    transaction.on_commit(bump_generation)


@transaction.atomic
def create_round(
    *,
    by,
    period,
    name,
    units,
    inspectors_per_item=2,
    rule=InspectionRound.Rule.OTHER_GROUP,
    tolerance=None,
    item_selection=InspectionRound.ItemSelection.ALL,
    sample_share=None,
    sample_count=None,
    standards=(),
    agreed_rule=InspectionRound.AgreedRule.MEAN,
    moderation=False,
    inspectors=(),
):
    """A draft round with its settings and its pool: `inspectors` are (user, unit) pairs."""
    _ensure_staff(by)
    name = (name or "").strip()
    if not name:
        raise InspectionError(_("请填写轮次名称。"))
    if not units:
        raise InspectionError(_("请选择受检单位。"))
    if inspectors_per_item < 1:
        raise InspectionError(_("每项评审人数至少为1。"))
    if tolerance is not None and not (Decimal(0) <= Decimal(tolerance) <= Decimal(1)):
        raise InspectionError(_("容差应在0到1之间（满分的比例）。"))
    selection = InspectionRound.ItemSelection
    if item_selection == selection.SHARE and not (
        sample_share is not None and Decimal(0) < Decimal(sample_share) <= Decimal(1)
    ):
        raise InspectionError(_("抽样比例应大于0且不超过1。"))
    if item_selection == selection.COUNT and not sample_count:
        raise InspectionError(_("请填写抽样数量。"))
    standards = [code for code in standards if code in Standard.values]
    if item_selection == selection.STANDARDS and not standards:
        raise InspectionError(_("请至少选择一项六实标准。"))
    fields = {"tolerance": tolerance} if tolerance is not None else {}
    round_ = InspectionRound.objects.create(
        period=period,
        name=name,
        inspectors_per_item=inspectors_per_item,
        rule=rule,
        item_selection=item_selection,
        sample_share=sample_share if item_selection == selection.SHARE else None,
        sample_count=sample_count if item_selection == selection.COUNT else None,
        standards=standards if item_selection == selection.STANDARDS else [],
        agreed_rule=agreed_rule,
        moderation=moderation,
        created_by=by,
        **fields,
    )
    round_.units.set(units)
    RoundInspector.objects.bulk_create(
        RoundInspector(round=round_, user=user, unit=unit)
        for user, unit in dict(inspectors).items()
    )
    return round_


@transaction.atomic
def name_inspector(*, by, round_, user, unit):
    _ensure_staff(by)
    _ensure_draft(round_)
    inspector, _created = RoundInspector.objects.get_or_create(
        round=round_, user=user, defaults={"unit": unit}
    )
    return inspector


@transaction.atomic
def declare_conflict(*, by, inspector, unit, reason):
    _ensure_staff(by)
    _ensure_draft(inspector.round)
    if not reason.strip():
        raise InspectionError(_("请写明回避原因。"))
    conflict, _created = ConflictDeclaration.objects.update_or_create(
        inspector=inspector, unit=unit, defaults={"reason": reason.strip()}
    )
    return conflict


def _pool(round_):
    return [
        Inspector(i.pk, i.unit_id, i.unit.group_id)
        for i in RoundInspector.objects.filter(round=round_).select_related("unit")
    ]


@transaction.atomic
def draw_round(*, by, round_, seed=None):
    """Draw (or redraw) the teams; the seed is recorded so the same seed draws the same."""
    _ensure_staff(by)
    round_ = InspectionRound.objects.select_for_update().get(pk=round_.pk)
    _ensure_draft(round_)
    seed = secrets.randbits(48) if seed is None else seed
    everything = {
        s.pk: Item(s.pk, s.unit_id, s.unit.group_id)
        for s in round_items(round_).select_related("unit")
    }
    # A sampled round samples with the drawing's seed: the same seed, the same items.
    items = [
        everything[pk]
        for pk in sample(
            everything, seed=seed, share=round_.sample_share, count=round_.sample_count
        )
    ]
    if not items:
        raise InspectionError(_("受检单位在本节点没有可检查的报送材料。"))
    try:
        teams = draw(
            items,
            _pool(round_),
            per_item=round_.inspectors_per_item,
            rule=round_.rule,
            seed=seed,
            conflicts=round_conflict_pairs(round_),
        )
    except DrawError as error:
        raise InspectionError(
            _("评审员不足：有报送材料只有%(eligible)d名符合条件的评审员，需要%(wanted)d名。")
            % {"eligible": error.eligible, "wanted": error.wanted}
        ) from error
    InspectionAssignment.objects.filter(round=round_).delete()
    InspectionAssignment.objects.bulk_create(
        InspectionAssignment(round=round_, submission_id=item_id, inspector_id=inspector_id)
        for item_id, inspector_ids in teams.items()
        for inspector_id in inspector_ids
    )
    round_.seed = seed
    round_.save(update_fields=["seed"])
    return round_


@transaction.atomic
def swap_inspector(*, by, assignment, to_inspector, reason):
    """Replace the inspector of one assignment; the new one must be eligible and free."""
    _ensure_staff(by)
    assignment = (
        InspectionAssignment.objects.select_for_update()
        .select_related("round", "submission__unit", "inspector")
        .get(pk=assignment.pk)
    )
    round_ = assignment.round
    if round_.status == InspectionRound.Status.CLOSED:
        raise InspectionStateError(_("轮次已结束，不能调换评审员。"))
    if not reason.strip():
        raise InspectionError(_("调换评审员必须写明原因。"))
    if to_inspector.round_id != round_.pk:
        raise InspectionError(_("该评审员不属于本轮次。"))
    if hasattr(assignment, "score"):
        raise InspectionError(_("该评审员已评分，不能调换。"))
    submission = assignment.submission
    item = Item(submission.pk, submission.unit_id, submission.unit.group_id)
    candidate = Inspector(to_inspector.pk, to_inspector.unit_id, to_inspector.unit.group_id)
    if not may_inspect(candidate, item, round_.rule, round_conflict_pairs(round_)):
        raise InspectionError(_("该评审员不符合抽取规则或已声明回避该单位。"))
    if InspectionAssignment.objects.filter(
        round=round_, submission=submission, inspector=to_inspector
    ).exists():
        raise InspectionError(_("该评审员已在本项的评审组中。"))
    AssignmentSwap.objects.create(
        assignment=assignment,
        from_inspector=assignment.inspector,
        to_inspector=to_inspector,
        reason=reason.strip(),
        by=by,
    )
    assignment.inspector = to_inspector
    assignment.save(update_fields=["inspector"])
    _nav_changed()
    return assignment


@transaction.atomic
def set_round_status(round_, to_status, *, by, reason=""):
    """The only place a round's status changes; every move is recorded."""
    _ensure_staff(by)
    locked = InspectionRound.objects.select_for_update().get(pk=round_.pk)
    try:
        check_transition(ROUND_TRANSITIONS, locked.status, to_status, InspectionRound.Status)
    except TransitionNotAllowed as refused:
        raise InspectionStateError(str(refused)) from refused
    if to_status == InspectionRound.Status.PUBLISHED and not locked.assignments.exists():
        raise InspectionStateError(_("请先抽签，确认分工后再发布。"))
    InspectionRoundTransition.objects.create(
        round=locked, from_status=locked.status, to_status=to_status, by=by, reason=reason.strip()
    )
    locked.status = to_status
    locked.save(update_fields=["status"])
    round_.status = to_status
    _nav_changed()
    return locked


def publish_round(round_, *, by):
    return set_round_status(round_, InspectionRound.Status.PUBLISHED, by=by)


def close_round(round_, *, by, reason=""):
    return set_round_status(round_, InspectionRound.Status.CLOSED, by=by, reason=reason)


@transaction.atomic
def score_item(assignment, *, by, grade="", score=None, comment=""):
    """An inspector's own score of an assigned item, while the round is open; saved again
    it replaces the earlier one. Graded items score as the review queue scores a grade."""
    assignment = (
        InspectionAssignment.objects.select_for_update()
        .select_related("round", "inspector", "submission__indicator")
        .get(pk=assignment.pk)
    )
    _ensure_own(assignment, by)
    if assignment.round.status != InspectionRound.Status.PUBLISHED:
        raise InspectionStateError(_("本轮联检联评不在检查期间。"))
    if verdict_of(assignment) is not None:
        raise InspectionStateError(_("本项已汇总，评分不能再修改。"))
    indicator = assignment.submission.indicator
    if indicator.kind == Indicator.Kind.GRADED:
        if grade not in Submission.Grade.values:
            raise InspectionError(_("请选择评档。"))
        score = graded_score(indicator, grade)
    else:
        grade = ""
        if not _within(score, indicator.max_score):
            raise InspectionError(
                _("评分须在0到满分%(max)s之间，最多两位小数。") % {"max": indicator.max_score}
            )
    saved, _created = InspectorScore.objects.update_or_create(
        assignment=assignment,
        defaults={"grade": grade, "score": score, "comment": comment.strip()},
    )
    return saved


def _nearest_grade(indicator, score):
    """The grade whose score is nearest; between two, the lower (the stricter reading)."""
    return min(
        GRADE_SHARES,
        key=lambda grade: (abs(graded_score(indicator, grade) - score), GRADE_SHARES[grade]),
    )


def _scores_line(round_, ratings, *, decided):
    parts = "；".join(f"{name} {score}" for name, score in ratings)
    return _("联检联评「%(round)s」评审员评分：%(scores)s；认定 %(decided)s") % {
        "round": round_.name,
        "scores": parts,
        "decided": decided,
    }


def _apply(submission, *, by, grade, score, line):
    """The decided score becomes the reviewer score through the review queue's own service,
    and the item's history records every inspector's score."""
    accept(
        submission,
        by=by,
        read_version=submission.version,
        grade=grade,
        score=score,
        comment=line,
    )
    record(submission, by=by, action="inspection", reason=line)


@transaction.atomic
def settle_round(round_, *, by):
    """Every item all of whose inspectors have scored and that is not settled yet: within
    tolerance it takes the agreed score, else it waits for arbitration. Returns
    (agreed, pending, skipped) counts; skipped items the review service refused."""
    _ensure_staff(by)
    round_ = InspectionRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status == InspectionRound.Status.DRAFT:
        raise InspectionStateError(_("轮次尚未发布。"))
    try:
        ensure_open(round_.period)
    except SubmissionError as refused:
        raise InspectionStateError(str(refused)) from refused
    ratings = round_ratings(round_)
    offsets = {}
    if round_.moderation:
        offsets = {
            rater: entry.offset or 0
            for rater, entry in agreement.leniency(r for r, _names in ratings.values()).items()
        }
    counts = {"agreed": 0, "pending": 0, "skipped": 0}
    for submission in scored_items(round_):
        rated, names = ratings[submission.pk]
        scores = rated.scores
        if round_.moderation:
            scores = agreement.moderated(scores, rated.max_score, offsets)
        values = list(scores.values())
        if not agreement.within_tolerance(values, rated.max_score, round_.tolerance):
            InspectionVerdict.objects.create(
                round=round_, submission=submission, outcome=InspectionVerdict.Outcome.PENDING
            )
            counts["pending"] += 1
            continue
        score = agreement.agreed_score(values, round_.agreed_rule)
        grade = ""
        if submission.indicator.kind == Indicator.Kind.GRADED:
            grade = _nearest_grade(submission.indicator, score)
            score = graded_score(submission.indicator, grade)
        line = _scores_line(
            round_,
            [(names[r], rated.scores[r]) for r in rated.scores],
            decided=f"{grade} {score}".strip(),
        )
        if round_.moderation:
            line += _("（宽严校正后：%(scores)s）") % {
                "scores": "；".join(f"{names[r]} {scores[r]}" for r in scores)
            }
        try:
            with transaction.atomic():
                _apply(submission, by=by, grade=grade, score=score, line=line)
                InspectionVerdict.objects.create(
                    round=round_,
                    submission=submission,
                    outcome=InspectionVerdict.Outcome.AGREED,
                    grade=grade,
                    score=score,
                    decided_by=by,
                    decided_at=timezone.now(),
                )
        except SubmissionError:
            counts["skipped"] += 1
            continue
        counts["agreed"] += 1
    return counts


@transaction.atomic
def arbitrate(verdict, *, by, grade="", score=None, comment=""):
    """Staff decide the score of an item whose inspectors disagreed beyond tolerance."""
    _ensure_staff(by)
    verdict = (
        InspectionVerdict.objects.select_for_update()
        .select_related("round__period", "submission__indicator")
        .get(pk=verdict.pk)
    )
    try:
        check_transition(
            VERDICT_TRANSITIONS,
            verdict.outcome,
            InspectionVerdict.Outcome.ARBITRATED,
            InspectionVerdict.Outcome,
        )
    except TransitionNotAllowed as refused:
        raise InspectionStateError(_("本项不在待仲裁状态。")) from refused
    comment = (comment or "").strip()
    if not comment:
        raise InspectionError(_("仲裁须写明理由。"))
    submission = verdict.submission
    indicator = submission.indicator
    if indicator.kind == Indicator.Kind.GRADED:
        if grade not in GRADE_SHARES:
            raise InspectionError(_("请选择评档。"))
        score = graded_score(indicator, grade)
    else:
        grade = ""
        if not _within(score, indicator.max_score):
            raise InspectionError(
                _("评分须在0到满分%(max)s之间，最多两位小数。") % {"max": indicator.max_score}
            )
    rated, names = round_ratings(verdict.round, submission_ids=[submission.pk])[submission.pk]
    line = _scores_line(
        verdict.round,
        [(names[r], s) for r, s in rated.scores.items()],
        decided=f"{grade} {score}".strip(),
    ) + _("（仲裁：%(comment)s）") % {"comment": comment}
    try:
        _apply(submission, by=by, grade=grade, score=score, line=line)
    except SubmissionError as refused:
        raise InspectionStateError(str(refused)) from refused
    verdict.outcome = InspectionVerdict.Outcome.ARBITRATED
    verdict.grade, verdict.score, verdict.comment = grade, score, comment
    verdict.decided_by, verdict.decided_at = by, timezone.now()
    verdict.save()
    return verdict


def _raise_finding_problem(finding, *, by, round_, submission):
    """The one place a finding becomes a problem on the ledger for the unit to rectify."""
    return ledger.raise_problem(
        by,
        unit=submission.unit,
        branch=submission.branch,
        source=Problem.Source.ON_SITE,
        description=_("联检联评「%(round)s」实地检查发现：%(text)s")
        % {"round": round_.name, "text": finding.text},
        indicators=[submission.indicator],
        origin=finding,
    )


@transaction.atomic
def record_finding(assignment, *, by, text):
    """An inspector's on-site finding on an assigned item, while the round is open."""
    assignment = InspectionAssignment.objects.select_related(
        "round__period__plan",
        "inspector",
        "submission__unit",
        "submission__branch",
        "submission__indicator",
    ).get(pk=assignment.pk)
    _ensure_own(assignment, by)
    if assignment.round.status != InspectionRound.Status.PUBLISHED:
        raise InspectionStateError(_("本轮联检联评不在检查期间。"))
    text = (text or "").strip()
    if not text:
        raise InspectionError(_("请写明发现的问题。"))
    finding = InspectionFinding.objects.create(
        assignment=assignment, unit=assignment.submission.unit, text=text, recorded_by=by
    )
    finding.problem = _raise_finding_problem(
        finding, by=by, round_=assignment.round, submission=assignment.submission
    )
    finding.save(update_fields=["problem"])
    return finding
