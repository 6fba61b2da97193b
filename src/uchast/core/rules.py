"""Permissions of public pages. Each public view still names its permission, so a private
installation (or a suspended community) can close them in one place."""

import rules

rules.add_perm("core.view_public", rules.always_allow)
