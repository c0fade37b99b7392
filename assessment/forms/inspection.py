"""Forms of joint inspection: a new round, a conflict, an arbitration. They parse only; the
services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import StyledFormMixin
from units.models import CoordinationGroup, Unit

from ..models import InspectionRound, Period, Standard
from ..selectors.inspection import inspector_candidates


class RoundForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    period = forms.ModelChoiceField(
        label=_("考核节点（季度或年度大考）"),
        queryset=Period.objects.select_related("plan").order_by("-plan__year", "-opens_on"),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("受检协作组"),
        queryset=CoordinationGroup.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("选中的协作组全部单位受检；也可以在下面逐个勾选单位。"),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("受检单位"),
        queryset=Unit.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    item_selection = forms.ChoiceField(
        label=_("检查范围"),
        choices=InspectionRound.ItemSelection.choices,
        initial=InspectionRound.ItemSelection.ALL,
        widget=forms.RadioSelect,
    )
    sample_share = forms.DecimalField(
        label=_("抽样比例（0–1）"), required=False, min_value=Decimal("0.01"), max_value=1
    )
    sample_count = forms.IntegerField(label=_("抽样数量"), required=False, min_value=1)
    standards = forms.MultipleChoiceField(
        label=_("六实标准"),
        choices=Standard.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    inspectors_per_item = forms.IntegerField(
        label=_("每项评审人数"), initial=2, min_value=1, max_value=5
    )
    rule = forms.ChoiceField(
        label=_("抽取规则"),
        choices=InspectionRound.Rule.choices,
        initial=InspectionRound.Rule.OTHER_GROUP,
    )
    tolerance = forms.DecimalField(
        label=_("容差（满分比例）"),
        initial=Decimal("0.20"),
        min_value=0,
        max_value=1,
        help_text=_("两名评审员的评分相差超过满分的这一比例时交工委仲裁；0.20即一档。"),
    )
    agreed_rule = forms.ChoiceField(
        label=_("合议规则"),
        choices=InspectionRound.AgreedRule.choices,
        initial=InspectionRound.AgreedRule.MEAN,
    )
    moderation = forms.BooleanField(
        label=_("宽严校正"),
        required=False,
        help_text=_("先从每位评审员的评分中减去其在本轮测得的宽严偏差，再比较和合议。默认不启用。"),
    )
    inspectors = forms.MultipleChoiceField(
        label=_("评审员"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("从各单位管理员和支部书记中选择；抽签时不会检查本单位。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {
            f"{user.pk}:{unit.pk}": (user, unit) for user, unit in inspector_candidates()
        }
        self.fields["inspectors"].choices = [
            (key, f"{user.display_name}（{unit.short_name or unit.name}）")
            for key, (user, unit) in self.candidates.items()
        ]

    def inspected_units(self):
        units = {u.pk: u for u in self.cleaned_data["units"]}
        for group in self.cleaned_data["groups"]:
            units.update({u.pk: u for u in group.units.filter(active=True)})
        return list(units.values())

    def chosen_inspectors(self):
        return [self.candidates[key] for key in self.cleaned_data["inspectors"]]


class ArbitrationForm(StyledFormMixin, forms.Form):
    grade = forms.ChoiceField(
        label=_("评档"), choices=[("", "—"), *[(g, g) for g in "ABCD"]], required=False
    )
    score = forms.DecimalField(label=_("认定得分"), required=False, min_value=0)
    comment = forms.CharField(label=_("仲裁理由"), max_length=2000)
