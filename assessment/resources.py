"""A whole indicator system as a spreadsheet, with Chinese column headers.

One row per item in tree order (a parent before its children). Choices are written as
their Chinese labels, categories by name, the scoring rule as JSON. Exporting a system and
importing the file as a new version reproduces it exactly.
"""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets

from units.importing import spreadsheet_date
from units.models import UnitCategory
from units.numbers import rounded
from units.resources import ChineseResource

from .models import Goal, Indicator, Standard

LIST_SEPARATOR = "、"


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label; the stored value is accepted as well."""

    def __init__(self, choices, label, blank_ok=False):
        super().__init__()
        self.choices = list(choices)
        self.label = label
        self.blank_ok = blank_ok

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        for stored, label in self.choices:
            if text in (str(label), stored) and (text or self.blank_ok):
                return stored
        if not text and self.blank_ok:
            return ""
        allowed = "、".join(str(label) for stored, label in self.choices if stored)
        raise ValueError(
            _("“%(label)s”应为以下之一：%(allowed)s；实际为“%(value)s”。")
            % {"label": self.label, "allowed": allowed, "value": text}
        )

    def render(self, value, obj=None, **kwargs):
        for stored, label in self.choices:
            if stored == value:
                return str(label)
        return value or ""


class NumberWidget(widgets.Widget):
    """A decimal with two places, written as a number so a spreadsheet can add it up."""

    def __init__(self, label):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return Decimal("0")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(
                _("“%(label)s”应为数字，实际为“%(value)s”。")
                % {"label": self.label, "value": value}
            ) from exc
        if number < 0:
            raise ValueError(_("“%(label)s”不能为负数。") % {"label": self.label})
        return rounded(number)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        value = Decimal(value)
        return int(value) if value == value.to_integral() else float(value)


class IntegerWidget(NumberWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number != number.to_integral():
            raise ValueError(_("“%(label)s”应为整数。") % {"label": self.label})
        return int(number)


class YesNoWidget(widgets.Widget):
    def __init__(self, label):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if text in ("是", "1", "True", "true", "TRUE"):
            return True
        if text in ("否", "0", "False", "false", "FALSE", ""):
            return False
        raise ValueError(
            _("“%(label)s”应填“是”或“否”，实际为“%(value)s”。")
            % {"label": self.label, "value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class RuleWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return {}
        try:
            rule = json.loads(text)
        except ValueError as exc:
            raise ValueError(
                _('“计分规则”不是有效的 JSON，例如 {"type": "ratio", "target": 3}。')
            ) from exc
        if not isinstance(rule, dict):
            raise ValueError(_("“计分规则”应为 JSON 对象。"))
        return rule

    def render(self, value, obj=None, **kwargs):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


class DateTimeTextWidget(widgets.Widget):
    """An exact timestamp as ISO text (a spreadsheet date would lose the time zone)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            parsed = value
        else:
            try:
                parsed = dt.datetime.fromisoformat(str(value).strip())
            except ValueError:
                # A plain date as office software writes it: retired from that day's start.
                day = spreadsheet_date(value, "淘汰时间")
                parsed = dt.datetime.combine(day, dt.time())
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ParentWidget(widgets.Widget):
    """The parent by its code, looked up in the system being imported."""

    def __init__(self):
        super().__init__()
        self.system = None

    def clean(self, value, row=None, **kwargs):
        code = "" if value is None else str(value).strip()
        if not code:
            return None
        parent = Indicator.objects.filter(system=self.system, code=code).first()
        if parent is None:
            raise ValueError(
                _("上级编码“%(code)s”不存在（上级须写在其下级之前的行中）。") % {"code": code}
            )
        return parent

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class CategoriesWidget(widgets.ManyToManyWidget):
    def __init__(self):
        super().__init__(UnitCategory, separator=LIST_SEPARATOR, field="name")

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return UnitCategory.objects.none()
        names = [n.strip() for n in text.replace(",", LIST_SEPARATOR).split(LIST_SEPARATOR)]
        names = [n for n in names if n]
        found = {c.name: c for c in UnitCategory.objects.filter(name__in=names)}
        missing = [n for n in names if n not in found]
        if missing:
            raise ValueError(_("“适用分类”中的“%(names)s”不存在。") % {"names": "、".join(missing)})
        return UnitCategory.objects.filter(pk__in=[c.pk for c in found.values()])

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return LIST_SEPARATOR.join(sorted(c.name for c in value.all()))


def _choice(attribute, column, choices, blank_ok=False):
    return fields.Field(
        attribute, column_name=column, widget=ChoiceWidget(choices, column, blank_ok)
    )


class IndicatorResource(ChineseResource):
    code = fields.Field("code", column_name="编码")
    parent = fields.Field("parent", column_name="上级编码", widget=ParentWidget())
    name = fields.Field("name", column_name="名称")
    kind = _choice("kind", "类型", Indicator.Kind.choices)
    standard = _choice("standard", "六实标准", Standard.choices, blank_ok=True)
    goal = _choice("goal", "四个模范", Goal.choices, blank_ok=True)
    level = _choice("level", "考核对象", Indicator.Level.choices)
    max_score = fields.Field("max_score", column_name="满分", widget=NumberWidget("满分"))
    weight = fields.Field("weight", column_name="权重（%）", widget=NumberWidget("权重（%）"))
    frequency = _choice("frequency", "频次", Indicator.Frequency.choices)
    categories = fields.Field("categories", column_name="适用分类", widget=CategoriesWidget())
    requires_number = fields.Field(
        "requires_number", column_name="需填数值", widget=YesNoWidget("需填数值")
    )
    number_label = fields.Field("number_label", column_name="数值说明")
    requires_text = fields.Field(
        "requires_text", column_name="需填文字说明", widget=YesNoWidget("需填文字说明")
    )
    requires_attachment = fields.Field(
        "requires_attachment", column_name="需上传附件", widget=YesNoWidget("需上传附件")
    )
    rule = fields.Field("rule", column_name="计分规则", widget=RuleWidget())
    focus = _choice("focus", "侧重", Indicator.Focus.choices, blank_ok=True)
    description = fields.Field("description", column_name="说明")
    evidence_guide = fields.Field("evidence_guide", column_name="佐证材料要求")
    position = fields.Field("position", column_name="排序", widget=IntegerWidget("排序"))
    retired_at = fields.Field("retired_at", column_name="淘汰时间", widget=DateTimeTextWidget())
    retired_reason = fields.Field("retired_reason", column_name="淘汰原因")

    class Meta:
        model = Indicator
        import_id_fields = ["code"]
        fields = [
            "code",
            "parent",
            "name",
            "kind",
            "standard",
            "goal",
            "level",
            "max_score",
            "weight",
            "frequency",
            "categories",
            "requires_number",
            "number_label",
            "requires_text",
            "requires_attachment",
            "rule",
            "focus",
            "description",
            "evidence_guide",
            "position",
            "retired_at",
            "retired_reason",
        ]

    def __init__(self, system, **kwargs):
        super().__init__(**kwargs)
        self.system = system
        self.fields["parent"].widget.system = system
        self._seen_codes = set()

    def get_queryset(self):
        return Indicator.objects.filter(system=self.system).select_related("parent")

    def before_import_row(self, row, **kwargs):
        code = str(row.get("编码") or "").strip()
        if not code:
            raise ValueError(_("“编码”不能为空。"))
        if code.upper() in self._seen_codes:
            raise ValueError(_("编码“%(code)s”在文件中重复出现。") % {"code": code})
        self._seen_codes.add(code.upper())
        for column in ("名称", "数值说明", "说明", "佐证材料要求", "淘汰原因"):
            if row.get(column) is None:
                row[column] = ""

    def import_instance(self, instance, row, **kwargs):
        instance.system = self.system
        super().import_instance(instance, row, **kwargs)

    def get_export_headers(self, *args, **kwargs):
        return [field.column_name for field in self.get_export_fields()]


HEADERS = [field.column_name for field in IndicatorResource(system=None).get_export_fields()]
