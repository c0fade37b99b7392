from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .models import CoordinationGroup, UnitCategory
from .resources import RESOURCES


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


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


class ConfirmPasswordForm(StyledFormMixin, forms.Form):
    password = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("密码不正确。"))
        return password
