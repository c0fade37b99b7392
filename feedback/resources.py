"""Third-party survey results (第三方评价) imported from a spreadsheet, all rows or none."""

import datetime

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from units.models import Unit
from units.resources import LookupWidget

from .models import LEVEL_SCORES, Channel, EvaluatorKind, Level, Rating

SURVEY_HEADERS = ["单位标识", "评价等级", "评价主体", "评价日期", "意见建议"]


class LabelChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label (非常满意 …) in the spreadsheet."""

    def __init__(self, choices, label, default=None):
        super().__init__()
        self.by_label = {str(c.label): c.value for c in choices}
        self.by_value = {c.value: str(c.label) for c in choices}
        self.label = label
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError(_("“%(label)s”不能为空。") % {"label": self.label})
        if text in self.by_label:
            return self.by_label[text]
        if text in self.by_value:
            return text
        raise ValueError(
            _("“%(label)s”应为%(allowed)s之一，实际为“%(value)s”。")
            % {"label": self.label, "allowed": "、".join(self.by_label), "value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return self.by_value.get(value, value)


class StrictDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value or "").strip()
        try:
            return datetime.date.fromisoformat(text.replace("/", "-"))
        except ValueError as exc:
            raise ValueError(
                _("“评价日期”应为日期，例如 2026-09-30，实际为“%(value)s”。") % {"value": text}
            ) from exc


class SurveyRatingResource(resources.ModelResource):
    unit = fields.Field(
        "unit", column_name="单位标识", widget=LookupWidget(Unit, "slug", "单位标识")
    )
    level = fields.Field(
        "level", column_name="评价等级", widget=LabelChoiceWidget(Level, "评价等级")
    )
    evaluator_kind = fields.Field(
        "evaluator_kind",
        column_name="评价主体",
        widget=LabelChoiceWidget(EvaluatorKind, "评价主体", default=EvaluatorKind.CITIZEN),
    )
    received_on = fields.Field("received_on", column_name="评价日期", widget=StrictDateWidget())
    comment = fields.Field("comment", column_name="意见建议")

    class Meta:
        model = Rating
        fields = ["unit", "level", "evaluator_kind", "received_on", "comment"]
        import_id_fields = []
        clean_model_instances = True

    def __init__(self, *, batch="", user=None, **kwargs):
        super().__init__(**kwargs)
        self.batch = batch
        self.user = user

    def get_or_init_instance(self, instance_loader, row):
        return self.init_instance(row), True  # every survey row is a new rating

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        from .services.ratings import new_receipt

        instance.receipt = new_receipt()
        instance.channel = Channel.SURVEY
        instance.survey_batch = self.batch[:60]
        instance.entered_by = self.user
        instance.comment = (instance.comment or "")[:1000]
        if instance.level in LEVEL_SCORES:
            instance.score = LEVEL_SCORES[instance.level]

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        if instance.is_bad:
            from .services.cases import open_case

            open_case(instance)
