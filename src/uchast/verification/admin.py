"""Configuration only: identity providers and method switches. Verifications themselves are handled
on the staff pages (with reasons and the audit log), not edited here."""

from django.contrib import admin

from uchast.verification.models import MethodSetting, OidcProvider


@admin.register(OidcProvider)
class OidcProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "issuer", "client_id", "client_secret_env", "enabled")
    list_filter = ("enabled",)


@admin.register(MethodSetting)
class MethodSettingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("community", "method", "enabled")
