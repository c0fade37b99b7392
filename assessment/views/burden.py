"""为基层减负 and 形式主义预警 pages: a plan's burden calendar (with a change to try) and
measured minutes; a period's signals of formalism, with dismissal and a bulk recompute."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import UnitCategory
from units.workflow import TransitionNotAllowed

from ..forms.burden import DismissForm, SignalFilterForm, TryCalendarForm
from ..models import AnnualPlan, FormalismSignal, Indicator, Period
from ..selectors import burden as selectors
from ..selectors.plans import current_system
from ..services import signals as service
from ..tasks import recompute_period_signals

PAGE_SIZE = 50


def _require(allowed):
    if not allowed:
        raise PermissionDenied


@login_required
def plan_burden(request, year):
    """The plan's calendar for one category and level, a change to try beside the saved
    one, and the minutes measured per period and per item."""
    _require(selectors.may_see_burden(request.user))
    plan = get_object_or_404(AnnualPlan.objects.select_related("cycle"), year=year)
    system = current_system(plan)
    periods = list(plan.periods.order_by("opens_on"))
    params = request.GET.copy()
    if "category" not in params:
        first = UnitCategory.objects.order_by("sort_order", "name").first()
        params["category"] = str(first.pk) if first else ""
    params.setdefault("level", Indicator.Level.BRANCH)
    probe = TryCalendarForm(params, periods=periods)
    probe.is_valid()
    category = probe.cleaned_data.get("category")
    level = probe.cleaned_data.get("level") or Indicator.Level.BRANCH
    items = selectors.items_by_kind(plan, system, category, level=level)
    form = TryCalendarForm(params, periods=periods, items_by_kind=items)
    saved = selectors.calendar(plan, system, category, level=level, periods=periods)
    tried = None
    if form.is_valid() and (form.moves() or form.dropped()):
        tried = selectors.calendar(
            plan,
            system,
            category,
            level=level,
            periods=periods,
            moves=form.moves(),
            dropped=form.dropped(),
        )
    chosen = set(params.getlist("drop"))
    measured_periods, measured_items = selectors.measured(plan, system)
    kind_labels = dict(Period.Kind.choices)
    return render(
        request,
        "assessment/burden/plan_burden.html",
        {
            "plan": plan,
            "system": system,
            "form": form,
            "category": category,
            "saved": saved,
            "tried": tried,
            "items_by_kind": [
                (
                    kind_labels[kind],
                    kind,
                    [(i, f"{kind}:{i.pk}", f"{kind}:{i.pk}" in chosen) for i in asked],
                )
                for kind, asked in items.items()
                if asked
            ],
            "measured_periods": measured_periods,
            "measured_items": measured_items,
            "categories": sorted({name for row in measured_periods for name in row.by_category}),
        },
    )


@login_required
def signals_index(request):
    """The signals of the open period, else of the latest period."""
    _require(selectors.may_see_signals(request.user))
    period = (
        Period.objects.filter(status=Period.Status.OPEN).order_by("-opens_on").first()
        or Period.objects.order_by("-plan__year", "-opens_on").first()
    )
    if period is None:
        messages.info(request, _("还没有考核节点。"))
        return redirect("plan_list")
    return redirect("period_signals", period.pk)


@login_required
def period_signals(request, period_pk):
    _require(selectors.may_see_signals(request.user))
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    params = request.GET.copy()
    params.setdefault("status", FormalismSignal.Status.OPEN)
    form = SignalFilterForm(params)
    data = form.cleaned_data if form.is_valid() else {"kind": "", "status": "open"}
    by_unit, totals = selectors.counts_by_unit(period)
    page = Paginator(
        selectors.period_signals(period, kind=data["kind"], status=data["status"]), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    kinds = FormalismSignal.Kind.choices
    return render(
        request,
        "assessment/burden/period_signals.html",
        {
            "period": period,
            "periods": Period.objects.select_related("plan").order_by("-plan__year", "-opens_on")[
                :8
            ],
            "form": form,
            "kinds": kinds,
            "by_unit": [
                (unit, [counts.get(k, 0) for k, _l in kinds], n) for unit, counts, n in by_unit
            ],
            "totals": [totals.get(k, 0) for k, _l in kinds],
            "total": sum(totals.values()),
            "page": page,
            "dismiss_form": DismissForm(),
            "may_decide": selectors.may_decide_signals(request.user),
        },
    )


@login_required
@require_POST
def period_signals_compute(request, period_pk):
    _require(selectors.may_decide_signals(request.user))
    period = get_object_or_404(Period, pk=period_pk)
    recompute_period_signals(period.pk)
    messages.success(
        request, _("已开始对本节点全部报送材料重新检查预警，完成后刷新本页即可看到结果。")
    )
    return redirect("period_signals", period.pk)


@login_required
@require_POST
def signal_dismiss(request, pk):
    _require(selectors.may_decide_signals(request.user))
    signal = get_object_or_404(FormalismSignal, pk=pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写排除理由。"))
    else:
        try:
            service.dismiss(signal, by=request.user, reason=form.cleaned_data["reason"])
        except (service.SignalError, TransitionNotAllowed) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已排除该预警，理由已记录。"))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("period_signals", signal.period_id)
