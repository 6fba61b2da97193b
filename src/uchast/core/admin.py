from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from uchast.core.models import AuditEntry, Community, District


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name_uk", "katottg", "is_displaced", "is_active")
    inlines = [DistrictInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("sequence", "created_at", "action", "object_type", "object_id", "actor")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
