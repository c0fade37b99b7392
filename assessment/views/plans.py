"""Cycles, annual plans and periods: committee staff write, leaders read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.decorators import recent_login_required
from units.selectors import can_manage, scope_of
from units.workflow import TransitionNotAllowed

from ..forms_plans import CycleForm, PeriodWindowForm, PlanForm, ReasonForm
from ..models import AnnualPlan, Period
from ..selectors import burden as burden_selectors
from ..selectors.plans import current_system, cycles_with_plans
from ..services import periods as period_service
from ..services import plans as plan_service
from ..services.indicator_template import load_template
from ..services.indicators import create_empty_system


def require_reader(user):
    """Plans and systems are read by committee staff and leaders."""
    if not scope_of(user).sees_everything:
        raise PermissionDenied


def require_staff(user):
    if not can_manage(user):
        raise PermissionDenied


@login_required
def plan_list(request):
    require_reader(request.user)
    cycles = list(cycles_with_plans())
    return render(request, "assessment/plans/plan_list.html", {"cycles": cycles})


@login_required
def cycle_create(request):
    require_staff(request.user)
    latest = cycles_with_plans().first()
    initial = {}
    if latest:
        start = latest.start_year + 3
        initial = {
            "start_year": start,
            "previous": latest.pk,
            "title": _("%(a)d—%(b)d年创建模范机关三年行动计划") % {"a": start, "b": start + 2},
        }
    form = CycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = plan_service.create_cycle(by=request.user, **form.cleaned_data)
        except plan_service.PlanError as exc:
            form.add_error("start_year", str(exc))
        else:
            messages.success(
                request,
                _(
                    "已创建“%(title)s”及三个年度计划（对标年、突破年、问效年），每年的季度、半年和"
                    "年度节点已按默认时间建立。下一步：为各年度建立指标体系。"
                )
                % {"title": cycle.title},
            )
            return redirect("plan_list")
    return render(request, "assessment/plans/cycle_form.html", {"form": form})


@login_required
def plan_detail(request, year):
    require_reader(request.user)
    plan = get_object_or_404(AnnualPlan.objects.select_related("cycle"), year=year)
    periods = list(plan.periods.select_related("system").order_by("opens_on"))
    systems = list(plan.systems.order_by("-version"))
    return render(
        request,
        "assessment/plans/plan_detail.html",
        {
            "plan": plan,
            "periods": periods,
            "systems": systems,
            "current": systems[0] if systems else None,
            "calendars": burden_selectors.calendars(plan, systems[0] if systems else None),
            "next_plan": plan_service.next_plan(plan),
            "can_manage": can_manage(request.user),
        },
    )


@login_required
def plan_edit(request, year):
    require_staff(request.user)
    plan = get_object_or_404(AnnualPlan, year=year)
    form = PlanForm(request.POST or None, instance=AnnualPlan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        try:
            plan_service.update_plan(plan, form.cleaned_data, by=request.user)
        except plan_service.PlanError as exc:
            form.add_error("weight_satisfaction", str(exc))
        else:
            messages.success(request, _("年度计划已保存。"))
            return redirect("plan_detail", year=plan.year)
    return render(request, "assessment/plans/plan_form.html", {"plan": plan, "form": form})


@require_POST
@login_required
def plan_load_template(request, year):
    require_staff(request.user)
    plan = get_object_or_404(AnnualPlan, year=year)
    system = load_template(plan, by=request.user)
    messages.success(
        request,
        _("已载入默认“四个模范·六实”指标体系（第 %(v)d 版），可在此基础上调整。")
        % {"v": system.version},
    )
    return redirect("system_detail", pk=system.pk)


@require_POST
@login_required
def plan_new_system(request, year):
    require_staff(request.user)
    plan = get_object_or_404(AnnualPlan, year=year)
    system = create_empty_system(plan, by=request.user)
    messages.success(request, _("已建立空白指标体系：先添加一级维度，再在维度下添加指标。"))
    return redirect("system_detail", pk=system.pk)


@login_required
def period_detail(request, pk):
    require_reader(request.user)
    period = get_object_or_404(Period.objects.select_related("plan", "system"), pk=pk)
    staff = can_manage(request.user)
    window_form = PeriodWindowForm(instance=period, prefix="w")
    if request.method == "POST":
        require_staff(request.user)
        window_form = PeriodWindowForm(request.POST, instance=Period(pk=period.pk), prefix="w")
        if window_form.is_valid():
            try:
                plan_service.update_period_window(
                    period, by=request.user, **window_form.cleaned_data
                )
            except plan_service.PlanError as exc:
                window_form.add_error("deadline", str(exc))
            else:
                messages.success(
                    request, _("报送时间已更新，书记们在任务页上看到的截止日期随之改变。")
                )
                return redirect("period_detail", pk=period.pk)
    return render(
        request,
        "assessment/plans/period_detail.html",
        {
            "period": period,
            "transitions": period.transitions.select_related("by"),
            "window_form": window_form,
            "reason_form": ReasonForm(),
            "system": period.system or current_system(period.plan),
            "can_manage": staff,
        },
    )


@require_POST
@login_required
@recent_login_required
def period_transition(request, pk, action):
    require_staff(request.user)
    period = get_object_or_404(Period.objects.select_related("plan"), pk=pk)
    if action not in period_service.PERIOD_ACTIONS:
        raise PermissionDenied
    reason = ""
    if period_service.PERIOD_ACTIONS[action].needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "assessment/plans/period_detail.html",
                {
                    "period": period,
                    "transitions": period.transitions.select_related("by"),
                    "window_form": PeriodWindowForm(instance=period, prefix="w"),
                    "reason_form": form,
                    "system": period.system or current_system(period.plan),
                    "can_manage": True,
                },
                status=400,
            )
        reason = form.cleaned_data["reason"]
    try:
        # Publishing freezes the period's scores as revision 1 in the same transaction.
        period_service.perform(action, period, by=request.user, reason=reason)
    except (TransitionNotAllowed, period_service.ScoringError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, period_service.PERIOD_ACTIONS[action].success)
    return redirect("period_detail", pk=period.pk)
