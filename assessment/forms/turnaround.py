from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import DateInput, StyledFormMixin

PLAN_ROWS = 5


class TurnaroundForm(StyledFormMixin, forms.Form):
    """The talk (约谈) and the plan (转化计划): up to five steps, each with a deadline."""

    period = forms.ModelChoiceField(label=_("发现问题的考核节点"), queryset=None)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    branch = forms.ModelChoiceField(
        label=_("党支部"),
        queryset=None,
        required=False,
        empty_label=_("整个单位（较差等次或一票否决）"),
        help_text=_("后进党支部选择支部；单位等次较差或被一票否决时留空。"),
    )
    talk_on = forms.DateField(label=_("约谈日期"), widget=DateInput())
    participants = forms.CharField(
        label=_("参加约谈人员"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：机关工委组织部部长、单位机关党委专职副书记、支部书记。"),
    )
    agreed = forms.CharField(
        label=_("约谈商定事项"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, periods, units, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["unit"].queryset = units
        self.fields["branch"].queryset = branches
        for n in range(1, PLAN_ROWS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=_("计划事项 %(n)d") % {"n": n},
                max_length=300,
                required=False,
                # added after StyledFormMixin styled the declared fields
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"deadline_{n}"] = forms.DateField(
                label=_("完成期限 %(n)d") % {"n": n},
                required=False,
                widget=DateInput(attrs={"class": "form-control"}),
            )

    def plan_rows(self):
        return [(self[f"action_{n}"], self[f"deadline_{n}"]) for n in range(1, PLAN_ROWS + 1)]

    def clean(self):
        data = super().clean()
        unit, branch = data.get("unit"), data.get("branch")
        if unit and branch and branch.unit_id != unit.pk:
            self.add_error("branch", _("所选党支部不属于该单位。"))
        for n in range(1, PLAN_ROWS + 1):
            if data.get(f"action_{n}") and not data.get(f"deadline_{n}"):
                self.add_error(f"deadline_{n}", _("请填写这一项的完成期限。"))
        return data

    def actions(self):
        data = self.cleaned_data
        return [
            (data[f"action_{n}"], data[f"deadline_{n}"])
            for n in range(1, PLAN_ROWS + 1)
            if data.get(f"action_{n}")
        ]


class ProgressForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("进展情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    done = forms.MultipleChoiceField(
        label=_("已完成的计划事项"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = [
            (str(a.pk), a.description) for a in actions if a.done_on is None
        ]


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("结束说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
