"""Forms of the secretary's quarter and of review (parsing only; rules live in services)."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from units.forms import StyledFormMixin

from ..models import FormalismSignal, Indicator, Standard, Submission
from ..models.plans import Goal
from ..services.evidence import ACCEPT_ATTR


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTR}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [d for d in data if d] if isinstance(data, list | tuple) else [data] if data else []
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(super().clean(upload, initial))
            except forms.ValidationError as exc:
                if exc.code != "empty":
                    raise
                # Name the file, as the upload service does: several may be chosen at once.
                errors.append(_("“%(name)s”是空文件。") % {"name": upload.name})
        if errors:
            raise forms.ValidationError(errors, code="empty")
        return cleaned


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.original_name


class ItemForm(StyledFormMixin, forms.Form):
    """One item of the quarter. Used by the plain form and by the autosave endpoint."""

    value = forms.DecimalField(label=_("数值"), required=False, max_digits=12, decimal_places=2)
    narrative = forms.CharField(
        label=_("情况说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    self_score = forms.DecimalField(
        label=_("自评分"), required=False, max_digits=6, decimal_places=2, min_value=0
    )
    answer = forms.CharField(
        label=_("对退回意见的说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明已按意见补充或修改了什么，审核人员会看到。"),
    )
    evidence = EvidenceChoiceField(
        label=_("已上传的材料"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("同一份材料（如会议记录）可勾选给多个指标项，无需重复上传。"),
    )
    files = MultipleFileField(
        label=_("上传新材料"),
        required=False,
        help_text=_("PDF、图片或 Word/Excel/PowerPoint，单个文件不超过 20 MB。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicator, files_queryset, returned=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["evidence"].queryset = files_queryset
        self.fields["self_score"].validators.append(MaxValueValidator(indicator.max_score))
        self.fields["self_score"].help_text = _("满分 %(max)s 分") % {"max": indicator.max_score}
        self.fields["self_score"].widget.attrs.update({"max": indicator.max_score, "step": "0.5"})
        if indicator.requires_number or indicator.kind == Indicator.Kind.QUANTITATIVE:
            self.fields["value"].label = indicator.number_label or _("数值")
        else:
            del self.fields["value"]
        if not returned:
            del self.fields["answer"]

    def draft_data(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("value", "narrative", "self_score", "answer")
            if k in self.fields
        }


class ReviewForm(StyledFormMixin, forms.Form):
    grade = forms.ChoiceField(
        label=_("评档"),
        required=False,
        choices=[("", "—"), *Submission.Grade.choices],
        widget=forms.RadioSelect,
    )
    score = forms.DecimalField(label=_("审核得分"), required=False, max_digits=6, decimal_places=2)
    comment = forms.CharField(
        label=_("审核意见 / 退回原因"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OverrideForm(StyledFormMixin, forms.Form):
    """Staff replace a system-measured value (系统取数) with a recorded reason."""

    value = forms.DecimalField(label=_("修正后的数值"), max_digits=12, decimal_places=2)
    reason = forms.CharField(
        label=_("修正原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueueFilterForm(StyledFormMixin, forms.Form):
    period = forms.ModelChoiceField(
        label=_("考核节点"), queryset=None, required=False, empty_label=_("全部节点")
    )
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=None, required=False, empty_label=_("全部单位")
    )
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=None, required=False, empty_label=_("全部分类")
    )
    standard = forms.ChoiceField(
        label=_("六实标准"), required=False, choices=[("", _("全部标准")), *Standard.choices]
    )
    goal = forms.ChoiceField(
        label=_("四个模范"), required=False, choices=[("", _("全部")), *Goal.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        initial="awaiting",
        choices=[
            ("awaiting", _("待审核")),
            ("", _("全部（不含草稿）")),
            *[c for c in Submission.Status.choices if c[0] != "draft"],
        ],
    )

    # 形式主义预警: only items with an open signal (of a kind).
    signal = forms.ChoiceField(
        label=_("形式主义预警"),
        required=False,
        choices=[("", _("不限")), ("any", _("有预警")), *FormalismSignal.Kind.choices],
    )

    def __init__(self, *args, units, categories, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["unit"].queryset = units
        self.fields["category"].queryset = categories


class BulkAcceptForm(forms.Form):
    grade = forms.ChoiceField(required=False, choices=[("", "—"), *Submission.Grade.choices])
