"""后进转化 pages: the conversion rate and every follow-up (committee staff, leaders, the
unit's administrator), a new follow-up (committee), one follow-up with its track, the unit's
progress reports and the committee's closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.selectors import branches_visible_to, scope_of, units_visible_to
from units.workflow import TransitionNotAllowed

from ..forms.turnaround import CloseForm, ProgressForm, TurnaroundForm
from ..models import Period
from ..selectors import turnaround as selectors
from ..services import turnaround as service


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def turnaround_list(request):
    if not selectors.may_view(request.user):
        raise PermissionDenied
    overview = selectors.overview(request.user)
    scope = scope_of(request.user)
    quarters = selectors.finished_quarters()
    latest = quarters[-1] if quarters else None
    untracked_branches, untracked_units = [], []
    if latest is not None:
        unit_ids = None if scope.sees_everything else list(scope.unit_ids)
        untracked_branches, untracked_units = selectors.untracked_lagging(latest, unit_ids=unit_ids)
    return render(
        request,
        "assessment/turnaround/list.html",
        {
            "overview": overview,
            "latest": latest,
            "untracked_branches": untracked_branches,
            "untracked_units": untracked_units,
            "may_open": selectors.may_open(request.user),
        },
    )


@login_required
def turnaround_new(request):
    if not selectors.may_open(request.user):
        raise PermissionDenied
    periods = Period.objects.finished().select_related("plan").order_by("-plan__year", "-opens_on")
    initial = {
        "period": _int(request.GET.get("period")),
        "unit": _int(request.GET.get("unit")),
        "branch": _int(request.GET.get("branch")),
        "talk_on": timezone.localdate(),
    }
    form = TurnaroundForm(
        request.POST or None,
        periods=periods,
        units=units_visible_to(request.user).filter(active=True).order_by("name"),
        branches=branches_visible_to(request.user)
        .filter(active=True)
        .select_related("unit")
        .order_by("unit__name", "name"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            turnaround = service.open_turnaround(
                by=request.user,
                period=data["period"],
                unit=data["unit"],
                branch=data["branch"],
                talk_on=data["talk_on"],
                participants=data["participants"],
                agreed=data["agreed"],
                actions=form.actions(),
            )
        except service.TurnaroundError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc))
        else:
            messages.success(
                request,
                _(
                    "后进转化跟踪已建立：单位管理员会看到转化计划并记录进展，之后各季度的得分自动跟踪。"
                ),
            )
            return redirect("turnaround_detail", turnaround.pk)
    return render(
        request,
        "assessment/turnaround/new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _detail(request, turnaround, progress_form=None, close_form=None, status=200):
    tracked = selectors.track([turnaround])[0]
    actions = list(turnaround.actions.all())
    may_progress = (
        selectors.may_record_progress(request.user, turnaround)
        and turnaround.status != turnaround.Status.CLOSED
    )
    may_close = (
        selectors.may_close(request.user, turnaround)
        and turnaround.status != turnaround.Status.CLOSED
    )
    return render(
        request,
        "assessment/turnaround/detail.html",
        {
            "t": turnaround,
            "tracked": tracked,
            "actions": actions,
            "events": turnaround.events.select_related("by"),
            "today": timezone.localdate(),
            "may_progress": may_progress,
            "may_close": may_close,
            "progress_form": progress_form or ProgressForm(actions=actions),
            "close_form": close_form or CloseForm(),
        },
        status=status,
    )


@login_required
def turnaround_detail(request, pk):
    turnaround = get_object_or_404(selectors.turnarounds_visible_to(request.user), pk=pk)
    return _detail(request, turnaround)


@login_required
@require_POST
def turnaround_progress(request, pk):
    turnaround = get_object_or_404(selectors.turnarounds_visible_to(request.user), pk=pk)
    if not selectors.may_record_progress(request.user, turnaround):
        raise PermissionDenied
    form = ProgressForm(request.POST, actions=list(turnaround.actions.all()))
    if form.is_valid():
        try:
            service.record_progress(
                turnaround,
                by=request.user,
                note=form.cleaned_data["note"],
                done=form.cleaned_data["done"],
            )
        except (service.TurnaroundError, TransitionNotAllowed) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("进展已记录，机关工委可在跟踪记录中看到。"))
            return redirect("turnaround_detail", turnaround.pk)
    return _detail(request, turnaround, progress_form=form, status=400)


@login_required
@require_POST
def turnaround_close(request, pk):
    turnaround = get_object_or_404(selectors.turnarounds_visible_to(request.user), pk=pk)
    if not selectors.may_close(request.user, turnaround):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            service.close_turnaround(turnaround, by=request.user, note=form.cleaned_data["note"])
        except (service.TurnaroundError, TransitionNotAllowed) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已结束跟踪；是否转化仍按之后各季度的得分自动判断。"))
            return redirect("turnaround_detail", turnaround.pk)
    return _detail(request, turnaround, close_form=form, status=400)
