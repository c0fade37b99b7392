"""四级协同 and 述职评议 actions, one transaction each; each checks its actor through
assessment.selectors.duty and is the only code that moves its workflow's status.

- confirm / reopen_confirmation: the 党组书记's 签字确认 of a unit's half-year or annual
  submissions (PartyConfirmation, CONFIRMATION_TRANSITIONS);
- draft_reports / redraft / edit_draft / submit / grade / return_report: the 述职 report
  (DutyReport, DUTY_TRANSITIONS).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Branch, Unit
from units.selectors import scope_of
from units.workflow import TransitionNotAllowed, check_transition

from ..models import (
    CONFIRMATION_TRANSITIONS,
    DUTY_TRANSITIONS,
    DutyReport,
    DutyReportTransition,
    PartyConfirmation,
    PartyConfirmationTransition,
    Period,
)
from ..selectors import duty as selectors

TEXT_FIELDS = ("duties", "highlights", "problems", "plans")


class DutyError(Exception):
    """A refused action; the message is shown as it is."""


class NotAllowed(DutyError):
    """The actor may not do this (pages answer 403/404)."""


class Locked(DutyError):
    """The object's state does not allow the action (the API answers 409)."""


# --- 签字确认 -------------------------------------------------------------------------------


def _move_confirmation(confirmation, to_status, *, by, reason=""):
    try:
        check_transition(
            CONFIRMATION_TRANSITIONS, confirmation.status, to_status, PartyConfirmation.Status
        )
    except TransitionNotAllowed as exc:
        raise Locked(str(exc)) from exc
    PartyConfirmationTransition.objects.create(
        confirmation=confirmation,
        from_status=confirmation.status,
        to_status=to_status,
        by=by,
        reason=reason,
    )
    confirmation.status = to_status


@transaction.atomic
def confirm(period: Period, unit: Unit, *, by, note: str = "") -> PartyConfirmation:
    """The unit's 党组书记 signs what the unit sends for a half-year or annual period; from
    then on the committee reviews the unit's items of that period."""
    if not selectors.may_confirm(by, unit.pk):
        raise NotAllowed(_("只有本单位党组书记可以签字确认。"))
    if not selectors.needs_party_confirmation(period):
        raise DutyError(_("%(period)s不需要党组书记签字确认。") % {"period": period})
    if period.status not in (Period.Status.OPEN, Period.Status.CLOSED):
        raise DutyError(
            _("%(period)s%(status)s，不能签字确认。")
            % {"period": period, "status": period.get_status_display()}
        )
    row = selectors.confirmation_rows(period, [unit])[0]
    if row.unchecked:
        raise DutyError(
            _("还有 %(n)s 项材料待单位管理员审核，审核后再签字确认。") % {"n": row.unchecked}
        )
    if not row.awaiting:
        raise DutyError(_("本单位还没有报送待确认的材料。"))
    confirmation, _created = PartyConfirmation.objects.select_for_update().get_or_create(
        period=period, unit=unit
    )
    _move_confirmation(confirmation, PartyConfirmation.Status.CONFIRMED, by=by, reason=note)
    confirmation.note = note.strip()
    confirmation.confirmed_by = by
    confirmation.confirmed_at = timezone.now()
    confirmation.save()
    return confirmation


@transaction.atomic
def reopen_confirmation(confirmation: PartyConfirmation, *, by, reason: str) -> PartyConfirmation:
    """The committee asks the 党组书记 to sign again; the reason is kept."""
    if not scope_of(by).acts_as_committee:
        raise NotAllowed(_("只有机关工委可以要求重新签字确认。"))
    if not reason.strip():
        raise DutyError(_("请写明要求重新签字确认的原因。"))
    confirmation = PartyConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    _move_confirmation(confirmation, PartyConfirmation.Status.PENDING, by=by, reason=reason.strip())
    confirmation.save(update_fields=["status"])
    return confirmation


# --- 述职评议 -------------------------------------------------------------------------------


def _move(report, to_status, *, by, reason=""):
    try:
        check_transition(DUTY_TRANSITIONS, report.status, to_status, DutyReport.Status)
    except TransitionNotAllowed as exc:
        raise Locked(str(exc)) from exc
    DutyReportTransition.objects.create(
        report=report, from_status=report.status, to_status=to_status, by=by, reason=reason
    )
    report.status = to_status


def _lines(rows) -> str:
    return "\n".join(f"{i}. {row}" for i, row in enumerate(rows, 1))


def draft_texts(figures: dict, who: str) -> dict:
    """The platform's first wording of each section, from the figures; the author edits."""
    score = figures.get("score") or {}
    rect = figures.get("rectification") or {}
    sat = figures.get("satisfaction") or {}
    parts = [
        _("%(year)s年，%(who)s履行党建工作责任，现将情况报告如下。")
        % {"year": figures["year"], "who": who}
    ]
    if score.get("total") is not None:
        parts.append(
            _("%(period)s得分 %(total)s（满分 %(max)s），排名第 %(rank)s / %(of)s。")
            % {
                "period": score["period"],
                "total": score["total"],
                "max": score["max_points"],
                "rank": score["rank"] if score.get("rank") is not None else "—",
                "of": score["of"],
            }
        )
    parts.append(
        _(
            "全年整改问题 %(issued)s 个，整改措施 %(measures)s 条，"
            "已销号 %(verified)s 个，逾期 %(overdue)s 个。"
        )
        % {"measures": 0, **rect}
    )
    if sat.get("value") is not None:
        parts.append(
            _("群众满意度 %(value)s（有效评价 %(sample)s 条）。")
            % {"value": sat["value"], "sample": sat["sample"]}
        )
    # Each line names its branch (or the unit): a unit's best items often tie across branches.
    highlights = [
        _("%(item)s（%(who)s，%(period)s，得分率 %(percent)s%%）")
        % {"who": h.get("who") or h.get("branch", ""), **h}
        for h in figures.get("highlights", [])
    ]
    problems = [
        _("%(problem)s（整改期限 %(deadline)s，%(status)s）")
        % {"problem": p[0], "deadline": p[1], "status": p[2]}
        for p in figures.get("open_problems", [])
    ]
    return {
        "duties": "".join(parts),
        "highlights": _lines(highlights),
        "problems": _lines(problems),
        "plans": "",
    }


def _author_label(report) -> str:
    if report.author_kind == DutyReport.Author.PARTY_SECRETARY:
        return _("%(unit)s党组书记") % {"unit": report.unit.name}
    return _("%(branch)s书记") % {"branch": report.branch.name}


def _fill(report):
    report.figures = selectors.year_figures(report.year, report.unit, report.branch)
    for name, text in draft_texts(report.figures, _author_label(report)).items():
        setattr(report, name, text)


@transaction.atomic
def draft_reports(year: int, *, by, unit_ids=None) -> int:
    """Committee staff open the year's 述职: a draft for every active unit's 党组书记 and
    every active branch's secretary that has none yet. Returns how many were drafted."""
    if not scope_of(by).acts_as_committee:
        raise NotAllowed(_("只有机关工委可以生成述职报告草稿。"))
    units = Unit.objects.filter(active=True)
    branches = Branch.objects.filter(active=True, unit__active=True).select_related("unit")
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
        branches = branches.filter(unit_id__in=list(unit_ids))
    have_units = set(
        DutyReport.objects.filter(
            year=year, author_kind=DutyReport.Author.PARTY_SECRETARY
        ).values_list("unit_id", flat=True)
    )
    have_branches = set(
        DutyReport.objects.filter(
            year=year, author_kind=DutyReport.Author.BRANCH_SECRETARY
        ).values_list("branch_id", flat=True)
    )
    new = [
        DutyReport(year=year, author_kind=DutyReport.Author.PARTY_SECRETARY, unit=u)
        for u in units
        if u.pk not in have_units
    ] + [
        DutyReport(year=year, author_kind=DutyReport.Author.BRANCH_SECRETARY, unit=b.unit, branch=b)
        for b in branches
        if b.pk not in have_branches
    ]
    for report in new:
        _fill(report)
    DutyReport.objects.bulk_create(new)
    return len(new)


def _locked(report) -> DutyReport:
    # of=self: the branch is an outer join, which PostgreSQL cannot lock.
    return (
        DutyReport.objects.select_for_update(of=("self",))
        .select_related("unit", "branch")
        .get(pk=report.pk)
    )


@transaction.atomic
def redraft(report: DutyReport, *, by) -> DutyReport:
    """The author takes the year's figures again (e.g. after the annual scores) and the
    platform's wording with them; only while the report is editable."""
    report = _locked(report)
    if not selectors.may_edit(by, report):
        raise NotAllowed(_("只有述职人本人可以在提交前重新生成草稿。"))
    _fill(report)
    report.save()
    return report


@transaction.atomic
def edit_draft(report: DutyReport, *, by, data: dict) -> DutyReport:
    """The author edits the text of a draft or a returned report; figures stay the
    platform's."""
    report = _locked(report)
    if not selectors.may_edit(by, report):
        if selectors.is_author(by, report):
            raise Locked(
                _("述职报告%(status)s，不能再修改。") % {"status": report.get_status_display()}
            )
        raise NotAllowed(_("只有述职人本人可以修改述职报告。"))
    for name in TEXT_FIELDS:
        if name in data:
            value = (data[name] or "").strip()
            limit = DutyReport._meta.get_field(name).max_length
            if len(value) > limit:
                raise DutyError(
                    _("“%(field)s”不能超过 %(n)s 字。")
                    % {"field": DutyReport._meta.get_field(name).verbose_name, "n": limit}
                )
            setattr(report, name, value)
    report.save()
    return report


@transaction.atomic
def submit(report: DutyReport, *, by) -> DutyReport:
    """The author sends the report to the committee; from then on it is read-only."""
    report = _locked(report)
    if not selectors.is_author(by, report):
        raise NotAllowed(_("只有述职人本人可以提交述职报告。"))
    # Drafts may stay partial; what reaches the committee must answer every section.
    empty = [
        str(DutyReport._meta.get_field(name).verbose_name)
        for name in TEXT_FIELDS
        if not getattr(report, name).strip()
    ]
    if empty:
        raise DutyError(
            _("以下部分尚未填写：%(sections)s。请填写后再提交述职报告。")
            % {"sections": "、".join(empty)}
        )
    _move(report, DutyReport.Status.SUBMITTED, by=by)
    report.submitted_by = by
    report.submitted_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def grade(report: DutyReport, *, by, grade: str, comment: str = "") -> DutyReport:
    """Committee staff grade a submitted report 好 / 较好 / 一般 / 差 with comments."""
    report = _locked(report)
    if not selectors.may_grade(by):
        raise NotAllowed(_("只有机关工委可以评议述职报告。"))
    if grade not in DutyReport.Grade.values:
        raise DutyError(_("请选择评议等次：好、较好、一般或差。"))
    comment = (comment or "").strip()
    if grade in (DutyReport.Grade.FAIR, DutyReport.Grade.POOR) and not comment:
        raise DutyError(_("评为“一般”或“差”时请写明评议意见。"))
    _move(report, DutyReport.Status.GRADED, by=by, reason=comment)
    report.grade = grade
    report.grade_comment = comment
    report.graded_by = by
    report.graded_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def return_report(report: DutyReport, *, by, reason: str) -> DutyReport:
    """Committee staff send a submitted report back to its author with the reason."""
    report = _locked(report)
    if not selectors.may_grade(by):
        raise NotAllowed(_("只有机关工委可以退回述职报告。"))
    reason = (reason or "").strip()
    if not reason:
        raise DutyError(_("请写明退回原因。"))
    _move(report, DutyReport.Status.RETURNED, by=by, reason=reason)
    report.grade_comment = reason
    report.save()
    return report
