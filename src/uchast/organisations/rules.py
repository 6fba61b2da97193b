"""Permissions of the organisations module. Eligibility (verified, age) is decided by the services
through ``require_eligible``; who acts for which organisation (head, member) is checked here and
again by the services under a row lock."""

import rules

from uchast.accounts.predicates import is_resident
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.predicates import (
    can_view_queue,
    is_commission_member,
    is_confirmed,
    is_head,
    is_in_review,
    is_member,
    is_org_staff,
    is_public_text,
    is_report_accepted,
    is_results_published,
    is_winner,
)

rules.add_perm("organisations.view_organisation", is_confirmed | is_member | can_view_queue)
rules.add_perm(OrganisationAction.REGISTER.permission, is_resident)
rules.add_perm("organisations.decide", is_org_staff)
rules.add_perm("organisations.view_queue", can_view_queue)
rules.add_perm("organisations.invite", is_resident & is_head & is_confirmed)
rules.add_perm("organisations.accept_invitation", is_resident)
rules.add_perm("organisations.take_part", is_resident)
# Files: the logo is public; the statute is seen wherever the profile is (public once confirmed).
rules.add_perm("organisations.edit_files", is_resident & is_head)
# Competitions
rules.add_perm("organisations.manage_competition", is_org_staff)
rules.add_perm(OrganisationAction.APPLY.permission, is_resident & is_member & is_confirmed)
rules.add_perm(
    "organisations.view_application",
    is_results_published | is_member | is_org_staff | is_commission_member,
)
rules.add_perm("organisations.check_eligibility", is_org_staff & is_in_review)
rules.add_perm("organisations.score", is_commission_member & is_in_review)
rules.add_perm("organisations.report", is_member & is_winner)
rules.add_perm("organisations.decide_report", is_org_staff)
# An application's documents are never public; a report's photos are, once staff accepted it.
rules.add_perm("organisations.view_documents", is_member | is_org_staff | is_commission_member)
rules.add_perm("organisations.edit_documents", is_resident & is_member)
rules.add_perm("organisations.view_report_photos", is_report_accepted | is_member | is_org_staff)
rules.add_perm("organisations.edit_report_photos", is_resident & is_member)
# Reporting an organisation's public text to the moderators (core moderation checks it with the text as object).
rules.add_perm("organisations.report_public_text", is_resident & is_public_text)
# Advisory bodies: public pages; staff keep the record (bodies, seats, meetings, minutes, decisions).
rules.add_perm("organisations.manage_body", is_org_staff)
