"""The indicator-system editor: tree, edits, versions, copies, diff, import/export, burden
and the secretary preview. Committee staff write; leaders read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from units.decorators import recent_login_required
from units.importing import ImportFileError
from units.models import UnitCategory
from units.selectors import can_manage
from units.wording import quoted

from ..forms_plans import (
    CopyForm,
    DiffForm,
    IndicatorForm,
    PreviewForm,
    RetireForm,
    ReweightForm,
    SystemImportForm,
)
from ..models import AnnualPlan, Indicator, IndicatorSystem, Period
from ..selectors import burden as burden_selectors
from ..selectors import indicators as selectors
from ..selectors.plans import current_system
from ..services import indicators as service
from ..services.indicator_io import export_system, import_system
from .plans import require_reader, require_staff

SYSTEMS = IndicatorSystem.objects.select_related("plan", "plan__cycle")


def _system(pk):
    return get_object_or_404(SYSTEMS, pk=pk)


def _item(pk):
    return get_object_or_404(
        Indicator.objects.select_related("system", "system__plan", "parent"), pk=pk
    )


def _refuse_if_locked(request, system):
    """Redirect back with the explanation when the system is in use; None when editable."""
    try:
        service.ensure_editable(system)
    except service.SystemLocked as exc:
        messages.error(request, str(exc))
        return redirect("system_detail", pk=system.pk)
    return None


@login_required
def system_list(request):
    require_reader(request.user)
    return render(
        request,
        "assessment/plans/system_list.html",
        {"systems": list(selectors.systems_list()), "can_manage": can_manage(request.user)},
    )


@login_required
def system_detail(request, pk):
    require_reader(request.user)
    system = _system(pk)
    items = service.load_items(system)
    nodes = service.flatten(service.build_tree(system, items))
    faults = service.validate_system(system, items)
    fault_codes = {f.code for f in faults}
    locking = list(service.locking_periods(system).select_related("plan"))
    active = [n for n in nodes if not n.item.retired_at]
    counts = {
        "scored": sum(1 for n in active if n.item.kind != Indicator.Kind.DIMENSION),
        "dimensions": sum(1 for n in active if n.item.kind == Indicator.Kind.DIMENSION),
        "retired": sum(1 for n in nodes if n.item.retired_at),
        "base": sum((n.effective for n in active if n.depth == 0), 0),
    }
    return render(
        request,
        "assessment/plans/system_detail.html",
        {
            "system": system,
            "plan": system.plan,
            "nodes": nodes,
            "faults": faults,
            "fault_codes": fault_codes,
            "locking": locking,
            "is_current": current_system(system.plan) == system,
            "burden": selectors.burden(system.plan, system),
            "calendars": burden_selectors.calendars(system.plan, system),
            "period_kinds": Period.Kind.choices,
            "counts": counts,
            "can_manage": can_manage(request.user),
            "can_edit": can_manage(request.user) and not locking,
        },
    )


def _item_form_page(request, system, form, item=None):
    return render(
        request,
        "assessment/plans/item_form.html",
        {"system": system, "form": form, "item": item},
    )


@login_required
def item_create(request, pk):
    require_staff(request.user)
    system = _system(pk)
    refused = _refuse_if_locked(request, system)
    if refused:
        return refused
    initial = {}
    parent = None
    if request.GET.get("parent"):
        parent = Indicator.objects.filter(system=system, pk=request.GET["parent"]).first()
    if parent:
        initial = {
            "parent": parent.pk,
            "standard": parent.standard,
            "goal": parent.goal,
            "kind": Indicator.Kind.GRADED,
            "frequency": parent.frequency,
        }
    else:
        initial = {"kind": Indicator.Kind.DIMENSION}
    form = IndicatorForm(request.POST or None, system=system, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _save(request, system, form)
    return _item_form_page(request, system, form)


@login_required
def item_edit(request, pk):
    require_staff(request.user)
    item = _item(pk)
    refused = _refuse_if_locked(request, item.system)
    if refused:
        return refused
    form = IndicatorForm(request.POST or None, instance=item, system=item.system)
    if request.method == "POST" and form.is_valid():
        return _save(request, item.system, form)
    return _item_form_page(request, item.system, form, item)


def _save(request, system, form):
    item = form.save(commit=False)
    try:
        service.save_item(item, by=request.user, categories=form.cleaned_data["categories"])
    except service.SystemLocked as exc:
        messages.error(request, str(exc))
        return redirect("system_detail", pk=system.pk)
    except service.InvalidEdit as exc:
        form.add_error(None, str(exc))
        return _item_form_page(request, system, form, item if item.pk else None)
    messages.success(
        request,
        _("已保存“%(item)s”。右侧校验面板会提示同级权重是否合计 100%%。") % {"item": quoted(item)},
    )
    return redirect(f"{_detail_url(system)}#item-{item.pk}")


def _detail_url(system):
    return reverse("system_detail", args=[system.pk])


@require_POST
@login_required
def item_move(request, pk):
    require_staff(request.user)
    item = _item(pk)
    try:
        service.move_item(
            item, "up" if request.POST.get("direction") == "up" else "down", by=request.user
        )
    except service.SystemLocked as exc:
        messages.error(request, str(exc))
    return redirect(f"{_detail_url(item.system)}#item-{item.pk}")


@login_required
def item_retire(request, pk):
    require_staff(request.user)
    item = _item(pk)
    refused = _refuse_if_locked(request, item.system)
    if refused:
        return refused
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.retire_item(item, by=request.user, reason=form.cleaned_data["reason"])
        except (service.SystemLocked, service.InvalidEdit) as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(
                request,
                _("“%(item)s”已淘汰，仍保留在本版本的历史中。请调整同级权重使其合计 100%%。")
                % {"item": quoted(item)},
            )
            return redirect("system_detail", pk=item.system_id)
    return render(request, "assessment/plans/item_retire.html", {"item": item, "form": form})


@require_POST
@login_required
def item_restore(request, pk):
    require_staff(request.user)
    item = _item(pk)
    try:
        service.restore_item(item, by=request.user)
    except (service.SystemLocked, service.InvalidEdit) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(item)s”已恢复。") % {"item": quoted(item)})
    return redirect("system_detail", pk=item.system_id)


@login_required
def reweight(request, pk, parent_pk):
    require_staff(request.user)
    system = _system(pk)
    refused = _refuse_if_locked(request, system)
    if refused:
        return refused
    parent = None
    if parent_pk:
        parent = get_object_or_404(Indicator, system=system, pk=parent_pk)
    siblings = list(
        Indicator.objects.filter(system=system, parent=parent, retired_at__isnull=True)
        .exclude(kind__in=service.OUTSIDE_WEIGHTS)
        .order_by("position", "code")
    )
    if not siblings:
        raise Http404
    form = ReweightForm(request.POST or None, siblings=siblings)
    if request.method == "POST" and form.is_valid():
        try:
            service.reweight(system, parent, form.weights(), by=request.user)
        except service.InvalidEdit as exc:
            form.add_error(None, str(exc))
        except service.SystemLocked as exc:
            messages.error(request, str(exc))
            return redirect("system_detail", pk=system.pk)
        else:
            messages.success(request, _("权重已保存，合计 100%。"))
            return redirect("system_detail", pk=system.pk)
    return render(
        request,
        "assessment/plans/reweight.html",
        {"system": system, "parent": parent, "form": form},
    )


@require_POST
@login_required
def system_new_version(request, pk):
    require_staff(request.user)
    system = _system(pk)
    new = service.create_version(system, by=request.user)
    messages.success(
        request,
        _(
            "已创建第 %(v)d 版：在这里修改，之后开放的节点将使用新版本；已开放的节点仍使用第 "
            "%(old)d 版。"
        )
        % {"v": new.version, "old": system.version},
    )
    return redirect("system_detail", pk=new.pk)


@require_GET
@login_required
def system_export(request, pk):
    require_reader(request.user)
    system = _system(pk)
    response = HttpResponse(
        export_system(system),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"indicators-{system.plan.year}-v{system.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@recent_login_required
def system_import(request, pk):
    require_staff(request.user)
    system = _system(pk)
    form = SystemImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome, new = import_system(system.plan, form.cleaned_data["file"], by=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if new is not None:
                messages.success(
                    request,
                    _("已导入为第 %(v)d 版，共 %(n)d 项。下面是与第 %(old)d 版的差异。")
                    % {"v": new.version, "n": outcome.new, "old": system.version},
                )
                return redirect(f"{_diff_url()}?a={system.pk}&b={new.pk}")
    return render(
        request,
        "assessment/plans/system_import.html",
        {"system": system, "form": form, "outcome": outcome},
    )


def _diff_url():
    return reverse("system_diff")


@login_required
def system_copy(request, pk):
    require_staff(request.user)
    system = _system(pk)
    following = AnnualPlan.objects.filter(year__gt=system.plan.year).order_by("year")
    form = CopyForm(request.POST or None, initial={"plan": following.first()})
    form.fields["plan"].queryset = following
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["plan"]
        new, changed = service.copy_to_plan(
            system, target, apply_preset=form.cleaned_data["apply_preset"]
        )
        messages.success(
            request,
            _("已复制到 %(year)d 年（%(phase)s）作为第 %(v)d 版，按阶段调整了 %(n)d 项权重。")
            % {
                "year": target.year,
                "phase": target.get_phase_display(),
                "v": new.version,
                "n": len(changed),
            },
        )
        return redirect(f"{_diff_url()}?a={system.pk}&b={new.pk}")
    return render(request, "assessment/plans/system_copy.html", {"system": system, "form": form})


@login_required
def system_diff(request):
    require_reader(request.user)
    form = DiffForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = service.diff_systems(form.cleaned_data["a"], form.cleaned_data["b"])
    return render(
        request,
        "assessment/plans/system_diff.html",
        {
            "form": form,
            "result": result,
            "a": form.cleaned_data.get("a") if result is not None else None,
            "b": form.cleaned_data.get("b") if result is not None else None,
            "total": sum(len(v) for v in result.values()) if result else 0,
        },
    )


@login_required
def system_preview(request, pk):
    require_reader(request.user)
    system = _system(pk)
    form = PreviewForm(request.GET or None)
    data = (
        form.cleaned_data
        if form.is_valid()
        else {"category": None, "kind": "q1", "level": "branch"}
    )
    if not form.is_bound:
        first = UnitCategory.objects.order_by("sort_order", "name").first()
        data = {"category": first, "kind": "q1", "level": "branch"}
        form = PreviewForm(initial={"category": first, "kind": "q1", "level": "branch"})
    groups, total = selectors.preview(system, data["category"], data["kind"], level=data["level"])
    return render(
        request,
        "assessment/plans/system_preview.html",
        {
            "system": system,
            "form": form,
            "groups": groups,
            "total": total,
            "cap": system.plan.burden_cap,
            "calendar": burden_selectors.calendar(
                system.plan, system, data["category"], level=data["level"]
            ),
            "kind_label": dict(Period.Kind.choices)[data["kind"]],
            "category": data["category"],
        },
    )
