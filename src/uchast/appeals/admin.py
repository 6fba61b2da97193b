"""The Django admin of appeals: departments only (name, topics, members, head, next level). Appeals
themselves are not in the admin: their personal data are read through the logged pages only."""

from django.contrib import admin

from uchast.appeals.models import Department


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "community", "is_registry", "head", "parent")
    list_filter = ("community", "is_registry")
    filter_horizontal = ("members",)
    raw_id_fields = ("head",)
