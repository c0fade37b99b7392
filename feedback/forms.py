from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import DateInput, StyledFormMixin
from units.models import Unit, UnitCategory

from . import privacy
from .models import (
    OFFLINE_CHANNELS,
    Appeal,
    Channel,
    EvaluatorKind,
    Level,
    Moderation,
    RatingDimension,
)

COMMENT_MAX = 500
LEVEL_CHOICES = list(Level.choices)
OPTIONAL_LEVEL_CHOICES = [("", _("不评"))] + LEVEL_CHOICES


class ContactMixin:
    def clean_contact_phone(self):
        phone = privacy.normalise_phone(self.cleaned_data.get("contact_phone", ""))
        if phone and not privacy.is_mainland_mobile(phone):
            raise forms.ValidationError(
                _("请填写 11 位手机号码，例如 13812345678；不需要答复可以不填。")
            )
        return phone

    def clean(self):
        data = super().clean()
        wants_contact = data.get("contact_name") or data.get("contact_phone")
        if "contact_consent" in self.fields and wants_contact and not data.get("contact_consent"):
            self.add_error(
                "contact_consent", _("留下联系方式需要同意下方说明；不想留可以清空姓名和电话。")
            )
        return data


class PublicRatingForm(ContactMixin, forms.Form):
    """The citizen's form. Field names are plain; 'website' is the honeypot."""

    level = forms.ChoiceField(
        label=_("总体评价"),
        choices=LEVEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择一个总体评价等级。"),
            "invalid_choice": _("请从列出的等级中选择一个总体评价。"),
        },
    )
    comment = forms.CharField(
        label=_("意见建议（选填）"),
        required=False,
        max_length=COMMENT_MAX,
        error_messages={
            "max_length": _("意见建议最多 %(limit_value)d 字，现在是 %(show_value)d 字。")
        },
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("最多 %(n)d 字。请不要填写身份证号等个人敏感信息。") % {"n": COMMENT_MAX},
    )
    contact_name = forms.CharField(label=_("姓名（选填）"), required=False, max_length=20)
    contact_phone = forms.CharField(
        label=_("手机号码（选填）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_consent = forms.BooleanField(
        label=_("我同意该单位和机关工委使用以上联系方式就本次评价与我联系。"),
        required=False,
    )
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, dimensions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = []
        self.add_dimensions(dimensions)

    def add_dimensions(self, dimensions):
        """One optional field per dimension. Added after validation only to redisplay a
        form that rated no dimension (see rates_dimensions)."""
        for dimension in dimensions:
            self.dimensions.append(dimension)
            self.fields[f"dim_{dimension.code}"] = forms.ChoiceField(
                label=dimension.name,
                choices=OPTIONAL_LEVEL_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def rates_dimensions(data) -> bool:
        """Whether the submitted data rates any dimension. Without one the dimension fields,
        all optional, change nothing: the form is valid or not, and stores the same, without
        loading them."""
        return any(key.startswith("dim_") and value for key, value in data.items())

    def dimension_fields(self):
        return [self[f"dim_{d.code}"] for d in self.dimensions]

    def dimension_levels(self):
        return {d: self.cleaned_data.get(f"dim_{d.code}") for d in self.dimensions}

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索单位"), required=False, max_length=50)


class ReceiptLookupForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("回执号"),
        max_length=12,
        min_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"min_length": _("回执号为 10 位字母和数字。")},
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper().replace(" ", "")


class OfflineRatingForm(StyledFormMixin, ContactMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("被评单位"), queryset=Unit.objects.filter(active=True))
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[(c.value, c.label) for c in OFFLINE_CHANNELS]
    )
    evaluator_kind = forms.ChoiceField(label=_("评价主体"), choices=EvaluatorKind.choices)
    level = forms.ChoiceField(label=_("评价等级"), choices=LEVEL_CHOICES)
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput())
    comment = forms.CharField(
        label=_("意见内容"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=_("姓名"), required=False, max_length=20)
    contact_phone = forms.CharField(label=_("手机号码"), required=False, max_length=20)


class RatingFilterForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )
    level = forms.ChoiceField(
        label=_("等级"), choices=[("", _("全部等级"))] + LEVEL_CHOICES, required=False
    )
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[("", _("全部渠道"))] + list(Channel.choices), required=False
    )
    state = forms.ChoiceField(
        label=_("计入情况"),
        required=False,
        choices=[
            ("", _("全部")),
            ("counted", _("计入指数")),
            ("duplicate", _("重复")),
            ("flagged", _("待审核")),
            ("excluded", _("不计入")),
        ],
    )
    date_from = forms.DateField(
        label=_("起"),
        required=False,
        widget=DateInput(),
    )
    date_to = forms.DateField(
        label=_("止"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class ModerationForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("结论"),
        choices=[
            (Moderation.CLEARED, _("通过，计入指数")),
            (Moderation.REJECTED, _("不通过，不计入")),
        ],
    )
    reason = forms.CharField(label=_("理由"), max_length=300)


class ReplyForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("答复内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("答复将显示在群众的回执查询页面，请不要写入群众的个人信息。"),
    )


class FixForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("核实意见"), max_length=300, required=False)


class AppealForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("申诉类型"), choices=Appeal.Reason.choices)
    explanation = forms.CharField(
        label=_("申诉理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealDecisionForm(StyledFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("裁定"),
        choices=[("1", _("申诉成立，不计入指数")), ("0", _("申诉不成立，维持计入"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("裁定理由"), max_length=300)


class PeriodForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(label=_("起始日期"), widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), widget=DateInput())
    category = forms.ModelChoiceField(
        label=_("分类"),
        queryset=UnitCategory.objects.all(),
        required=False,
        empty_label=_("全部分类"),
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


class PublicationForm(PeriodForm):
    label = forms.CharField(
        label=_("期次名称"), max_length=60, help_text=_("例如“2026年第三季度”。")
    )
    show_score = forms.BooleanField(label=_("公布满意度得分"), required=False, initial=True)
    show_share = forms.BooleanField(label=_("公布满意率"), required=False, initial=True)
    show_reply_rate = forms.BooleanField(label=_("公布差评答复率"), required=False, initial=True)

    field_order = ["label", "date_from", "date_to", "category"]


class SurveyImportForm(StyledFormMixin, forms.Form):
    batch = forms.CharField(
        label=_("调查批次"), max_length=60, help_text=_("例如“2026年第三方满意度调查”。")
    )
    file = forms.FileField(label=_("文件"), help_text=_("支持 .xlsx 和 .csv，列名见下方模板。"))


def dimensions_for_form():
    return RatingDimension.objects.filter(active=True)
