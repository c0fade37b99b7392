"""API shapes of citizen ratings and follow-up cases. Parsing and presenting only: the
public form's rules (feedback.forms.PublicRatingForm) and the services decide."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from units.models import Unit

from .models import FollowUpCase, Level, Rating


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 50})
class UnitSlugField(serializers.SlugRelatedField):
    """A unit by its slug; input longer than a slug can be is refused before any query."""

    max_length = 50  # Unit.slug

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) > self.max_length:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:20])
        return super().to_internal_value(data)


class PublicRatingSerializer(serializers.Serializer):
    """What a citizen sends: the same fields as the public form. `website` is the
    honeypot and must stay empty."""

    unit = UnitSlugField(
        label=_("被评单位"),
        slug_field="slug",
        queryset=Unit.objects.filter(active=True),
        help_text=_("单位的 slug，与二维码链接 /rate/<slug>/ 中的相同"),
    )
    level = serializers.ChoiceField(label=_("总体评价"), choices=Level.choices)
    comment = serializers.CharField(
        label=_("意见建议"), max_length=500, required=False, allow_blank=True, default=""
    )
    dimensions = serializers.DictField(
        label=_("分项评价"),
        child=serializers.ChoiceField(choices=Level.choices),
        required=False,
        default=dict,
        help_text=_('评价维度代码 → 等级，例如 {"attitude": "satisfied"}'),
    )
    contact_name = serializers.CharField(
        label=_("姓名"), max_length=20, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        label=_("手机号码"), max_length=20, required=False, allow_blank=True, default=""
    )
    contact_consent = serializers.BooleanField(label=_("同意联系"), required=False, default=False)
    website = serializers.CharField(
        label=_("请勿填写此项"), max_length=100, required=False, allow_blank=True, default=""
    )


class PublicReceiptSerializer(serializers.ModelSerializer):
    """What the citizen gets back: the receipt number to follow the rating."""

    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    follow_up = serializers.SerializerMethodField()
    reply_due = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = [
            "receipt",
            "unit",
            "unit_name",
            "level",
            "level_label",
            "received_on",
            "follow_up",
            "reply_due",
        ]

    def get_follow_up(self, rating) -> bool:
        return hasattr(rating, "case")

    def get_reply_due(self, rating) -> str | None:
        case = getattr(rating, "case", None)
        return case.reply_due.isoformat() if case else None


class RatingSerializer(serializers.ModelSerializer):
    """A rating as staff see it: contacts masked (full contacts only on the web, logged)."""

    level_label = serializers.CharField(source="get_level_display", read_only=True)
    counts_in_index = serializers.BooleanField(read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "receipt",
            "unit",
            "level",
            "level_label",
            "score",
            "channel",
            "evaluator_kind",
            "comment",
            "received_on",
            "created_at",
            "contact_name_masked",
            "contact_phone_masked",
            "contact_consent",
            "duplicate_of",
            "moderation",
            "flag_reason",
            "excluded",
            "excluded_reason",
            "counts_in_index",
        ]
        read_only_fields = fields


class FollowUpCaseSerializer(serializers.ModelSerializer):
    receipt = serializers.CharField(source="rating.receipt", read_only=True)
    level = serializers.CharField(source="rating.level", read_only=True)
    comment = serializers.CharField(source="rating.comment", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpCase
        fields = [
            "id",
            "rating",
            "receipt",
            "unit",
            "level",
            "comment",
            "status",
            "status_label",
            "opened_on",
            "reply_due",
            "rectify_due",
            "overdue",
            "reply",
            "replied_at",
            "fix",
            "rectified_at",
        ]
        read_only_fields = fields

    def get_overdue(self, case) -> bool:
        # Annotated by feedback.selectors.case_list (open past the reply deadline).
        return bool(getattr(case, "is_overdue", False))


class CaseTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class CaseCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
