from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import DateInput, StyledFormMixin

from ..models import NegativeListEntry, Problem
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
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput())

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


class NoticeForm(IssueForm):
    """A notice bundling problems: one problem per line."""

    problem = forms.CharField(
        label=_("存在问题"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行写一个问题，每个问题单独整改、单独销号。"),
    )

    def problem_lines(self):
        return [line.strip() for line in self.cleaned_data["problem"].splitlines() if line.strip()]


class ProblemForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    branch = forms.ModelChoiceField(
        label=_("党支部"), queryset=None, required=False, empty_label=_("整个单位")
    )
    source = forms.ChoiceField(label=_("问题来源"), choices=())
    description = forms.CharField(
        label=_("问题描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=Problem.Severity.choices, initial=Problem.Severity.GENERAL
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("相关指标"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    found_on = forms.DateField(label=_("发现日期"), required=False, widget=DateInput())
    working_days = forms.IntegerField(
        label=_("整改时限（工作日）"),
        required=False,
        min_value=1,
        max_value=250,
        help_text=_("不填则按严重程度：一般 30、较重 20、严重 10 个工作日（扣除法定节假日）。"),
    )

    def __init__(self, *args, units, branches, indicators, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["branch"].queryset = branches
        self.fields["indicators"].queryset = indicators
        self.fields["source"].choices = sources

    def clean(self):
        data = super().clean()
        unit, branch = data.get("unit"), data.get("branch")
        if unit and branch and branch.unit_id != unit.pk:
            self.add_error("branch", _("所选党支部不属于该单位。"))
        return data


class ProblemAnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片或 Word/Excel/PowerPoint，单个文件不超过 20 MB。"),
    )


class MeasureDoneForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DateInput())
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片或 Word/Excel/PowerPoint，单个文件不超过 20 MB。"),
    )


class MeasureForm(StyledFormMixin, forms.Form):
    description = forms.CharField(
        label=_("措施内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("责任人"), max_length=60)
    due_on = forms.DateField(label=_("完成时限"), widget=DateInput())
    also = forms.ModelMultipleChoiceField(
        label=_("同时针对"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("一条措施可以同时解决本单位的其他问题。"),
    )

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["also"].queryset = others
        self.fields["also"].label_from_instance = lambda p: p.description[:40]


class ProblemImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("按模板填写的 .xlsx 或 .csv 文件。"))
