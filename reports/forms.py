from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import Period
from units.forms import StyledFormMixin
from units.selectors import branches_visible_to, units_visible_to

from .models import ReportJob


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.year}年{obj.get_kind_display()}（{obj.get_status_display()}）"


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.unit.short_name} · {obj.name}"


class ReportRequestForm(StyledFormMixin, forms.Form):
    """Parses a request; who may ask for what is decided in services.check_request."""

    kind = forms.ChoiceField(label=_("报告类型"))
    period = PeriodChoiceField(
        label=_("考核节点"),
        queryset=Period.objects.none(),
        empty_label=None,
    )
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=None, required=False, empty_label=_("请选择单位")
    )
    branch = BranchChoiceField(
        label=_("党支部"), queryset=None, required=False, empty_label=_("请选择党支部")
    )

    def __init__(self, user, kinds, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["period"].queryset = (
            Period.objects.exclude(status=Period.Status.DRAFT)
            .select_related("plan")
            .order_by("-plan__year", "-opens_on")
        )
        latest_result = (
            self.fields["period"]
            .queryset.filter(status__in=[Period.Status.CLOSED, Period.Status.PUBLISHED])
            .first()
        )
        if latest_result is not None:
            self.fields["period"].initial = latest_result.pk  # results are what people ask for
        self.fields["unit"].queryset = units_visible_to(user).filter(active=True).order_by("name")
        self.fields["branch"].queryset = (
            branches_visible_to(user)
            .filter(active=True)
            .select_related("unit")
            .order_by("unit__name", "name")
        )
        # read by static/js/reports-list.js to show only the field a kind needs
        self.fields["unit"].widget.attrs["data-for-kinds"] = ReportJob.Kind.SCORECARD
        self.fields["branch"].widget.attrs["data-for-kinds"] = ReportJob.Kind.FEEDBACK_SHEET


class JobFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("报告类型"),
        required=False,
        choices=[("", _("全部类型")), *ReportJob.Kind.choices],
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ReportJob.Status.choices]
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
