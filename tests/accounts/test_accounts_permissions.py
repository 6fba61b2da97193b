"""Permission matrix of role predicates: every role × every permission of this layer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = [None, "official", "moderator", "administrator", "organisation"]

# permission -> roles allowed (None = plain resident). Self-permissions are checked against oneself.
MATRIX = {
    "core.view_public": {None, "official", "moderator", "administrator", "organisation", "anonymous"},
    "core.view_staff_area": {"official", "moderator", "administrator"},
    "core.moderate": {"moderator", "administrator"},
    "core.change_community": {"administrator"},
    "accounts.assign_roles": {"administrator"},
    "core.view_audit_log": {None, "official", "moderator", "administrator", "organisation", "anonymous"},
}


@pytest.mark.parametrize("permission", sorted(MATRIX))
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_role_matrix(permission, role):
    user = AnonymousUser() if role == "anonymous" else make_user(role)
    assert user.has_perm(permission) is (role in MATRIX[permission])


@pytest.mark.parametrize("permission", ["accounts.view_profile", "accounts.export_data", "accounts.delete_account"])
def test_self_permissions_only_on_oneself(permission):
    me, other = make_user(), make_user("administrator")
    assert me.has_perm(permission, me)
    assert not me.has_perm(permission, other)
    assert not other.has_perm(permission, me)  # not even an administrator
    assert not AnonymousUser().has_perm(permission, me)


def test_inactive_staff_has_no_role():
    official = make_user("official")
    official.is_active = False
    official.save()
    assert not official.has_perm("core.view_staff_area")
