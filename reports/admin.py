from django.contrib import admin

from .models import ReportJob, ReportJobEvent, ReportPart


class EventInline(admin.TabularInline):
    model = ReportJobEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_status", "to_status", "reason"]


class PartInline(admin.TabularInline):
    model = ReportPart
    extra = 0
    can_delete = False
    readonly_fields = ["unit", "branch", "status", "attempts", "error", "finished_at"]
    exclude = ["file", "filename", "enqueued_at"]


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "scope", "period", "unit", "branch", "status", "attempts"]
    list_filter = ["kind", "status"]
    list_select_related = ["period__plan", "unit", "branch"]
    readonly_fields = [
        "key",
        "status",
        "progress_done",
        "progress_total",
        "filename",
        "size",
        "error",
        "attempts",
        "requested_at",
        "enqueued_at",
        "started_at",
        "finished_at",
    ]
    exclude = ["file"]  # streamed by the scoped download view, never linked
    inlines = [PartInline, EventInline]

    def has_add_permission(self, request):
        return False  # jobs are asked for on the reports page, which checks scope
