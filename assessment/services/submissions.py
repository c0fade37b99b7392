"""A branch's quarterly evidence: drafts, submission, and the one transition service.

Rules kept here:
- only an open period accepts changes; after the deadline a submission is still accepted
  while the period is open, and is marked late;
- every save names the version it read (optimistic lock): a conditional UPDATE ... WHERE
  version = read_version, so no update is ever silently lost;
- every change and every status move writes a SubmissionEvent with before and after;
- a reported number must be what the item says it is (assessment.rules.number_problem):
  an impossible value is refused before anything is written;
- an item the platform measures (系统取数) is never filled in by a branch.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import ensure
from units.workflow import TransitionNotAllowed, check_transition

from ..models import SUBMISSION_TRANSITIONS, Evidence, Period, Submission, SubmissionEvent
from ..rules import number_problem
from ..selectors import submissions as selectors
from ..selectors.plans import items_for

EDITABLE = {Submission.Status.DRAFT, Submission.Status.RETURNED}
DONE = {Submission.Status.SUBMITTED, Submission.Status.UNIT_CHECKED, Submission.Status.ACCEPTED}
DRAFT_FIELDS = ("value", "narrative", "self_score", "answer")
# Autosave every few seconds would flood the history: saves by the same person within this
# window are folded into one "save" event that keeps the first "before" and the last "after".
SAVE_COALESCE = timedelta(minutes=15)


class SubmissionError(Exception):
    """A refused action; the message is shown to the user as it is."""


class PeriodLocked(SubmissionError):
    pass


class NotEditable(SubmissionError):
    pass


class InvalidInput(SubmissionError):
    """Input the rules refuse whichever door it came through; ``field`` names the field."""

    def __init__(self, message, *, field):
        self.field = field
        super().__init__(message)


def check_lengths(values: dict, model=Submission) -> None:
    """The field limits of the model, for every door (the UPDATEs here skip full_clean)."""
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit and isinstance(value, str) and len(value) > limit:
            label = model._meta.get_field(name).verbose_name
            raise InvalidInput(
                _("“%(field)s”最多 %(max)d 个字，现有 %(n)d 个。")
                % {"field": label, "max": limit, "n": len(value)},
                field=name,
            )


class InvalidNumber(SubmissionError):
    """A reported number outside what the item's number kind allows; `field` names it."""

    field = "value"


def check_number(indicator, value) -> None:
    """Refuse a value the item's number kind does not allow, naming the field and range."""
    problem = number_problem(
        value,
        label=indicator.number_label or indicator.name,
        number_kind=indicator.number_kind,
        number_max=indicator.number_max,
    )
    if problem:
        raise InvalidNumber(problem)


class VersionConflict(SubmissionError):
    def __init__(self, current: Submission):
        self.current = current
        super().__init__(
            _("此项已被 %(who)s 于 %(when)s 修改，您的修改没有保存。请查看最新内容后再操作。")
            % {
                "who": _last_actor(current),
                "when": timezone.localtime(current.updated_at).strftime("%m-%d %H:%M:%S"),
            }
        )


def _last_actor(submission) -> str:
    event = submission.events.select_related("by").order_by("-at", "-pk").first()
    return event.by.display_name if event else _("他人")


def ensure_open(period: Period) -> None:
    if period.status != Period.Status.OPEN:
        raise PeriodLocked(
            _("%(period)s%(status)s，材料和评分都不能再修改。如确需修改，请联系机关工委重新开放。")
            % {"period": period, "status": period.get_status_display()}
        )


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(submission, *, by, action, from_status="", to_status="", changes=None, reason=""):
    return SubmissionEvent.objects.create(
        submission=submission,
        by=by,
        action=action,
        from_status=from_status,
        to_status=to_status,
        changes=changes or {},
        reason=reason,
    )


# Bookkeeping fields the history shows through the event itself (who, when).
NOT_DIFFED = {"reviewed_by", "reviewed_at", "submitted_at", "measured_at"}


def _diff(submission, fields: dict) -> dict:
    changes = {}
    for name, after in fields.items():
        if name in NOT_DIFFED:
            continue
        before = getattr(submission, name)
        if _plain(before) != _plain(after):
            changes[name] = [_plain(before), _plain(after)]
    return changes


def conditional_update(submission: Submission, read_version: int, **fields) -> Submission:
    """UPDATE ... WHERE pk = ? AND version = read_version; raises VersionConflict with the
    current row when someone else saved first."""
    now = timezone.now()
    updated = Submission.objects.filter(pk=submission.pk, version=read_version).update(
        version=F("version") + 1, updated_at=now, **fields
    )
    if not updated:
        raise VersionConflict(Submission.objects.get(pk=submission.pk))
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.version = read_version + 1
    submission.updated_at = now
    return submission


def transition(submission, to_status, *, by, read_version, action, reason="", **fields):
    """The only place a submission's status changes; writes the history row."""
    try:
        check_transition(SUBMISSION_TRANSITIONS, submission.status, to_status, Submission.Status)
    except TransitionNotAllowed as exc:
        raise SubmissionError(str(exc)) from exc
    from_status = submission.status
    changes = _diff(submission, fields)
    if reason and changes.get("reviewer_comment", [None, None])[1] == reason:
        changes.pop("reviewer_comment")  # the event's reason already says it
    conditional_update(submission, read_version, status=to_status, **fields)
    record(
        submission,
        by=by,
        action=action,
        from_status=from_status,
        to_status=to_status,
        changes=changes,
        reason=reason,
    )
    return submission


def _record_save(submission, *, by, changes):
    if not changes:
        return
    last = submission.events.order_by("-at", "-pk").first()
    if (
        last is not None
        and last.action == "save"
        and last.by_id == by.pk
        and timezone.now() - last.at < SAVE_COALESCE
    ):
        merged = dict(last.changes)
        for name, (before, after) in changes.items():
            first_before = merged[name][0] if name in merged else before
            if first_before == after:
                merged.pop(name, None)
            else:
                merged[name] = [first_before, after]
        last.changes = merged
        last.save(update_fields=["changes"])
        return
    record(submission, by=by, action="save", changes=changes)


def _evidence_names(ids) -> list:
    return sorted(Evidence.objects.filter(pk__in=ids).values_list("original_name", flat=True))


@transaction.atomic
def save_draft(
    period, branch, indicator, *, by, read_version: int, data: dict, evidence=None, add=()
):
    """Save a draft (or a returned item being corrected). `data` holds any of DRAFT_FIELDS;
    `evidence` (optional) is the full set of linked files; `add` are files to link too.
    read_version 0 means the form was opened before the item existed."""
    ensure(selectors.may_edit_branch(by, branch), _("只有本支部的书记可以填报本支部的材料。"))
    ensure_open(period)
    if not indicator.asks_reporter:
        raise NotEditable(_("此项由平台系统自动取数，无需填写。"))
    if not selectors.is_asked_of(period, branch, indicator):
        raise InvalidInput(_("该指标不在此党支部本节点的任务中。"), field="indicator")
    foreign = selectors.foreign_files(period, branch, [*(evidence or ()), *add])
    if foreign:
        raise InvalidInput(
            _("只能关联本支部本节点上传的材料：%(ids)s") % {"ids": foreign}, field="evidence"
        )
    if "value" in data:
        check_number(indicator, data["value"])
    self_score = data.get("self_score")
    if self_score is not None and not 0 <= self_score <= indicator.max_score:
        raise InvalidInput(
            _("自评分应在 0 到满分 %(max)s 之间。") % {"max": indicator.max_score},
            field="self_score",
        )
    submission = (
        Submission.objects.select_for_update()
        .filter(period=period, indicator=indicator, branch=branch)
        .first()
    )
    if submission is None:
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    period=period, indicator=indicator, branch=branch, unit_id=branch.unit_id
                )
        except IntegrityError:  # created at the same moment elsewhere
            submission = Submission.objects.get(period=period, indicator=indicator, branch=branch)
            raise VersionConflict(submission) from None
        record(submission, by=by, action="create", to_status=submission.status)
        read_version = submission.version
    if submission.status not in EDITABLE:
        raise NotEditable(
            _("此项%(status)s，不能再修改。") % {"status": submission.get_status_display()}
        )
    fields = {k: v for k, v in data.items() if k in DRAFT_FIELDS}
    if "answer" in fields and submission.status != Submission.Status.RETURNED:
        fields.pop("answer")
    for text in ("narrative", "answer"):
        if text in fields:
            fields[text] = (fields[text] or "").strip()
    check_lengths(fields)
    changes = _diff(submission, fields)
    before_ids = set(submission.evidence.values_list("pk", flat=True))
    after_ids = set(before_ids if evidence is None else (e.pk for e in evidence))
    after_ids |= {e.pk for e in add}
    if after_ids != before_ids:
        changes["evidence"] = [_evidence_names(before_ids), _evidence_names(after_ids)]
    if changes or submission.version != read_version:
        # A save with nothing changed still checks the version: it must not hide a conflict.
        conditional_update(submission, read_version, **{k: fields[k] for k in fields})
    if after_ids != before_ids:
        submission.evidence.set(after_ids)
    _record_save(submission, by=by, changes=changes)
    return submission


@transaction.atomic
def copy_previous(period, branch, indicator, *, by, read_version, previous: Submission):
    """Start from last quarter's answer: number, narrative and self-score (files are not
    copied: a new quarter needs its own evidence)."""
    return save_draft(
        period,
        branch,
        indicator,
        by=by,
        read_version=read_version,
        data={
            "value": previous.value,
            "narrative": previous.narrative,
            "self_score": previous.self_score,
        },
    )


def missing_parts(indicator, submission, evidence_count: int) -> list[str]:
    """What an item still lacks before it can be submitted, in words a secretary acts on."""
    problems = []
    if submission is None:
        return [_("尚未填写")]
    if indicator.requires_number and submission.value is None:
        label = indicator.number_label or _("数值")
        problems.append(_("请填写%(label)s") % {"label": label})
    if indicator.requires_text and not submission.narrative.strip():
        problems.append(_("请填写情况说明"))
    if indicator.requires_attachment and evidence_count == 0:
        problems.append(_("请上传或选择至少一份佐证材料"))
    if submission.self_score is not None and submission.self_score > indicator.max_score:
        problems.append(_("自评分不能超过满分 %(max)s") % {"max": indicator.max_score})
    if submission.status == Submission.Status.RETURNED and not submission.answer.strip():
        problems.append(_("请填写对退回意见的说明"))
    return problems


@dataclass
class SubmitOutcome:
    submitted: list = field(default_factory=list)
    incomplete: list = field(default_factory=list)  # (indicator, [problems])
    late: bool = False


def is_late(period, today=None) -> bool:
    return (today or timezone.localdate()) > period.deadline


@transaction.atomic
def submit_branch(period, branch, *, by, today=None) -> SubmitOutcome:
    """The one "提交" button: every finished draft or answered return moves to submitted;
    unfinished items stay as they are and are listed with what they lack."""
    ensure(selectors.may_edit_branch(by, branch), _("只有本支部的书记可以提交本支部的材料。"))
    ensure_open(period)
    outcome = SubmitOutcome(late=is_late(period, today))
    items = list(items_for(period, category=branch.unit.category))
    submissions = {
        s.indicator_id: s
        # No row lock here (PostgreSQL refuses FOR UPDATE with GROUP BY): each move is a
        # conditional UPDATE on the version read, which is what keeps it safe.
        for s in Submission.objects.filter(period=period, branch=branch).annotate(
            evidence_count=Count("evidence")
        )
    }
    now = timezone.now()
    for item in items:
        submission = submissions.get(item.pk)
        if submission is not None and submission.status in DONE:
            continue
        problems = missing_parts(item, submission, getattr(submission, "evidence_count", 0))
        if problems:
            outcome.incomplete.append((item, problems))
            continue
        transition(
            submission,
            Submission.Status.SUBMITTED,
            by=by,
            read_version=submission.version,
            action="submit",
            reason=submission.answer if submission.status == Submission.Status.RETURNED else "",
            is_late=outcome.late,
            submitted_at=now,
        )
        outcome.submitted.append(submission)
    return outcome


@transaction.atomic
def unit_check(submission, *, by, read_version):
    """The unit administrator's check before the committee sees the item."""
    ensure(selectors.may_check_for_unit(by, submission), _("只有本单位的管理员可以审核此项。"))
    ensure_open(submission.period)
    return transition(
        submission,
        Submission.Status.UNIT_CHECKED,
        by=by,
        read_version=read_version,
        action="unit_check",
    )


def comment(submission, *, by, text: str):
    """A remark on the item (unit administrator or committee); it joins the history."""
    ensure(selectors.may_comment(by, submission), _("只有工委工作人员和本单位管理员可以提意见。"))
    text = text.strip()
    if not text:
        raise SubmissionError(_("请填写意见内容。"))
    check_lengths({"reviewer_comment": text})  # a comment is held to a review comment's limit
    return record(submission, by=by, action="comment", reason=text)
