"""The Django admin for accounts. Every change of roles made here is on the audit log, in the same
transaction as the change, and asks for the password or second factor again.

Why ``save_model``/``save_related`` and not an ``m2m_changed`` signal on ``User.groups``: the admin
knows who acts (``request.user``) and saves the groups in ``save_related`` inside its own
transaction, so the entry names the actor and commits with the change; a signal would know neither
and would fire a second time for ``accounts.services.role_grant``, which already records its grant
(and the house rule keeps logic out of signals).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator

from uchast.accounts import services
from uchast.accounts.decorators import reauthentication_required
from uchast.accounts.models import ApiToken, User
from uchast.core import audit
from uchast.core.admin import ReadOnlyAdmin

#: The flags ``is_superuser`` and ``is_staff`` are privileges: recorded as the roles "superuser"
#: and "admin_site" when they change.
#: Other fields whose change is recorded (by name only: the log is public).
_RECORDED_FIELDS = ("email", "is_active")


def _roles_of(user: User) -> set[str]:
    if user.pk is None:
        return set()
    stored = User.objects.filter(pk=user.pk).values_list("is_superuser", "is_staff").first() or (False, False)
    roles = set(Group.objects.filter(user__pk=user.pk).values_list("name", flat=True))
    return roles | {role for role, held in zip(("superuser", "admin_site"), stored, strict=True) if held}


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_active", "date_joined")
    search_fields = ("email", "full_name")
    filter_horizontal = ("groups",)
    exclude = ("password", "user_permissions")

    @method_decorator(reauthentication_required)
    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return super().changeform_view(request, object_id, form_url, extra_context)

    @method_decorator(reauthentication_required)
    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        return super().delete_view(request, object_id, extra_context)

    @method_decorator(reauthentication_required)
    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, extra_context)  # its POST runs actions (bulk deletion)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        setattr(obj, "_roles_before", _roles_of(obj))  # noqa: B010 - read before the save changes them
        super().save_model(request, obj, form, change)
        changed = sorted(name for name in form.changed_data if name in _RECORDED_FIELDS)
        if changed or not change:
            action = "accounts.user_changed" if change else "accounts.user_created"
            audit.record(action=action, actor=request.user, obj=obj, summary={"fields": changed, "via": "admin"})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        before: set[str] = getattr(user, "_roles_before", set())
        services.roles_changed(actor=request.user, user=user, before=before, after=_roles_of(user), via="admin")

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        with transaction.atomic():
            audit.record(action="accounts.user_deleted", actor=request.user, obj=obj, summary={"via": "admin"})
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        with transaction.atomic():
            for user in queryset:
                audit.record(action="accounts.user_deleted", actor=request.user, obj=user, summary={"via": "admin"})
            super().delete_queryset(request, queryset)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner on the profile page (the key is shown once there); here they
    can only be looked at and revoked, and a revocation is on the audit log."""

    list_display = ("name", "user", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        services.api_token_revoke(user=obj.user, token_id=obj.pk, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        with transaction.atomic():
            for token in queryset.select_related("user"):
                services.api_token_revoke(user=token.user, token_id=token.pk, actor=request.user)


class RoleGroupAdmin(ReadOnlyAdmin):
    """Roles are groups with fixed names (``accounts.models.Role``); permissions come from
    django-rules, not from the groups. Renaming or deleting one would take a role from everyone
    holding it without a trace, so groups are only shown here; people get roles on their user page."""

    search_fields = ("name",)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)
