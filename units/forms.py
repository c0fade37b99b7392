from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .models import CoordinationGroup, UnitCategory
from .resources import RESOURCES


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-12-05) whatever the language's
    display format: a date the picker cannot read shows as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own name
        super().__init__(attrs=attrs, format=format)


class StyledFormMixin:
    """Gives every widget its Bootstrap class and marks invalid fields for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class UnitFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    category = forms.ModelChoiceField(
        label=_("分类"),
        queryset=UnitCategory.objects.all(),
        required=False,
        empty_label=_("全部分类"),
    )
    group = forms.ModelChoiceField(
        label=_("协作组"),
        queryset=CoordinationGroup.objects.all(),
        required=False,
        empty_label=_("全部协作组"),
    )


class BranchFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    oversized = forms.BooleanField(label=_("仅显示超过100人的支部"), required=False)


class ImportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("导入内容"), choices=[(k, label) for k, (_r, label) in RESOURCES.items()]
    )
    file = forms.FileField(label=_("文件"), help_text=_("支持 .xlsx 和 .csv；列名与导出文件一致。"))


PASSWORD_MAX = 128


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    """Django's form with a length limit on every field, like every other text field."""

    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        if not password_entry_is_right(self.request, self.user, password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return password


def password_entry_is_right(request, user, password) -> bool:
    """Re-entry of the own password counts toward the login lock-out (per account and client)."""
    return authenticate(request, username=user.get_username(), password=password) == user


class ConfirmPasswordForm(StyledFormMixin, forms.Form):
    password = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )

    def __init__(self, user, *args, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_entry_is_right(self.request, self.user, password):
            raise forms.ValidationError(_("密码不正确。"))
        return password


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("用途"), max_length=100, help_text=_("例如：绩效考核办公室数据对接")
    )
    user = forms.ModelChoiceField(
        label=_("代表用户"),
        queryset=None,
        help_text=_("令牌以该用户的身份和权限范围访问接口。"),
    )
    unit = forms.ModelChoiceField(
        label=_("限定单位"),
        queryset=None,
        required=False,
        empty_label=_("不限定"),
    )
    read_only = forms.BooleanField(label=_("只读"), required=False, initial=True)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=365, initial=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Unit, User

        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["unit"].queryset = Unit.objects.filter(active=True)


class AuditFilterForm(StyledFormMixin, forms.Form):
    """Search the audit log (/audit/): every field optional."""

    model = forms.ChoiceField(label=_("对象类型"), required=False)
    object = forms.CharField(label=_("对象编号"), required=False, max_length=40)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=50)
    action = forms.ChoiceField(
        label=_("操作"),
        required=False,
        choices=[
            ("", _("全部操作")),
            ("0", _("新增")),
            ("1", _("修改")),
            ("2", _("删除")),
        ],
    )
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    text = forms.CharField(label=_("对象名称包含"), required=False, max_length=100)

    def __init__(self, *args, content_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.content_types = {str(ct.pk): ct for ct in content_types}
        self.fields["model"].choices = [("", _("全部类型"))] + [
            (str(ct.pk), ct.model_class()._meta.verbose_name) for ct in content_types
        ]
