"""Permissions of public pages. Each public view still names its permission, so a private
installation (or a suspended community) can close them in one place."""

import rules

rules.add_perm("core.view_public", rules.always_allow)

# Reporting a comment needs only an account; hiding and blocking are moderators' (accounts/rules.py).
rules.add_perm("core.report_comment", rules.is_authenticated)
