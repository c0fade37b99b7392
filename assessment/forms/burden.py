"""Forms of the burden calendar (trying a change) and of the signals of formalism."""

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import DateInput, StyledFormMixin
from units.models import UnitCategory

from ..models import FormalismSignal, Indicator
from ..rules import window_problem


class TryCalendarForm(StyledFormMixin, forms.Form):
    """A designer tries a change — move a window, drop items from a period — and sees the
    calendar; nothing is saved."""

    category = forms.ModelChoiceField(
        UnitCategory.objects.order_by("sort_order", "name"), label=_("单位分类"), required=False
    )
    level = forms.ChoiceField(
        choices=Indicator.Level.choices, label=_("考核对象"), initial=Indicator.Level.BRANCH
    )
    drop = forms.MultipleChoiceField(label=_("试着去掉的指标"), required=False)

    def __init__(self, *args, periods=(), items_by_kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = list(periods)
        for period in self.periods:
            self.fields[f"{period.kind}_opens"] = forms.DateField(
                label=_("开始"),
                required=False,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"{period.kind}_deadline"] = forms.DateField(
                label=_("截止"),
                required=False,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}),
            )
        self.fields["drop"].choices = [
            (f"{kind}:{item.pk}", f"{item.code} {item.name}")
            for kind, items in (items_by_kind or {}).items()
            for item in items
        ]

    def window_fields(self):
        return [(p, self[f"{p.kind}_opens"], self[f"{p.kind}_deadline"]) for p in self.periods]

    def clean(self):
        data = super().clean()
        for period in self.periods:
            opens = data.get(f"{period.kind}_opens") or period.opens_on
            deadline = data.get(f"{period.kind}_deadline") or period.deadline
            problem = window_problem(period.plan.year, opens, deadline)
            if problem:
                self.add_error(f"{period.kind}_deadline", problem)
        return data

    def moves(self):
        moved = {}
        for period in self.periods:
            opens = self.cleaned_data.get(f"{period.kind}_opens") or period.opens_on
            deadline = self.cleaned_data.get(f"{period.kind}_deadline") or period.deadline
            if (opens, deadline) != (period.opens_on, period.deadline):
                moved[period.kind] = (opens, deadline)
        return moved

    def dropped(self):
        pairs = set()
        for value in self.cleaned_data.get("drop", []):
            kind, _sep, pk = value.partition(":")
            pairs.add((kind, int(pk)))
        return pairs


class SignalFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[("", _("全部类型"))] + list(FormalismSignal.Kind.choices),
        label=_("预警类型"),
        required=False,
    )
    status = forms.ChoiceField(
        choices=[("", _("全部状态"))] + list(FormalismSignal.Status.choices),
        label=_("状态"),
        required=False,
        initial=FormalismSignal.Status.OPEN,
    )


class DismissForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("排除理由"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("例如：两支部联合开展活动，共用一份材料")}),
    )
