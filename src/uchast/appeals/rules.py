"""Permissions of the appeals module (the permission matrix test walks them all)."""

import rules

from uchast.accounts.predicates import is_official, is_resident
from uchast.appeals.actions import AppealAction
from uchast.appeals.predicates import (
    is_answered,
    is_appeal_author,
    is_handler,
    is_invited,
    is_open_report,
    is_party,
    is_published,
)

# Reading: the published appeal (without personal data) by anyone; the whole file by the parties and
# the handling department only.
rules.add_perm("appeals.view_appeal", is_published | is_party | is_invited | is_handler)
rules.add_perm("appeals.view_personal", is_party | is_handler)
rules.add_perm(AppealAction.FILE.permission, is_resident)
rules.add_perm("appeals.cosign", is_resident & is_invited)
rules.add_perm("appeals.rate", is_appeal_author & is_answered)
rules.add_perm("appeals.complain", is_appeal_author & is_answered)
# Handling: an official of the department handling it (routing, priority, forwarding, extension, answer).
rules.add_perm("appeals.handle", is_handler)
rules.add_perm("appeals.view_queue", is_official)
# Problem reports are public.
rules.add_perm(AppealAction.REPORT.permission, is_resident)
rules.add_perm("appeals.metoo", is_resident & is_open_report)
rules.add_perm("appeals.update_report", is_official)
# Reporting a problem report to the moderators (core moderation checks it with the report as object).
rules.add_perm("appeals.report_problem_report", is_resident)
