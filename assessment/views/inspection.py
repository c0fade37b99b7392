"""Joint inspection: the round page for staff (plan before publishing, draw, swap) and
the inspector's worklist."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.selectors import can_manage
from units.workflow import TransitionNotAllowed

from ..models import InspectionAssignment, InspectionRound, RoundInspector, Submission
from ..selectors import inspection as selectors
from ..services import inspection as service


def _ensure_staff(request):
    if not can_manage(request.user):
        raise PermissionDenied


@login_required
def round_list(request):
    _ensure_staff(request)
    return render(
        request, "assessment/inspection/list.html", {"rounds": selectors.rounds_list()[:100]}
    )


@login_required
def round_detail(request, pk):
    _ensure_staff(request)
    round_ = get_object_or_404(InspectionRound.objects.select_related("period__plan"), pk=pk)
    pool = list(selectors.round_pool(round_))
    return render(
        request,
        "assessment/inspection/detail.html",
        {
            "round": round_,
            "plan": selectors.round_plan(round_),
            "pool": pool,
            "units": round_.units.all(),
            "transitions": round_.transitions.select_related("by"),
        },
    )


def _refusal(request, call):
    try:
        call()
    except (service.InspectionError, TransitionNotAllowed) as refused:
        messages.error(request, str(refused))
        return False
    return True


@login_required
@require_POST
def round_draw(request, pk):
    _ensure_staff(request)
    round_ = get_object_or_404(InspectionRound, pk=pk)
    raw = request.POST.get("seed", "").strip()
    seed = int(raw) if raw.isdigit() else None
    if _refusal(request, lambda: service.draw_round(by=request.user, round_=round_, seed=seed)):
        messages.success(request, _("已抽签，请核对分工后发布。"))
    return redirect("inspection_round", pk=pk)


@login_required
@require_POST
def round_transition(request, pk, action):
    _ensure_staff(request)
    round_ = get_object_or_404(InspectionRound, pk=pk)
    targets = {"publish": InspectionRound.Status.PUBLISHED, "close": InspectionRound.Status.CLOSED}
    if action not in targets:
        raise PermissionDenied
    reason = request.POST.get("reason", "")
    if _refusal(
        request,
        lambda: service.set_round_status(round_, targets[action], by=request.user, reason=reason),
    ):
        messages.success(request, _("轮次状态已更新。"))
    return redirect("inspection_round", pk=pk)


@login_required
@require_POST
def assignment_swap(request, pk):
    _ensure_staff(request)
    assignment = get_object_or_404(InspectionAssignment, pk=pk)
    to_inspector = get_object_or_404(
        RoundInspector, pk=request.POST.get("to_inspector") or 0, round_id=assignment.round_id
    )
    reason = request.POST.get("reason", "")
    if _refusal(
        request,
        lambda: service.swap_inspector(
            by=request.user, assignment=assignment, to_inspector=to_inspector, reason=reason
        ),
    ):
        messages.success(request, _("已调换评审员。"))
    return redirect("inspection_round", pk=assignment.round_id)


@login_required
def my_items(request):
    """The 联检评审员's worklist: own items of open rounds, scored one by one."""
    return render(
        request,
        "assessment/inspection/mine.html",
        {
            "rows": selectors.inspector_worklist(request.user),
            "grades": Submission.Grade.values,
        },
    )


@login_required
@require_POST
def item_score(request, pk):
    assignment = get_object_or_404(selectors.assignments_of(request.user), pk=pk)
    raw = request.POST.get("score", "").strip()
    try:
        score = Decimal(raw) if raw else None
    except InvalidOperation:
        score = None
    if _refusal(
        request,
        lambda: service.score_item(
            assignment,
            by=request.user,
            grade=request.POST.get("grade", ""),
            score=score,
            comment=request.POST.get("comment", "")[:2000],
        ),
    ):
        messages.success(request, _("评分已保存，现在可以看到同组评审员的评分。"))
    return redirect(f"{reverse('inspection_mine')}#item-{pk}")
