"""Identity providers and method switches, shown read-only: they are configured on the staff pages
(``/verification/staff/providers/``, ``/verification/staff/methods/``), where each change is checked,
asks for the password again and is on the audit log. An edit here would have been none of these.
Verifications themselves are handled on the staff pages too (with reasons), never here."""

from django.contrib import admin

from uchast.core.admin import ReadOnlyAdmin
from uchast.verification.models import MethodSetting, OidcProvider


@admin.register(OidcProvider)
class OidcProviderAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "issuer", "client_id", "client_secret_env", "enabled")
    list_filter = ("enabled",)


@admin.register(MethodSetting)
class MethodSettingAdmin(ReadOnlyAdmin):
    list_display = ("community", "method", "enabled")
