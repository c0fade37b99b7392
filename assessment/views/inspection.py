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

from units import typed
from units.models import Unit
from units.selectors import can_manage
from units.typed import errors_in_a_line
from units.workflow import TransitionNotAllowed

from ..forms.inspection import ArbitrationForm, RoundForm
from ..models import (
    InspectionAssignment,
    InspectionRound,
    InspectionVerdict,
    RoundInspector,
    Submission,
)
from ..selectors import inspection as selectors
from ..services import inspection as service
from ..services.review import GRADE_SHARES


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
def round_create(request):
    _ensure_staff(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = service.create_round(
                by=request.user,
                period=data["period"],
                name=data["name"],
                units=form.inspected_units(),
                inspectors_per_item=data["inspectors_per_item"],
                rule=data["rule"],
                tolerance=data["tolerance"],
                item_selection=data["item_selection"],
                sample_share=data["sample_share"],
                sample_count=data["sample_count"],
                standards=data["standards"],
                agreed_rule=data["agreed_rule"],
                moderation=data["moderation"],
                inspectors=form.chosen_inspectors(),
            )
        except service.InspectionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("轮次已创建，请声明回避后抽签。"))
            return redirect("inspection_round", pk=round_.pk)
    return render(request, "assessment/inspection/new.html", {"form": form})


def swap_rows(round_, plan, pool):
    """(assignment, the inspectors it may be swapped to) for the plan table."""
    choices = selectors.swap_choices(round_, plan, pool)
    return ((assignment, choices[assignment.pk]) for assignment in plan)


@login_required
def round_detail(request, pk):
    _ensure_staff(request)
    round_ = get_object_or_404(InspectionRound.objects.select_related("period__plan"), pk=pk)
    pool = list(selectors.round_pool(round_))
    plan = list(selectors.round_plan(round_))
    figures = selectors.round_figures(round_) if round_.status != "draft" else None
    return render(
        request,
        "assessment/inspection/detail.html",
        {
            "round": round_,
            "plan": plan,
            "plan_rows": list(swap_rows(round_, plan, pool)),
            "pool": pool,
            "units": list(round_.units.all()),
            "transitions": round_.transitions.select_related("by"),
            "conflicts": selectors.round_conflicts(round_),
            "figures": figures,
            "queue": selectors.arbitration_queue(round_) if figures else [],
            "verdicts": selectors.verdict_counts(round_) if figures else None,
            "grades": list(GRADE_SHARES),
            "typed": typed.take(request, "arbitration"),
        },
    )


@login_required
@require_POST
def round_settle(request, pk):
    _ensure_staff(request)
    round_ = get_object_or_404(InspectionRound, pk=pk)
    try:
        counts = service.settle_round(round_, by=request.user)
    except service.InspectionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("已汇总：%(agreed)d项评分一致，%(pending)d项交仲裁，%(skipped)d项未能写入。")
            % counts,
        )
    return redirect("inspection_round", pk=pk)


@login_required
@require_POST
def conflict_declare(request, pk):
    _ensure_staff(request)
    round_ = get_object_or_404(InspectionRound, pk=pk)
    inspector = get_object_or_404(
        RoundInspector, pk=request.POST.get("inspector") or 0, round_id=round_.pk
    )
    unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
    reason = request.POST.get("reason", "")[:200]
    if _refusal(
        request,
        lambda: service.declare_conflict(
            by=request.user, inspector=inspector, unit=unit, reason=reason
        ),
    ):
        messages.success(request, _("已记录回避声明，请重新抽签。"))
    return redirect("inspection_round", pk=pk)


@login_required
@require_POST
def verdict_arbitrate(request, pk):
    _ensure_staff(request)
    verdict = get_object_or_404(InspectionVerdict, pk=pk)
    form = ArbitrationForm(request.POST)
    if not form.is_valid():
        errors = errors_in_a_line(form)
        messages.error(request, _("请检查仲裁内容：%(errors)s") % {"errors": errors})
        typed.keep(request, "arbitration", ("grade", "score", "comment"), verdict=verdict.pk)
    elif _refusal(
        request,
        lambda: service.arbitrate(
            verdict,
            by=request.user,
            grade=form.cleaned_data["grade"],
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        ),
    ):
        messages.success(request, _("已仲裁，认定得分已记入审核得分。"))
    else:
        typed.keep(request, "arbitration", ("grade", "score", "comment"), verdict=verdict.pk)
    return redirect(f"{reverse('inspection_round', args=[verdict.round_id])}#arbitration")


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
    chosen = request.POST.get("to_inspector", "")
    to_inspector = RoundInspector.objects.filter(
        pk=int(chosen) if chosen.isdigit() else 0, round_id=assignment.round_id
    ).first()
    if to_inspector is None:
        messages.error(request, _("请选择本轮次中符合抽取规则的评审员。"))
        return redirect("inspection_round", pk=assignment.round_id)
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
    """The 联检评审员's worklist, worked like the review queue: a list and the chosen item."""
    rows = selectors.inspector_worklist(request.user)
    selected = None
    wanted = request.GET.get("s", "")
    for row in rows:
        if str(row["assignment"].pk) == wanted:
            selected = row
    if selected is None and rows:
        selected = next((row for row in rows if row["own"] is None), rows[0])
    context = {"rows": rows, "selected": selected, "grades": Submission.Grade.values}
    if selected is not None:
        context["typed"] = typed.take(request, f"inspection:{selected['assignment'].pk}")
    if selected is not None:
        assignment = selected["assignment"]
        context["evidence"] = assignment.submission.evidence.all()
        context["findings"] = selectors.findings_of(assignment)
        context["settled"] = selectors.verdict_of(assignment) is not None
    return render(request, "assessment/inspection/mine.html", context)


def typed_score(raw: str):
    """The number an inspector typed, or None when it is not one (the service says why)."""
    try:
        return Decimal(raw.strip()) if raw.strip() else None
    except InvalidOperation:
        return None


def _after(request, pk):
    return redirect(f"{reverse('inspection_mine')}?s={pk}")


@login_required
@require_POST
def item_score(request, pk):
    assignment = get_object_or_404(selectors.assignments_of(request.user), pk=pk)
    if _refusal(
        request,
        lambda: service.score_item(
            assignment,
            by=request.user,
            grade=request.POST.get("grade", ""),
            score=typed_score(request.POST.get("score", "")),
            comment=request.POST.get("comment", "")[:2000],
        ),
    ):
        messages.success(request, _("评分已保存，现在可以看到同组评审员的评分。"))
    else:
        typed.keep(request, f"inspection:{pk}", ("grade", "score", "comment"))
    return _after(request, pk)


@login_required
@require_POST
def item_finding(request, pk):
    assignment = get_object_or_404(selectors.assignments_of(request.user), pk=pk)
    text = request.POST.get("text", "")[:2000]
    if _refusal(request, lambda: service.record_finding(assignment, by=request.user, text=text)):
        messages.success(request, _("已记录实地检查发现，并列入受检单位的整改台账。"))
    return _after(request, pk)
