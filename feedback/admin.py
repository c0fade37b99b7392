from django.contrib import admin

from units.admin import ReadOnlyAdmin

from .models import (
    Appeal,
    CalendarDay,
    CaseLog,
    ContactViewLog,
    EvaluatorWeight,
    FollowUpCase,
    ModerationDecision,
    Publication,
    Rating,
    RatingDimension,
)
from .services.cases import settle_provisional_deadlines


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Staff amend the holiday table here when the State Council announces next year's days."""

    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        obj.source = "manual"
        super().save_model(request, obj, form, change)
        settle_provisional_deadlines()


@admin.register(EvaluatorWeight)
class EvaluatorWeightAdmin(admin.ModelAdmin):
    list_display = ["kind", "weight"]


@admin.register(RatingDimension)
class RatingDimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "active"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Contacts appear masked only; the encrypted columns are never shown."""

    list_display = [
        "receipt",
        "unit",
        "level",
        "channel",
        "received_on",
        "contact_phone_masked",
        "moderation",
        "excluded",
    ]
    list_filter = ["level", "channel", "moderation", "excluded", "unit__category"]
    search_fields = ["receipt", "unit__name"]
    exclude = ["contact_name_encrypted", "contact_phone_encrypted", "source_hash"]
    readonly_fields = ["contact_name_masked", "contact_phone_masked", "duplicate_of", "entered_by"]
    list_select_related = ["unit"]


class CaseLogInline(ReadOnlyAdmin, admin.TabularInline):
    model = CaseLog
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "note"]


@admin.register(FollowUpCase)
class FollowUpCaseAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["rating", "unit", "status", "reply_due", "rectify_due"]
    list_filter = ["status"]
    readonly_fields = ["rating", "status"]
    inlines = [CaseLogInline]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["rating", "unit", "reason", "status", "filed_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "decided_by", "decided_at"]


@admin.register(ContactViewLog)
class ContactViewLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["rating", "viewer", "viewed_at"]


@admin.register(ModerationDecision, Publication)
class DecisionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    pass
