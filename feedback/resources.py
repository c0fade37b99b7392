"""Third-party survey results (第三方评价) imported from a spreadsheet, all rows or none."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets
from import_export.results import RowResult

from units.bulk import insert_rows, prepared
from units.models import Unit
from units.resources import LookupResource, LookupWidget

from .dates import received_on_problem
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
    def __init__(self, today=None):
        super().__init__()
        self.today = today  # set per import (SurveyRatingResource): no clock read per row

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            value = value.date()
        elif not isinstance(value, datetime.date):
            text = str(value or "").strip()
            try:
                value = datetime.date.fromisoformat(text.replace("/", "-"))
            except ValueError as exc:
                raise ValueError(
                    _("“评价日期”应为日期，例如 2026-09-30，实际为“%(value)s”。") % {"value": text}
                ) from exc
        problem = received_on_problem(value, self.today or timezone.localdate())
        if problem:
            raise ValueError(problem)
        return value


class RatingRowResult(RowResult):
    """A row's result without the text of its rating: only import-export's admin shows it,
    and Rating.__str__ translates the level (a fifth of a 10,000-row import's time)."""

    def add_instance_info(self, instance):
        pass


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
        # Every row is a new rating: inserted a thousand at a time, nothing to diff against.
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        # The widgets check every column and the rest is set below; a per-row full_clean
        # would only add three queries (both foreign keys, the receipt's uniqueness, which
        # the unique index guards).
        clean_model_instances = False

    def __init__(self, *, batch="", user=None, **kwargs):
        super().__init__(**kwargs)
        self.batch = batch[:60]
        self.fields["received_on"].widget = StrictDateWidget(today=timezone.localdate())
        self.user = user
        self.bad_ratings = []  # their follow-up cases are opened once every row is stored

    @classmethod
    def get_row_result_class(cls):
        return RatingRowResult

    def get_or_init_instance(self, instance_loader, row):
        return self.init_instance(row), True  # every survey row is a new rating

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        from .services.ratings import new_receipt

        instance.receipt = new_receipt()
        instance.channel = Channel.SURVEY
        instance.survey_batch = self.batch
        instance.entered_by = self.user
        instance.comment = str(instance.comment or "")[:1000]
        if instance.level in LEVEL_SCORES:
            instance.score = LEVEL_SCORES[instance.level]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Insert the batch with ``units.bulk`` (COPY on PostgreSQL: the ORM's bulk_create
        was half of a 10,000-row import); then give the bad ratings their ids for their
        follow-up cases."""
        batch = self.create_instances
        if not batch or (dry_run and not using_transactions):
            return
        try:
            connection = transaction.get_connection()
            fields = [f for f in Rating._meta.concrete_fields if not f.primary_key]
            for attempt in range(3):
                try:
                    # A savepoint: receipts are drawn at random, and a clash with a stored
                    # one (or within the batch) refuses this batch only, to be redrawn.
                    with transaction.atomic():
                        insert_rows(
                            Rating, fields, (prepared(r, fields, connection) for r in batch)
                        )
                    break
                except IntegrityError:
                    if attempt == 2 or not _redraw_taken_receipts(batch):
                        raise
            bad = {r.receipt: r for r in batch if r.is_bad}
            found = Rating.objects.filter(receipt__in=list(bad)).values_list("receipt", "pk")
            for receipt, pk in found:
                bad[receipt].pk = pk
                bad[receipt]._state.adding = False
        except Exception as exc:  # import-export reports it against the import
            self.handle_import_error(result, exc, raise_errors)
        finally:
            batch.clear()

    def after_save_instance(self, instance, row, **kwargs):
        if instance.is_bad:
            self.bad_ratings.append(instance)


def _redraw_taken_receipts(batch) -> bool:
    """Redraw every receipt of the batch already stored or drawn twice in it (one indexed
    query); whether any was."""
    from .services.ratings import new_receipt

    taken = set(
        Rating.objects.filter(receipt__in=[r.receipt for r in batch]).values_list(
            "receipt", flat=True
        )
    )
    seen, clashes = set(), []
    for rating in batch:
        if rating.receipt in taken or rating.receipt in seen:
            clashes.append(rating)
        seen.add(rating.receipt)
    for rating in clashes:
        rating.receipt = new_receipt()
    return bool(clashes)
