"""四级协同 and 述职评议 pages: the 党组书记's 签字确认, and duty reports (list, detail,
edit, submit, grade, return). Thin: parse, call the service, translate a refusal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from units.decorators import recent_login_required
from units.forms import StyledFormMixin
from units.selectors import scope_of, units_visible_to

from ..models import DutyReport, PartyConfirmation, Period
from ..selectors import duty as selectors
from ..services import duty as service

PAGE_SIZE = 50


# Styled: an unstyled textarea keeps its 40 columns and pushes a phone page sideways.
class DutyTextForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DutyReport
        fields = ["duties", "highlights", "problems", "plans"]
        widgets = {
            name: forms.Textarea(attrs={"rows": rows})
            for name, rows in (("duties", 8), ("highlights", 5), ("problems", 5), ("plans", 5))
        }


class GradeForm(StyledFormMixin, forms.Form):
    grade = forms.ChoiceField(
        label=gettext_lazy("评议等次"), choices=DutyReport.Grade.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("评议意见"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("退回原因"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DraftYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)


# --- 签字确认 -------------------------------------------------------------------------------


@login_required
def confirmation_list(request):
    scope = scope_of(request.user)
    if not scope.has_any_role or (scope.is_secretary and not scope.reads_unit_ids):
        raise PermissionDenied
    units = units_visible_to(request.user).filter(active=True).order_by("name")
    sections = [
        (period, selectors.confirmation_rows(period, units))
        for period in selectors.confirmation_periods()[:4]
    ]
    return render(
        request,
        "assessment/duty/confirmations.html",
        {
            "sections": sections,
            "party_unit_ids": scope.party_unit_ids,
            "may_reopen": scope.acts_as_committee,
            "read_only": scope.read_only,
        },
    )


@login_required
@require_POST
def confirmation_confirm(request, period_pk, unit_pk):
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    unit = get_object_or_404(units_visible_to(request.user), pk=unit_pk)
    try:
        service.confirm(period, unit, by=request.user, note=request.POST.get("note", ""))
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except service.DutyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已签字确认 %(unit)s %(period)s 的报送材料，材料已报送机关工委审核。")
            % {"unit": unit.name, "period": period},
        )
    return redirect("confirmation_list")


@recent_login_required
@require_POST
def confirmation_reopen(request, pk):
    confirmation = get_object_or_404(PartyConfirmation, pk=pk)
    try:
        service.reopen_confirmation(
            confirmation, by=request.user, reason=request.POST.get("reason", "")
        )
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except service.DutyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已要求党组书记重新签字确认。"))
    return redirect("confirmation_list")


# --- 述职评议 -------------------------------------------------------------------------------


def _filters(request):
    year = request.GET.get("year", "")
    return {
        "year": int(year) if year.isdigit() else None,
        "author_kind": request.GET.get("author_kind", "")
        if request.GET.get("author_kind") in DutyReport.Author.values
        else "",
        "status": request.GET.get("status", "")
        if request.GET.get("status") in DutyReport.Status.values
        else "",
        "grade": request.GET.get("grade", "")
        if request.GET.get("grade") in DutyReport.Grade.values
        else "",
    }


@login_required
def duty_list(request):
    scope = scope_of(request.user)
    if not scope.has_any_role:
        raise PermissionDenied
    filters = _filters(request)
    reports = selectors.grade_list(request.user, **filters)
    counts = selectors.grade_counts(reports)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/duty/list.html",
        {
            "page": page,
            "filters": filters,
            "years": selectors.report_years(),
            "authors": DutyReport.Author.choices,
            "statuses": DutyReport.Status.choices,
            "grades": DutyReport.Grade.choices,
            "grade_counts": [
                (label, counts.get(code, 0)) for code, label in DutyReport.Grade.choices
            ],
            "query": request.GET.urlencode(),
            "draft_form": DraftYearForm(initial={"year": timezone.localdate().year - 1})
            if scope.acts_as_committee
            else None,
        },
    )


@recent_login_required
@require_POST
def duty_draft_all(request):
    form = DraftYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写正确的年度。"))
        return redirect("duty_list")
    year = form.cleaned_data["year"]
    try:
        n = service.draft_reports(year, by=request.user)
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(
        request,
        _("已生成 %(year)s 年述职报告草稿 %(n)s 份（已有的不变）。") % {"year": year, "n": n},
    )
    return redirect(f"{reverse('duty_list')}?year={year}")


def _report(request, pk):
    return get_object_or_404(selectors.duty_reports_visible_to(request.user), pk=pk)


@login_required
def duty_detail(request, pk, text_form=None, grade_form=None):
    report = _report(request, pk)
    may_edit = selectors.may_edit(request.user, report)
    may_grade = selectors.may_grade(request.user, report)
    return render(
        request,
        "assessment/duty/detail.html",
        {
            "report": report,
            "figures": report.figures,
            "drafted_at": selectors.drafted_at(report.figures),
            "may_edit": may_edit,
            "may_grade": may_grade,
            "text_form": text_form or (DutyTextForm(instance=report) if may_edit else None),
            "grade_form": grade_form or (GradeForm() if may_grade else None),
            "return_form": ReturnForm() if may_grade else None,
            "transitions": report.transitions.select_related("by"),
        },
    )


@login_required
@require_POST
def duty_edit(request, pk):
    """Save the text; with 「提交」 also submit it, in one go for the author."""
    report = _report(request, pk)
    form = DutyTextForm(request.POST, instance=DutyReport(pk=report.pk))
    if not form.is_valid():
        return duty_detail(request, pk, text_form=form)
    try:
        report = service.edit_draft(report, by=request.user, data=form.cleaned_data)
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except service.DutyError as exc:
        messages.error(request, str(exc))
        return redirect("duty_detail", report.pk)
    if "submit" not in request.POST:
        messages.success(request, _("已保存草稿。"))
        return redirect("duty_detail", report.pk)
    try:
        service.submit(report, by=request.user)
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except service.DutyError as exc:
        # The text is saved either way: say so, so nobody retypes it.
        messages.error(request, str(exc))
        messages.info(request, _("已保存草稿。"))
    else:
        messages.success(request, _("述职报告已提交，等待机关工委评议。"))
    return redirect("duty_detail", report.pk)


@login_required
@require_POST
def duty_redraft(request, pk):
    report = _report(request, pk)
    try:
        service.redraft(report, by=request.user)
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("已按平台最新数据重新生成草稿。"))
    return redirect("duty_detail", report.pk)


@recent_login_required
@require_POST
def duty_grade(request, pk):
    report = _report(request, pk)
    form = GradeForm(request.POST)
    if not form.is_valid():
        return duty_detail(request, pk, grade_form=form)
    try:
        service.grade(
            report,
            by=request.user,
            grade=form.cleaned_data["grade"],
            comment=form.cleaned_data["comment"],
        )
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except service.DutyError as exc:
        messages.error(request, str(exc))
        return redirect("duty_detail", report.pk)
    messages.success(request, _("评议已保存。"))
    return redirect("duty_detail", report.pk)


@recent_login_required
@require_POST
def duty_return(request, pk):
    report = _report(request, pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise service.DutyError(_("请写明退回原因。"))
        service.return_report(report, by=request.user, reason=form.cleaned_data["reason"])
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except service.DutyError as exc:
        messages.error(request, str(exc))
        return redirect("duty_detail", report.pk)
    messages.success(request, _("已退回述职人修改。"))
    return redirect("duty_detail", report.pk)
