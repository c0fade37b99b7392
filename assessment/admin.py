"""Admin for support staff. Day-to-day work happens in the app's own pages; the admin shows
the records read-only where a workflow owns the status."""

from django.contrib import admin

from units.admin import ReadOnlyAdmin

from .models import (
    AnnualPlan,
    ConflictDeclaration,
    Cycle,
    DutyReport,
    DutyReportTransition,
    Evidence,
    Indicator,
    IndicatorSystem,
    InspectionFinding,
    InspectionRound,
    InspectionVerdict,
    Measure,
    NegativeListEntry,
    PartyConfirmation,
    Period,
    PeriodTransition,
    Problem,
    ProblemEvent,
    Rectification,
    RectificationEvent,
    RoundInspector,
    Submission,
    SubmissionEvent,
    Turnaround,
    TurnaroundAction,
    TurnaroundEvent,
)


class AnnualPlanInline(admin.TabularInline):
    model = AnnualPlan
    extra = 0
    fields = ["year", "phase", "burden_cap"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["title", "start_year", "previous"]
    inlines = [AnnualPlanInline]


class PeriodInline(ReadOnlyAdmin, admin.TabularInline):
    model = Period
    extra = 0
    fields = ["kind", "opens_on", "deadline", "status", "system"]
    readonly_fields = ["status", "system"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "phase", "cycle", "burden_cap"]
    list_filter = ["phase"]
    inlines = [PeriodInline]


class PeriodTransitionInline(admin.TabularInline):
    model = PeriodTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["plan", "kind", "opens_on", "deadline", "status", "system"]
    list_filter = ["status", "kind", "plan"]
    readonly_fields = ["status", "system"]
    inlines = [PeriodTransitionInline]


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(admin.ModelAdmin):
    list_display = ["plan", "version", "base_points", "note", "created_at"]
    list_filter = ["plan"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "system",
        "kind",
        "standard",
        "goal",
        "weight",
        "max_score",
        "frequency",
        "retired_at",
    ]
    list_filter = ["system", "kind", "standard", "goal", "frequency", "level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["system", "system__plan"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["indicator", "branch", "unit", "period", "status", "reviewer_score"]
    list_filter = ["status", "period"]
    raw_id_fields = ["indicator", "branch", "unit", "period", "reviewed_by"]
    readonly_fields = ["status", "version"]
    list_select_related = ["indicator", "branch", "unit", "period", "period__plan"]


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["submission", "action", "from_status", "to_status", "by", "at"]
    raw_id_fields = ["submission", "by"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["original_name", "unit", "branch", "size", "uploaded_at"]
    raw_id_fields = ["unit", "branch", "uploaded_by"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["unit", "branch", "plan", "deadline", "status"]
    list_filter = ["status", "plan"]
    readonly_fields = ["status"]
    raw_id_fields = ["unit", "branch", "issued_by"]


@admin.register(RectificationEvent)
class RectificationEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["rectification", "from_status", "to_status", "by", "at"]


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    can_delete = False
    fields = ["at", "by", "from_status", "to_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The ledger's status moves only through assessment.services.ledger."""

    list_display = ["unit", "source", "severity", "found_on", "deadline", "status"]
    list_filter = ["status", "source", "severity"]
    search_fields = ["description", "unit__name"]
    date_hierarchy = "found_on"
    readonly_fields = ["status", "case", "negative_entry", "notice", "answered_at", "verified_at"]
    raw_id_fields = ["unit", "branch", "raised_by", "indicators", "evidence"]
    inlines = [ProblemEventInline]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["description", "unit", "owner", "due_on", "done_on"]
    search_fields = ["description", "owner", "unit__name"]
    raw_id_fields = ["unit", "problems", "evidence", "created_by"]


@admin.register(NegativeListEntry)
class NegativeListEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["unit", "plan", "effect", "points", "created_at"]
    list_filter = ["effect", "plan"]
    raw_id_fields = ["unit", "created_by"]


class RoundInspectorInline(admin.TabularInline):
    model = RoundInspector
    extra = 1
    autocomplete_fields = ["user", "unit"]

    # The pool is fixed once the round is published (the service refuses the same).
    def _draft(self, obj):
        return obj is None or obj.status == InspectionRound.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(InspectionRound)
class InspectionRoundAdmin(admin.ModelAdmin):
    """Rounds are set up here; drawing, swaps and the status move on the round page."""

    list_display = ["name", "period", "status", "rule", "inspectors_per_item", "seed"]
    list_filter = ["status"]
    filter_horizontal = ["units"]
    readonly_fields = ["status", "seed"]
    inlines = [RoundInspectorInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["inspector", "unit", "reason", "declared_at"]
    autocomplete_fields = ["unit"]


class TurnaroundActionInline(ReadOnlyAdmin, admin.TabularInline):
    model = TurnaroundAction
    extra = 0
    fields = ["description", "deadline", "done_on", "progress"]


class TurnaroundEventInline(ReadOnlyAdmin, admin.TabularInline):
    model = TurnaroundEvent
    extra = 0
    fields = ["at", "by", "from_status", "to_status", "note"]
    readonly_fields = ["at"]


@admin.register(Turnaround)
class TurnaroundAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "reason", "talk_on", "status"]
    list_filter = ["reason", "status", "period__plan"]
    search_fields = ["unit__name", "branch__name"]
    inlines = [TurnaroundActionInline, TurnaroundEventInline]


class DutyReportTransitionInline(ReadOnlyAdmin, admin.TabularInline):
    model = DutyReportTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]


@admin.register(DutyReport)
class DutyReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["year", "unit", "branch", "author_kind", "status", "grade"]
    list_filter = ["year", "author_kind", "status", "grade"]
    search_fields = ["unit__name", "branch__name"]
    list_select_related = ["unit", "branch"]
    inlines = [DutyReportTransitionInline]


@admin.register(PartyConfirmation)
class PartyConfirmationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["period", "unit", "status", "confirmed_by", "confirmed_at"]
    list_filter = ["status", "period"]
    list_select_related = ["period__plan", "unit", "confirmed_by"]


@admin.register(InspectionVerdict)
class InspectionVerdictAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["round", "submission", "outcome", "grade", "score", "decided_at"]
    list_filter = ["outcome", "round"]


@admin.register(InspectionFinding)
class InspectionFindingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["unit", "text", "problem", "recorded_at"]
    list_filter = ["assignment__round"]
