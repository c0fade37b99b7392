"""Rectification notices, feedback forms, the rectification rate and the negative list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.decorators import recent_login_required
from units.selectors import branches_visible_to, can_manage, scope_of, units_visible_to
from units.workflow import TransitionNotAllowed

from ..forms.rectification import AnswerForm, DecisionForm, IssueForm, NegativeListForm
from ..models import AnnualPlan, Indicator, Rectification
from ..selectors import rectification as selectors
from ..selectors.plans import current_system
from ..services import evidence as evidence_service
from ..services import rectification as service


def _current_plan():
    year = timezone.localdate().year
    return (
        AnnualPlan.objects.filter(year__lte=year).order_by("-year").first()
        or AnnualPlan.objects.order_by("year").first()
    )


@login_required
def rectification_list(request):
    notices = selectors.rectifications_visible_to(request.user)
    status = request.GET.get("status", "")
    shown = notices.filter(status=status) if status in Rectification.Status.values else notices
    overdue = notices.filter(selectors.overdue_q()).order_by("deadline")
    return render(
        request,
        "assessment/rectification/list.html",
        {
            "notices": shown.order_by("status", "deadline", "pk")[:200],
            "figures": selectors.rate(notices),
            "by_unit": selectors.rate_by_unit(notices),
            "overdue": overdue[:50],
            "status": status,
            "statuses": Rectification.Status.choices,
            "may_manage": can_manage(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def rectification_new(request):
    if not can_manage(request.user):
        raise PermissionDenied
    plan = _current_plan()
    if plan is None:
        messages.error(request, _("还没有年度计划，请先建立年度计划。"))
        return redirect("rectification_list")
    system = current_system(plan)
    indicators = (
        Indicator.objects.filter(system=system).exclude(kind=Indicator.Kind.DIMENSION)
        if system
        else Indicator.objects.none()
    )
    form = IssueForm(
        request.POST or None,
        units=units_visible_to(request.user).filter(active=True),
        branches=branches_visible_to(request.user).filter(active=True).select_related("unit"),
        indicators=indicators,
        initial={"unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = service.issue(
            by=request.user,
            plan=plan,
            unit=data["unit"],
            branch=data["branch"],
            problem=data["problem"],
            deadline=data["deadline"],
            indicators=data["indicators"],
        )
        messages.success(request, _("整改通知已下发，单位管理员会在“整改”中看到并反馈。"))
        return redirect("rectification_detail", notice.pk)
    return render(request, "assessment/rectification/new.html", {"form": form, "plan": plan})


@login_required
def rectification_detail(request, pk):
    notice = get_object_or_404(selectors.rectifications_visible_to(request.user), pk=pk)
    scope = scope_of(request.user)
    may_answer = notice.unit_id in scope.unit_ids and notice.status in (
        Rectification.Status.ISSUED,
        Rectification.Status.SENT_BACK,
    )
    may_decide = can_manage(request.user) and notice.status == Rectification.Status.ANSWERED
    answer_form = AnswerForm(initial={"measures": notice.measures})
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        answer_form = AnswerForm(request.POST, request.FILES)
        if answer_form.is_valid():
            stored = []
            for upload in answer_form.cleaned_data["files"]:
                try:
                    stored.append(
                        evidence_service.store_evidence(
                            upload, by=request.user, unit=notice.unit, branch=notice.branch
                        )
                    )
                except evidence_service.EvidenceRejected as exc:
                    answer_form.add_error("files", str(exc))
            if not answer_form.errors:
                try:
                    service.answer(
                        notice,
                        by=request.user,
                        measures=answer_form.cleaned_data["measures"],
                        evidence=stored,
                    )
                except (service.RectificationError, TransitionNotAllowed) as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("整改反馈已提交，等待机关工委核验。"))
                    return redirect("rectification_detail", notice.pk)
    return render(
        request,
        "assessment/rectification/detail.html",
        {
            "notice": notice,
            "events": notice.events.select_related("by"),
            "evidence": notice.evidence.all(),
            "indicators": notice.indicators.all(),
            "may_answer": may_answer,
            "may_decide": may_decide,
            "answer_form": answer_form,
            "decision_form": DecisionForm(),
            "overdue": notice.status != Rectification.Status.VERIFIED
            and notice.deadline < timezone.localdate(),
        },
    )


@login_required
@require_POST
def rectification_decide(request, pk):
    if not can_manage(request.user):
        raise PermissionDenied
    notice = get_object_or_404(selectors.rectifications_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if request.POST.get("action") == "send_back":
            service.send_back(notice, by=request.user, reason=comment)
            messages.success(request, _("已退回单位重新整改。"))
        else:
            service.verify(notice, by=request.user, comment=comment)
            messages.success(request, _("已核验销号，计入整改率。"))
    except (service.RectificationError, TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
    return redirect("rectification_detail", notice.pk)


@login_required
@recent_login_required(methods=["POST"])
def negative_list(request):
    entries = selectors.negative_list_visible_to(request.user)
    may_manage = can_manage(request.user)
    form = NegativeListForm(
        request.POST or None, units=units_visible_to(request.user).filter(active=True)
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        plan = _current_plan()
        if plan is None:
            messages.error(request, _("还没有年度计划，请先建立年度计划。"))
        elif form.is_valid():
            data = form.cleaned_data
            service.add_to_negative_list(
                by=request.user,
                plan=plan,
                unit=data["unit"],
                reason=data["reason"],
                effect=data["effect"],
                points=data["points"] or 0,
            )
            messages.success(request, _("已列入负面清单，该单位可在“负面清单”中看到。"))
            return redirect("negative_list")
    return render(
        request,
        "assessment/rectification/negative_list.html",
        {"entries": entries, "form": form, "may_manage": may_manage},
    )
