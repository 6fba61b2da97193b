"""Permissions of the channels: each person sees and changes only their own."""

import rules

from uchast.accounts.predicates import is_administrator, is_official, is_resident, is_staff_member

rules.add_perm("channels.view_inbox", is_resident)
rules.add_perm("channels.change_channels", is_resident)
rules.add_perm("channels.view_deliveries", is_staff_member)

rules.add_perm("channels.send_announcement", is_official | is_administrator)
