"""The Django admin of core. The community's settings are edited here (there is no staff page for
them yet), so each edit is on the audit log in the admin's own transaction: which fields changed
(their names; the values are public on the site anyway) and which districts were added, changed or
removed. The audit log itself is read-only."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from uchast.core import audit
from uchast.core.models import AuditEntry, Community, District


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name_uk", "katottg", "is_displaced", "is_active")
    inlines = [DistrictInline]

    def save_model(self, request: HttpRequest, obj: Community, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data or not change:
            audit.record(
                action="core.community_changed" if change else "core.community_created",
                actor=request.user,
                obj=obj,
                community=obj,
                summary={"fields": sorted(form.changed_data), "via": "admin"},
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        removed = [f.instance.code for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        added = [obj.code for obj in formset.new_objects]
        changed = [obj.code for obj, _fields in formset.changed_objects]
        if added or changed or removed:
            audit.record(
                action="core.districts_changed",
                actor=request.user,
                obj=form.instance,
                community=form.instance,
                summary={"added": added, "changed": changed, "removed": removed, "via": "admin"},
            )

    def delete_model(self, request: HttpRequest, obj: Community) -> None:
        with transaction.atomic():
            audit.record(action="core.community_deleted", actor=request.user, obj=obj, summary={"via": "admin"})
            super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A model the admin only shows: its rows are written by services (with their audit) or are
    history that must not change, so adding, changing and deleting here are refused. Every module's
    read-only admin pages use this one class."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "created_at", "action", "object_type", "object_id", "actor")
    list_filter = ("action",)
