"""Third-party survey results (第三方评价) imported from a spreadsheet, all rows or none."""

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets

from units.importing import spreadsheet_date
from units.models import Unit
from units.resources import LookupResource, LookupWidget

from .dates import received_on_problem
from .models import EvaluatorKind, Level, Rating

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
    def __init__(self, today=None):
        super().__init__()
        self.today = today  # set per import (SurveyRatingResource): no clock read per row

    def clean(self, value, row=None, **kwargs):
        value = spreadsheet_date(value, "评价日期")
        if value is None:
            raise ValueError(_("“评价日期”不能为空。"))
        problem = received_on_problem(value, self.today or timezone.localdate())
        if problem:
            raise ValueError(problem)
        return value


class SurveyRatingResource(LookupResource):
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
        # Every row is a new rating: feedback.services.importing takes the rows through these
        # fields' widgets and stores them a thousand at a time.
        batch_size = 1000

    def __init__(self, *, batch="", user=None, **kwargs):
        super().__init__(**kwargs)
        self.batch = batch[:60]
        self.fields["received_on"].widget = StrictDateWidget(today=timezone.localdate())
        self.user = user
