from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import StyledFormMixin

from ..models import NegativeListEntry
from .submissions import MultipleFileField


class IssueForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    branch = forms.ModelChoiceField(
        label=_("党支部"),
        queryset=None,
        required=False,
        empty_label=_("整个单位"),
        help_text=_("只针对某个党支部的问题时选择。"),
    )
    problem = forms.CharField(
        label=_("存在问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("相关指标"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units, branches, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["branch"].queryset = branches
        self.fields["indicators"].queryset = indicators

    def clean(self):
        data = super().clean()
        unit, branch = data.get("unit"), data.get("branch")
        if unit and branch and branch.unit_id != unit.pk:
            self.add_error("branch", _("所选党支部不属于该单位。"))
        return data


class AnswerForm(StyledFormMixin, forms.Form):
    measures = forms.CharField(
        label=_("整改措施及成效"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片或 Word/Excel/PowerPoint，单个文件不超过 20 MB。"),
    )


class DecisionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时必填：写明还需整改的内容。"),
    )


class NegativeListForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    reason = forms.CharField(
        label=_("事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    effect = forms.ChoiceField(label=_("处理"), choices=NegativeListEntry.Effect.choices)
    points = forms.DecimalField(
        label=_("扣分"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=0,
        help_text=_("处理为“扣分”时填写；一票否决不填。"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("effect") == NegativeListEntry.Effect.DEDUCTION and not data.get("points"):
            self.add_error("points", _("扣分处理须填写扣分分值。"))
        return data
