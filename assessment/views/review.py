"""The review queue: filters on the left, the list in the middle, the item on the right."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units import typed
from units.models import UnitCategory
from units.selectors import can_manage, scope_of, units_visible_to
from units.typed import errors_in_a_line
from units.wording import quoted

from ..forms.submissions import OverrideForm, QueueFilterForm, ReviewForm
from ..models import Indicator, Period
from ..selectors import burden as burden_selectors
from ..selectors import review as selectors
from ..selectors import submissions as submission_selectors
from ..services import measures as measure_service
from ..services import review as service
from ..services.submissions import SubmissionError, VersionConflict

PAGE_SIZE = 50
REVIEW_FIELDS = ("grade", "score", "comment")


def _may_open_queue(user):
    scope = scope_of(user)
    return scope.sees_everything or scope.is_unit_admin


def _filters(request):
    """Without a choice the queue shows what awaits review in the open period."""
    params = request.GET.copy()
    open_period = submission_selectors.open_periods().first()
    if "period" not in params and open_period is not None:
        params["period"] = str(open_period.pk)
    if "status" not in params:
        params["status"] = selectors.AWAITING
    form = QueueFilterForm(
        params,
        units=units_visible_to(request.user).filter(active=True),
        categories=UnitCategory.objects.all(),
        periods=Period.objects.select_related("plan").order_by("-plan__year", "-opens_on"),
    )
    if not burden_selectors.may_see_signals(request.user):
        del form.fields["signal"]  # signals name other units' branches: committee only
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", selectors.AWAITING)
    return (
        form,
        {
            "period": data.get("period"),
            "unit": data.get("unit"),
            "category": data.get("category"),
            "standard": data.get("standard", ""),
            "goal": data.get("goal", ""),
            "status": status,
        },
        data.get("signal", ""),
    )


def _flagged(submissions, signal):
    """形式主义预警 filter: "any" for any open signal, else one kind."""
    if not signal:
        return submissions
    return burden_selectors.flagged_only(submissions, "" if signal == "any" else signal)


def _querystring(request, **overrides):
    query = request.GET.copy() if isinstance(request.GET, QueryDict) else QueryDict(mutable=True)
    for key, value in overrides.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@login_required
def queue(request):
    if not _may_open_queue(request.user):
        raise PermissionDenied
    form, filters, signal = _filters(request)
    submissions = _flagged(selectors.review_queue(request.user, **filters), signal)
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    sees_signals = burden_selectors.may_see_signals(request.user)
    kinds = burden_selectors.kinds_by_submission(rows) if sees_signals else {}
    for row in rows:
        row.signal_kinds = kinds.get(row.pk, [])
    selected = None
    selected_pk = request.GET.get("s")
    if selected_pk and selected_pk.isdigit():
        selected = submission_selectors.submission_detail(request.user, int(selected_pk)).first()
    elif rows:
        selected = submission_selectors.submission_detail(request.user, rows[0].pk).first()
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "selected": selected,
        "querystring": _querystring(request, s=None),
        "may_score": can_manage(request.user),
        "measure_period": filters["period"]
        if filters["period"] and filters["period"].status == Period.Status.OPEN
        else None,
    }
    if selected is not None:
        context.update(
            review_form=ReviewForm(
                initial={
                    "grade": selected.grade,
                    "score": selected.reviewer_score
                    if selected.reviewer_score is not None
                    else service.computed_score(selected),
                    "comment": "",
                    # What was typed before a refusal comes back (the version stays fresh).
                    **typed.take(request, f"review:{selected.pk}"),
                    "version": selected.version,
                }
            ),
            computed=service.computed_score(selected),
            value_flags=selectors.value_flags(selected),
            override_form=OverrideForm(
                initial={"value": selected.value, "version": selected.version}
            ),
            is_graded=selected.indicator.kind == Indicator.Kind.GRADED,
            grade_scores=[
                (grade, service.graded_score(selected.indicator, grade))
                for grade in service.GRADE_SHARES
            ],
            previous_answers=submission_selectors.previous_answers(
                selected.period, selected.branch, selected.indicator
            )
            if selected.branch_id
            else [],
            history=submission_selectors.history(selected),
            signals=burden_selectors.signals_with_evidence(selected) if sees_signals else [],
            may_dismiss=burden_selectors.may_decide_signals(request.user),
            evidence=list(selected.evidence.all()),
        )
    return render(request, "assessment/review/queue.html", context)


def _next_after(request, submission_pk):
    """The item that follows in the same filtered queue: it opens by itself."""
    _form, filters, signal = _filters(request)
    queue = _flagged(selectors.review_queue(request.user, **filters), signal)
    ids = list(queue.values_list("pk", flat=True)[:500])
    if submission_pk in ids:
        index = ids.index(submission_pk)
        rest = ids[index + 1 :] or ids[:index]
        return rest[0] if rest else None
    return ids[0] if ids else None


@login_required
@require_POST
def act(request, pk):
    """Accept (with grade/score) or return one item; then open the next one."""
    submission = get_object_or_404(
        submission_selectors.submissions_visible_to(request.user).select_related(
            "indicator", "period__plan", "branch"
        ),
        pk=pk,
    )
    # The filters travel in the query string of the form's action.
    next_pk = _next_after(request, submission.pk)
    form = ReviewForm(request.POST)
    action = request.POST.get("action")
    if not form.is_valid():
        messages.error(request, _("请检查评分：%(errors)s") % {"errors": errors_in_a_line(form)})
        typed.keep(request, f"review:{submission.pk}", REVIEW_FIELDS)
        return redirect(f"{reverse('review_queue')}?{_querystring(request, s=submission.pk)}")
    data = form.cleaned_data
    try:
        if action == "return":
            service.return_submission(
                submission, by=request.user, read_version=data["version"], reason=data["comment"]
            )
            messages.success(
                request,
                _("已退回“%(item)s”，支部书记会收到提醒。")
                % {"item": quoted(submission.indicator.name)},
            )
        else:
            service.accept(
                submission,
                by=request.user,
                read_version=data["version"],
                grade=data["grade"],
                score=data["score"],
                comment=data["comment"],
            )
            messages.success(
                request,
                _("已通过“%(item)s”，得分 %(score)s。")
                % {"item": quoted(submission.indicator.name), "score": submission.reviewer_score},
            )
    except VersionConflict as exc:
        current = exc.current
        messages.error(
            request,
            _("%(message)s 当前状态：%(status)s；评档：%(grade)s；得分：%(score)s。")
            % {
                "message": str(exc),
                "status": current.get_status_display(),
                "grade": current.grade or "—",
                "score": current.reviewer_score if current.reviewer_score is not None else "—",
            },
        )
        typed.keep(request, f"review:{submission.pk}", REVIEW_FIELDS)
        return redirect(f"{reverse('review_queue')}?{_querystring(request, s=submission.pk)}")
    except SubmissionError as exc:
        messages.error(request, str(exc))
        typed.keep(request, f"review:{submission.pk}", REVIEW_FIELDS)
        return redirect(f"{reverse('review_queue')}?{_querystring(request, s=submission.pk)}")
    target = next_pk if next_pk and next_pk != submission.pk else None
    return redirect(f"{reverse('review_queue')}?{_querystring(request, s=target)}")


@login_required
@require_POST
def record_measures(request, period_pk):
    """On demand: take the platform's figures for the period's measured items now."""
    if not can_manage(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    try:
        outcome = measure_service.record_measures(period, by=request.user)
    except SubmissionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("系统取数完成：新增 %(created)d 项，更新 %(updated)d 项。")
            % {"created": outcome.created, "updated": outcome.updated},
        )
    return redirect(f"{reverse('review_queue')}?{_querystring(request)}")


@login_required
@require_POST
def override(request, pk):
    """Replace a measured value awaiting review, with the reason recorded (系统取数)."""
    if not can_manage(request.user):
        raise PermissionDenied
    submission = get_object_or_404(
        submission_selectors.submissions_visible_to(request.user).select_related(
            "indicator", "period__plan"
        ),
        pk=pk,
    )
    back = f"{reverse('review_queue')}?{_querystring(request, s=submission.pk)}"
    form = OverrideForm(request.POST)
    if not form.is_valid():
        errors = errors_in_a_line(form)
        messages.error(request, _("请检查修正内容：%(errors)s") % {"errors": errors})
        return redirect(back)
    data = form.cleaned_data
    try:
        measure_service.override_measured(
            submission,
            by=request.user,
            read_version=data["version"],
            value=data["value"],
            reason=data["reason"],
        )
    except SubmissionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("已修正系统取数，请确认得分后通过。"))
    return redirect(back)


@login_required
@require_POST
def bulk_accept(request):
    pairs = []
    wanted = {}
    for token in request.POST.getlist("items"):
        pk, _sep, version = token.partition(":")
        if pk.isdigit() and version.isdigit():
            wanted[int(pk)] = int(version)
    found = submission_selectors.submissions_visible_to(request.user).select_related(
        "indicator", "period__plan"
    )
    for submission in found.filter(pk__in=wanted):
        pairs.append((submission, wanted[submission.pk]))
    grade = request.POST.get("grade", "")
    outcome = service.bulk_accept(
        pairs, by=request.user, grade=grade if grade in service.GRADE_SHARES else ""
    )
    if outcome.accepted:
        messages.success(request, _("已批量通过 %(n)s 项。") % {"n": len(outcome.accepted)})
    if outcome.skipped:
        messages.warning(
            request,
            _("%(n)s 项未通过：%(lines)s")
            % {
                "n": len(outcome.skipped),
                "lines": "；".join(f"{s.indicator.name}（{why}）" for s, why in outcome.skipped),
            },
        )
    if not pairs:
        messages.info(request, _("请先勾选要通过的项。"))
    return redirect(f"{reverse('review_queue')}?{_querystring(request)}")
