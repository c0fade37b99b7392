"""The secretary's quarter: the to-do board, the item form, autosave, upload, submit."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.selectors import branches_visible_to, can_manage, scope_of

from ..forms.submissions import CommentForm, ItemForm
from ..models import Period, Submission
from ..selectors import submissions as selectors
from ..services import burden as burden_service
from ..services import evidence as evidence_service
from ..services import review as review_service
from ..services import submissions as service
from ..tasks import after_branch_submitted


def json_login_required(view):
    """JSON endpoints answer 401 (not a redirect to the login page) when the session has
    expired, so the page can keep what was typed and ask the user to log in again."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "error": "login_required",
                    "message": _(
                        "登录已过期。您填写的内容已保存在本机，请在新标签页重新登录后回到此页。"
                    ),
                    "login_url": reverse("login"),
                },
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper


def _context(request, period_pk, branch_pk):
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    branch = get_object_or_404(
        branches_visible_to(request.user).select_related("unit", "unit__category"), pk=branch_pk
    )
    return period, branch


def _item(period, branch, indicator_pk):
    return get_object_or_404(selectors.period_items(period, branch.unit.category), pk=indicator_pk)


@login_required
def current_quarter(request):
    """The open period of the secretary's (first) branch; others go home."""
    scope = scope_of(request.user)
    period = selectors.open_periods().first()
    if period is None or not scope.branch_ids:
        return redirect("home")
    return redirect("quarter", period.pk, min(scope.branch_ids))


@login_required
def quarter(request, period_pk, branch_pk):
    period, branch = _context(request, period_pk, branch_pk)
    board = selectors.board(period, branch)
    return render(
        request,
        "assessment/quarter/board.html",
        {
            "board": board,
            "period": period,
            "branch": branch,
            "may_edit": selectors.may_edit_branch(request.user, branch),
            "days_left": (period.deadline - timezone.localdate()).days,
        },
    )


def _item_form(request, period, branch, indicator, submission, data=None, files=None):
    initial = {"version": submission.version if submission else 0}
    if submission is not None:
        initial.update(
            value=submission.value,
            narrative=submission.narrative,
            self_score=submission.self_score,
            answer=submission.answer,
            evidence=list(submission.evidence.all()),
        )
    return ItemForm(
        data,
        files,
        initial=initial,
        indicator=indicator,
        files_queryset=selectors.branch_files(period, branch),
        returned=submission is not None and submission.status == Submission.Status.RETURNED,
    )


@login_required
def item(request, period_pk, branch_pk, indicator_pk):
    period, branch = _context(request, period_pk, branch_pk)
    indicator = _item(period, branch, indicator_pk)
    submission = (
        Submission.objects.filter(period=period, branch=branch, indicator=indicator)
        .select_related("reviewed_by")
        .first()
    )
    may_edit = selectors.may_edit_branch(request.user, branch)
    form = _item_form(request, period, branch, indicator, submission)
    if request.method == "POST":
        form = _item_form(
            request, period, branch, indicator, submission, request.POST, request.FILES
        )
        if form.is_valid():
            saved = _save_item(request, form, period, branch, indicator)
            if saved is not None:
                # Forward through the list to the next item still to do (not started,
                # draft or returned); past the last one, back to the list.
                upcoming = selectors.item_walk(period, branch, indicator).next_unfinished
                if "save_next" in request.POST and upcoming:
                    return redirect("quarter_item", period.pk, branch.pk, upcoming)
                if "save_next" in request.POST:
                    return redirect("quarter", period.pk, branch.pk)
                return redirect("quarter_item", period.pk, branch.pk, indicator.pk)
            submission = Submission.objects.filter(
                period=period, branch=branch, indicator=indicator
            ).first()
    walk = selectors.item_walk(period, branch, indicator)
    editable = (
        may_edit
        and period.status == Period.Status.OPEN
        and (submission is None or submission.status in service.EDITABLE)
    )
    scope = scope_of(request.user)
    return render(
        request,
        "assessment/quarter/item.html",
        {
            "period": period,
            "branch": branch,
            "indicator": indicator,
            "submission": submission,
            "form": form,
            "editable": editable,
            "may_edit": may_edit,
            "locked_message": _locked_message(period, submission) if may_edit else "",
            "previous_answers": selectors.previous_answers(period, branch, indicator),
            "history": selectors.history(submission) if submission else [],
            "evidence": list(submission.evidence.all()) if submission else [],
            "prev_item": walk.previous,
            "next_item": walk.following,
            "next_unfinished": walk.next_unfinished,
            "position": walk.position,
            "total": walk.total,
            "may_comment": submission is not None
            and (can_manage(request.user) or branch.unit_id in scope.unit_ids),
            "may_unit_check": submission is not None
            and branch.unit_id in scope.unit_ids
            and period.plan.require_unit_check
            and submission.status == Submission.Status.SUBMITTED,
            "comment_form": CommentForm(),
        },
    )


def _locked_message(period, submission):
    try:
        service.ensure_open(period)
    except service.PeriodLocked as exc:
        return str(exc)
    if submission is not None and submission.status not in service.EDITABLE:
        return _("此项%(status)s，不能再修改。") % {"status": submission.get_status_display()}
    return ""


def _save_item(request, form, period, branch, indicator):
    """Store the uploads, then save the draft; errors go next to the fields."""
    uploads = []
    for upload in form.cleaned_data["files"]:
        try:
            uploads.append(
                evidence_service.store_evidence(
                    upload, by=request.user, unit=branch.unit, branch=branch, period=period
                )
            )
        except evidence_service.EvidenceRejected as exc:
            form.add_error("files", str(exc))
    if form.errors:
        return None
    try:
        submission = service.save_draft(
            period,
            branch,
            indicator,
            by=request.user,
            read_version=form.cleaned_data["version"],
            data=form.draft_data(),
            evidence=form.cleaned_data["evidence"],
            add=uploads,
        )
    except service.VersionConflict as exc:
        form.add_error(None, str(exc))
        return None
    except service.InvalidNumber as exc:
        form.add_error(exc.field, str(exc))
        return None
    except service.SubmissionError as exc:
        form.add_error(None, str(exc))
        return None
    burden_service.record_edit(submission, by=request.user, typed_ms=_typed_ms(request))
    messages.success(request, _("已保存草稿。全部填好后，在“本季度任务”点“提交”。"))
    return submission


def _typed_ms(request) -> int:
    """How long the secretary typed before this save, as the form reports it."""
    value = request.POST.get("typed_ms", "")
    return int(value) if value.isdigit() else 0


def _json_context(request, period_pk, branch_pk, indicator_pk):
    period, branch = _context(request, period_pk, branch_pk)
    if not selectors.may_edit_branch(request.user, branch):
        raise PermissionDenied
    return period, branch, _item(period, branch, indicator_pk)


def _conflict_json(exc):
    current = exc.current
    return JsonResponse(
        {
            "error": "conflict",
            "message": str(exc),
            "version": current.version,
            "values": {
                "value": str(current.value) if current.value is not None else "",
                "narrative": current.narrative,
                "self_score": str(current.self_score) if current.self_score is not None else "",
            },
        },
        status=409,
    )


@json_login_required
@require_POST
def autosave(request, period_pk, branch_pk, indicator_pk):
    period, branch, indicator = _json_context(request, period_pk, branch_pk, indicator_pk)
    submission = Submission.objects.filter(
        period=period, branch=branch, indicator=indicator
    ).first()
    form = _item_form(request, period, branch, indicator, submission, request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"error": "invalid", "errors": {k: list(v) for k, v in form.errors.items()}},
            status=400,
        )
    try:
        saved = service.save_draft(
            period,
            branch,
            indicator,
            by=request.user,
            read_version=form.cleaned_data["version"],
            data=form.draft_data(),
            evidence=form.cleaned_data["evidence"],
        )
    except service.VersionConflict as exc:
        return _conflict_json(exc)
    except service.InvalidNumber as exc:
        return JsonResponse(
            {"error": "invalid", "message": str(exc), "errors": {exc.field: [str(exc)]}},
            status=400,
        )
    except service.SubmissionError as exc:
        return JsonResponse({"error": "locked", "message": str(exc)}, status=423)
    burden_service.record_edit(saved, by=request.user, typed_ms=_typed_ms(request))
    return JsonResponse(
        {
            "ok": True,
            "version": saved.version,
            "status": saved.get_status_display(),
            "saved_at": timezone.localtime(saved.updated_at).strftime("%H:%M:%S"),
        }
    )


@json_login_required
@require_POST
def upload(request, period_pk, branch_pk, indicator_pk):
    """Drag and drop: store the files and link them to the item at once."""
    period, branch, indicator = _json_context(request, period_pk, branch_pk, indicator_pk)
    try:
        read_version = int(request.POST.get("version", ""))
    except ValueError:
        return JsonResponse({"error": "invalid", "message": _("页面已过期，请刷新。")}, status=400)
    stored, problems = [], []
    for upload_file in request.FILES.getlist("files"):
        try:
            stored.append(
                evidence_service.store_evidence(
                    upload_file, by=request.user, unit=branch.unit, branch=branch, period=period
                )
            )
        except evidence_service.EvidenceRejected as exc:
            problems.append(str(exc))
    version = read_version
    if stored:
        try:
            saved = service.save_draft(
                period,
                branch,
                indicator,
                by=request.user,
                read_version=read_version,
                data={},
                add=stored,
            )
            version = saved.version
        except service.VersionConflict as exc:
            return _conflict_json(exc)
        except service.SubmissionError as exc:
            return JsonResponse({"error": "locked", "message": str(exc)}, status=423)
    return JsonResponse(
        {
            "ok": not problems,
            "version": version,
            "files": [
                {
                    "id": e.pk,
                    "name": e.original_name,
                    "url": reverse("evidence_file", args=[e.pk]),
                }
                for e in stored
            ],
            "problems": problems,
        },
        status=200 if stored or not problems else 400,
    )


@login_required
@require_POST
def copy_previous(request, period_pk, branch_pk, indicator_pk):
    period, branch = _context(request, period_pk, branch_pk)
    indicator = _item(period, branch, indicator_pk)
    previous = selectors.previous_answers(period, branch, indicator, limit=1)
    if previous:
        try:
            service.copy_previous(
                period,
                branch,
                indicator,
                by=request.user,
                read_version=int(request.POST.get("version") or 0),
                previous=previous[0],
            )
            messages.success(request, _("已复制上一季度的内容，请按本季度实际情况修改。"))
        except service.SubmissionError as exc:
            messages.error(request, str(exc))
    return redirect("quarter_item", period.pk, branch.pk, indicator.pk)


@login_required
@require_POST
def submit(request, period_pk, branch_pk):
    period, branch = _context(request, period_pk, branch_pk)
    try:
        outcome = service.submit_branch(period, branch, by=request.user)
    except service.SubmissionError as exc:
        messages.error(request, str(exc))
        return redirect("quarter", period.pk, branch.pk)
    if outcome.submitted:
        after_branch_submitted(period.pk, branch.pk)
    if outcome.submitted:
        text = _("已提交 %(n)s 项，等待审核；审核结果会显示在本页。") % {
            "n": len(outcome.submitted)
        }
        if outcome.late:
            text += " " + _("已过截止日期，本次提交记为逾期。")
        messages.success(request, text)
    if outcome.incomplete:
        lines = "；".join(
            f"{item.code} {item.name}：{'、'.join(problems)}"
            for item, problems in outcome.incomplete
        )
        messages.warning(
            request,
            _("以下 %(n)s 项尚未完成，未提交：%(lines)s")
            % {"n": len(outcome.incomplete), "lines": lines},
        )
    if not outcome.submitted and not outcome.incomplete:
        messages.info(request, _("没有需要提交的项。"))
    return redirect("quarter", period.pk, branch.pk)


@login_required
@require_POST
def comment(request, pk):
    submission = get_object_or_404(selectors.submissions_visible_to(request.user), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        service.comment(submission, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("意见已记录，支部书记可在该项的记录中看到。"))
    else:
        messages.error(request, _("请填写意见内容。"))
    return redirect(_item_url(submission))


@login_required
@require_POST
def unit_check(request, pk):
    submission = get_object_or_404(
        selectors.submissions_visible_to(request.user).select_related("period__plan"), pk=pk
    )
    action = request.POST.get("action", "check")
    try:
        version = int(request.POST.get("version", ""))
        if action == "return":
            review_service.return_submission(
                submission,
                by=request.user,
                read_version=version,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已退回支部，支部书记会收到提醒。"))
        else:
            service.unit_check(submission, by=request.user, read_version=version)
            messages.success(request, _("已审核，此项进入工委审核队列。"))
    except ValueError:
        messages.error(request, _("页面已过期，请刷新。"))
    except service.SubmissionError as exc:
        messages.error(request, str(exc))
    return redirect(_item_url(submission))


def _item_url(submission):
    return reverse(
        "quarter_item", args=[submission.period_id, submission.branch_id, submission.indicator_id]
    )
