from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from .models import Branch, CoordinationGroup, Role, Unit, UnitCategory, User
from .resources import BranchResource, CoordinationGroupResource, UnitCategoryResource, UnitResource
from .services import RoleError, check_member_branches


class ReadOnlyAdmin:
    """For records that change only through their services — a workflow's state, scores,
    the ledger, ratings and cases, history rows — so the services' checks of the actor and
    the input have no door around them: the admin shows them, nothing more."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["kind", "unit", "branch", "branches"]

    def clean(self):
        data = super().clean()
        branches = list(data.get("branches") or [])
        if branches:
            try:
                if data.get("kind") != Role.Kind.PARTY_MEMBER:
                    raise RoleError(_("只有党组成员分管党支部。"))
                check_member_branches(data.get("unit"), branches)
            except RoleError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


class RoleInline(admin.TabularInline):
    model = Role
    form = RoleForm
    extra = 0
    autocomplete_fields = ["unit", "branch", "branches"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("联系方式"), {"fields": ["full_name", "phone"]}),)


@admin.register(UnitCategory)
class UnitCategoryAdmin(ImportExportModelAdmin):
    resource_classes = [UnitCategoryResource]
    list_display = ["name", "code", "sort_order"]


@admin.register(CoordinationGroup)
class CoordinationGroupAdmin(ImportExportModelAdmin):
    resource_classes = [CoordinationGroupResource]
    list_display = ["name", "sort_order"]


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = [
        "name",
        "short_name",
        "category",
        "group",
        "headcount",
        "party_affairs_staff",
        "active",
    ]
    list_filter = ["category", "group", "active"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Branch)
class BranchAdmin(ImportExportModelAdmin):
    resource_classes = [BranchResource]
    list_display = ["name", "unit", "secretary_name", "member_count", "active"]
    list_filter = ["unit__category", "active"]
    search_fields = ["name", "unit__name", "secretary_name"]
    list_select_related = ["unit"]


# --- audit log: read-only in the admin too (no add, change or delete, not even bulk) ------

from auditlog.admin import LogEntryAdmin as _AuditlogEntryAdmin  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ReadOnlyLogEntryAdmin(ReadOnlyAdmin, _AuditlogEntryAdmin):
    pass
