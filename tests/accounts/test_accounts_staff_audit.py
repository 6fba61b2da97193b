"""Staff changes that matter are on the audit log, and sensitive ones ask for the password or the
second factor again (issue 13, item 1): role changes in the Django admin, account deletion,
identity provider changes, API tokens, the community's settings."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from uchast.accounts import services
from uchast.accounts.models import ApiToken, User
from uchast.core.audit import verify_chain
from uchast.core.models import AuditEntry, District
from uchast.testing.factories import TEST_PASSWORD, current_totp_code, make_user, sign_in_reauthenticated
from uchast.verification.models import MethodSetting, OidcProvider

pytestmark = pytest.mark.django_db

REAUTH = "/accounts/reauthenticate/"


@pytest.fixture
def superadmin(community: Any) -> User:
    return make_user("administrator", is_staff=True, is_superuser=True, email="root@example.org")


def _user_form(user: User, groups: list[Group], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "preferred_language": "uk",
        "notification_preferences": '{"answers": true}',
        "groups": [g.pk for g in groups],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


def test_a_role_granted_in_the_admin_asks_for_the_password_then_is_audited(client, superadmin, resident):
    official = Group.objects.get_or_create(name="official")[0]
    url = reverse("admin:accounts_user_change", args=[resident.pk])
    client.force_login(superadmin)
    assert client.get(url).status_code == 200  # looking needs no password
    held = client.post(url, _user_form(resident, [official]))
    assert held.status_code == 302 and held["Location"].startswith(REAUTH)
    assert not resident.groups.exists() and not _entries("accounts.role_granted")
    wrong = client.post(held["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200 and not resident.groups.exists()
    done = client.post(held["Location"], {"password": TEST_PASSWORD})  # the held change is carried out
    assert done.status_code == 302 and done["Location"] == reverse("admin:accounts_user_changelist")
    assert list(resident.groups.values_list("name", flat=True)) == ["official"]
    [entry] = _entries("accounts.role_granted")
    assert (entry.actor_id, entry.object_id, entry.summary) == (
        superadmin.pk,
        str(resident.pk),
        {"role": "official", "via": "admin"},
    )
    # Within the next minutes no second question; taking the role away and making a superuser is audited too.
    client.post(url, _user_form(resident, [], is_superuser="on", email="olena.new@example.org"))
    resident.refresh_from_db()
    assert resident.is_superuser and not resident.groups.exists()
    assert _entries("accounts.role_revoked")[0].summary == {"role": "official", "via": "admin"}
    assert _entries("accounts.role_granted")[-1].summary == {"role": "superuser", "via": "admin"}
    changed = _entries("accounts.user_changed")[-1]
    assert changed.summary == {"fields": ["email"], "via": "admin"}  # names of fields, never the values
    assert "olena" not in str(changed.summary)
    assert verify_chain().ok


def test_the_second_factor_also_confirms_a_held_change(client, superadmin, resident):
    official = Group.objects.get_or_create(name="official")[0]
    url = reverse("admin:accounts_user_change", args=[resident.pk])
    client.force_login(superadmin)
    client.post(url, _user_form(resident, [official]))
    done = client.post(f"/accounts/2fa/reauthenticate/?next={url}", {"code": current_totp_code()})
    assert done.status_code == 302
    assert resident.groups.filter(name="official").exists()
    assert _entries("accounts.role_granted")[0].actor_id == superadmin.pk


def test_deleting_users_in_the_admin_is_held_then_audited(client, superadmin):
    victim = make_user(email="gone@example.org")
    url = reverse("admin:accounts_user_delete", args=[victim.pk])
    client.force_login(superadmin)
    held = client.post(url, {"post": "yes"})
    assert held["Location"].startswith(REAUTH) and User.objects.filter(pk=victim.pk).exists()
    bulk = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [victim.pk], "post": "yes"},
    )
    assert bulk["Location"].startswith(REAUTH) and User.objects.filter(pk=victim.pk).exists()
    sign_in_reauthenticated(client, superadmin)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=victim.pk).exists()
    [entry] = _entries("accounts.user_deleted")
    assert (entry.actor_id, entry.object_id) == (superadmin.pk, str(victim.pk))
    other = make_user(email="gone2@example.org")
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert not User.objects.filter(pk=other.pk).exists()
    assert [e.object_id for e in _entries("accounts.user_deleted")] == [str(victim.pk), str(other.pk)]


def test_role_groups_providers_and_method_switches_are_read_only_in_the_admin(client, superadmin, community):
    sign_in_reauthenticated(client, superadmin)
    group = Group.objects.get_or_create(name="administrator")[0]
    assert client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "renamed"}).status_code == 403
    assert client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:auth_group_add"), {"name": "new"}).status_code == 403
    provider = OidcProvider.objects.create(
        community=community, slug="x", name="X", issuer="https://id.example.org", client_id="c", client_secret_env="E"
    )
    change = reverse("admin:verification_oidcprovider_change", args=[provider.pk])
    assert client.get(change).status_code == 200  # shown
    assert client.post(change, {"name": "Hacked"}).status_code == 403
    assert client.post(reverse("admin:verification_oidcprovider_add"), {}).status_code == 403
    assert (
        client.post(reverse("admin:verification_oidcprovider_delete", args=[provider.pk]), {"post": "yes"}).status_code
        == 403
    )
    setting = MethodSetting.objects.create(community=community, method="census", enabled=True)
    assert client.post(reverse("admin:verification_methodsetting_change", args=[setting.pk]), {}).status_code == 403
    provider.refresh_from_db()
    assert provider.name == "X" and Group.objects.filter(name="administrator").exists()


def test_community_settings_and_districts_edited_in_the_admin_are_audited(client, superadmin, community):
    client.force_login(superadmin)
    url = reverse("admin:core_community_change", args=[community.pk])
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field, forms.FileField):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dict):
            data[name] = json.dumps(value)
        elif value is not None:
            data[name] = value
        if field.show_hidden_initial and name in data:  # as the browser sends it
            data[f"initial-{name}"] = data[name]
    districts = list(District.objects.filter(community=community).order_by("pk"))
    prefix = "districts"
    data.update({f"{prefix}-TOTAL_FORMS": len(districts) + 1, f"{prefix}-INITIAL_FORMS": len(districts)})
    for i, d in enumerate(districts):
        data.update(
            {
                f"{prefix}-{i}-id": d.pk,
                f"{prefix}-{i}-community": community.pk,
                f"{prefix}-{i}-code": d.code,
                f"{prefix}-{i}-name_uk": d.name_uk,
                f"{prefix}-{i}-name_en": d.name_en,
            }
        )
        if d.is_occupied:
            data[f"{prefix}-{i}-is_occupied"] = "on"
    data[f"{prefix}-0-DELETE"] = "on"
    new = len(districts)
    data.update({f"{prefix}-{new}-code": "nove", f"{prefix}-{new}-name_uk": "Нове", f"{prefix}-{new}-name_en": "Nove"})
    data["email"] = "new-rada@example.org"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    [entry] = _entries("core.community_changed")
    assert entry.actor_id == superadmin.pk and entry.summary == {"fields": ["email"], "via": "admin"}
    [districts_entry] = _entries("core.districts_changed")
    assert districts_entry.summary == {"added": ["nove"], "changed": [], "removed": ["center"], "via": "admin"}
    assert verify_chain().ok


def test_api_tokens_created_and_revoked_are_audited(client, community, resident, superadmin):
    client.force_login(resident)
    assert client.post(reverse("accounts:token_create"), {"name": "мій скрипт"}).status_code == 201
    token = ApiToken.objects.get()
    [created] = _entries("accounts.api_token_created")
    assert (created.actor_id, created.object_id, created.summary) == (resident.pk, str(token.pk), {})
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    [revoked] = _entries("accounts.api_token_revoked")
    assert (revoked.actor_id, revoked.object_id) == (resident.pk, str(token.pk))
    # A token revoked by staff in the admin: on the log with the staff member as actor.
    other, _key = services.api_token_create(user=resident, name="другий")
    client.force_login(superadmin)
    assert client.post(reverse("admin:accounts_apitoken_delete", args=[other.pk]), {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.exists()
    assert _entries("accounts.api_token_revoked")[-1].actor_id == superadmin.pk
    assert client.post(reverse("admin:accounts_apitoken_add"), {"name": "x", "user": resident.pk}).status_code == 403
    assert verify_chain().ok


def test_account_deletion_asks_for_the_password_again(client, community, resident):
    client.force_login(resident)
    assert client.get(reverse("accounts:delete")).status_code == 200
    held = client.post(reverse("accounts:delete"), {"confirm": "ВИДАЛИТИ"})
    assert held.status_code == 302 and held["Location"].startswith(REAUTH)
    resident.refresh_from_db()
    assert resident.is_active and not _entries("accounts.account_deleted")
    done = client.post(held["Location"], {"password": TEST_PASSWORD})
    assert done.status_code == 302
    resident.refresh_from_db()
    assert not resident.is_active and len(_entries("accounts.account_deleted")) == 1


def test_identity_provider_changes_ask_for_the_password_again(client, community, administrator):
    provider = OidcProvider.objects.create(
        community=community, slug="x", name="X", issuer="https://id.example.org", client_id="c", client_secret_env="E"
    )
    client.force_login(administrator)
    held = client.post("/verification/staff/providers/", {"provider": provider.pk, "enabled": "0"})
    assert held["Location"].startswith(REAUTH)
    provider.refresh_from_db()
    assert provider.enabled and not _entries("verification.provider_switched")
    held = client.post(f"/verification/staff/providers/{provider.pk}/", {"name": "Y"})
    assert held["Location"].startswith(REAUTH)
    sign_in_reauthenticated(client, administrator)
    client.post("/verification/staff/providers/", {"provider": provider.pk, "enabled": "0"})
    provider.refresh_from_db()
    assert not provider.enabled


def test_others_are_refused_before_being_asked_for_a_password(community, resident):
    client = Client()
    client.force_login(resident)
    assert client.post(reverse("admin:accounts_user_change", args=[resident.pk]), {}).status_code == 302
    assert client.post("/verification/staff/providers/", {}).status_code == 403
