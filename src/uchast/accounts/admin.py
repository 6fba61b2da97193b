from django.contrib import admin

from uchast.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_active", "date_joined")
    search_fields = ("email", "full_name")
    filter_horizontal = ("groups",)
    exclude = ("password", "user_permissions")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "last_used_at")
    exclude = ("key_hash",)
