"""Permissions of the accounts and core layer. Each module adds its own ``rules.py``."""

import rules

from uchast.accounts.predicates import (
    is_administrator,
    is_moderator,
    is_resident,
    is_self,
    is_staff_member,
)

rules.add_perm("accounts.view_profile", is_resident & is_self)
rules.add_perm("accounts.change_profile", is_resident & is_self)
rules.add_perm("accounts.export_data", is_resident & is_self)
rules.add_perm("accounts.delete_account", is_resident & is_self)
rules.add_perm("accounts.manage_tokens", is_resident & is_self)
rules.add_perm("accounts.assign_roles", is_administrator)
rules.add_perm("core.change_community", is_administrator)
rules.add_perm("core.view_staff_area", is_staff_member)
rules.add_perm("core.moderate", is_moderator | is_administrator)
rules.add_perm("core.view_audit_log", rules.always_allow)
