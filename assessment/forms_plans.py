"""Forms for cycles, plans, periods and the indicator tree editor (parsing only)."""

import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import DateInput, StyledFormMixin
from units.models import UnitCategory

from .models import AnnualPlan, Cycle, Indicator, IndicatorSystem, Period

DATE = DateInput()


class CycleForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=100)
    start_year = forms.IntegerField(label=_("起始年份"), min_value=2000, max_value=2100)
    goals = forms.CharField(
        label=_("总体目标"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    previous = forms.ModelChoiceField(
        label=_("上一个三年"),
        queryset=Cycle.objects.all(),
        required=False,
        empty_label=_("无（第一个三年）"),
    )
    copy_forward = forms.BooleanField(
        label=_("把上一个三年最后一年的指标体系复制到第一年"), required=False, initial=True
    )
    improvement_weight = forms.DecimalField(
        label=Cycle._meta.get_field("improvement_weight").verbose_name,
        help_text=Cycle._meta.get_field("improvement_weight").help_text,
        min_value=0,
        max_value=1,
        max_digits=4,
        decimal_places=2,
        initial=0,
        required=False,
    )


class PlanForm(StyledFormMixin, forms.ModelForm):
    key_tasks = forms.CharField(
        label=_("年度重点工作"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项；将转化为可量化的季度、年度指标。"),
    )
    special_tasks = forms.CharField(
        label=_("专项工作"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = AnnualPlan
        fields = [
            "phase",
            "key_tasks",
            "special_tasks",
            "burden_cap",
            "weight_quarterly",
            "weight_exam",
            "weight_satisfaction",
            "unit_aggregation",
            "require_unit_check",
            "require_party_confirmation",
        ]


class PeriodWindowForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Period
        fields = ["opens_on", "deadline"]
        widgets = {"opens_on": DATE, "deadline": DATE}


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("重新开放的原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("原因将记录在节点的状态记录中，所有人可见。"),
    )


class RetireForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("淘汰原因"),
        max_length=200,
        help_text=_("例如：连续两年全部满分，已不能区分好坏。淘汰后仍保留在历史中。"),
    )


class RuleField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return {}
        try:
            rule = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _('不是有效的 JSON，例如 {"type": "ratio", "target": 3}。')
            ) from exc
        if not isinstance(rule, dict):
            raise forms.ValidationError(_("计分规则应为 JSON 对象。"))
        return rule

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False) if value else ""
        return value


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    description = forms.CharField(
        label=_("说明（依据的原文）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_guide = forms.CharField(
        label=_("佐证材料要求"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rule = RuleField(
        label=_("计分规则（定量指标）"),
        max_length=1000,
        required=False,
        help_text=_(
            '分档：{"type": "thresholds", "steps": [[3, 100], [2, 70]]}（达到最高一档的比例）；'
            '目标比例：{"type": "ratio", "target": 3}。'
        ),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("适用单位分类"),
        queryset=UnitCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示适用于全部分类。"),
    )

    class Meta:
        model = Indicator
        fields = [
            "parent",
            "code",
            "name",
            "kind",
            "standard",
            "goal",
            "level",
            "weight",
            "max_score",
            "frequency",
            "focus",
            "categories",
            "requires_number",
            "number_label",
            "requires_text",
            "requires_attachment",
            "rule",
            "description",
            "evidence_guide",
        ]

    def __init__(self, *args, system: IndicatorSystem, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Indicator.objects.filter(system=system, retired_at__isnull=True).exclude(
            kind__in=[Indicator.Kind.BONUS, Indicator.Kind.DEDUCTION, Indicator.Kind.VETO]
        )
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("position", "code")
        self.fields["parent"].empty_label = _("（无，作为一级维度）")
        self.fields["parent"].required = False
        self.instance.system = system


def weight_field(label, initial):
    return forms.DecimalField(
        label=label,
        initial=initial,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "weight-input"}),
    )


class ReweightForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, siblings, **kwargs):
        super().__init__(*args, **kwargs)
        for item in siblings:
            self.fields[f"w{item.pk}"] = weight_field(f"{item.code} {item.name}", item.weight)

    def weights(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class SystemImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("指标体系文件"), help_text=_("支持 .xlsx 和 .csv；列名与导出文件一致。")
    )


class CopyForm(StyledFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("复制到"), queryset=AnnualPlan.objects.all())
    apply_preset = forms.BooleanField(
        label=_("按目标年度的阶段调整权重"),
        required=False,
        initial=True,
        help_text=_("突破年加重“问题整改”类指标；问效年加重“工作成效”类指标并提高群众满意度权重。"),
    )


class DiffForm(StyledFormMixin, forms.Form):
    a = forms.ModelChoiceField(
        label=_("对比基准"), queryset=IndicatorSystem.objects.select_related("plan")
    )
    b = forms.ModelChoiceField(
        label=_("对比对象"), queryset=IndicatorSystem.objects.select_related("plan")
    )


class PreviewForm(StyledFormMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("单位分类"),
        queryset=UnitCategory.objects.all(),
        required=False,
        empty_label=_("全部分类通用项"),
    )
    kind = forms.ChoiceField(label=_("考核节点"), choices=Period.Kind.choices, initial="q1")
    level = forms.ChoiceField(
        label=_("填报对象"), choices=Indicator.Level.choices, initial=Indicator.Level.BRANCH
    )
