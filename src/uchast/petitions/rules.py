"""Permissions of the petitions module. Eligibility (age, basis) is decided by the services through
``require_eligible``, so the resident is told exactly what is missing."""

import rules

from uchast.accounts.predicates import is_resident
from uchast.petitions.actions import PetitionAction
from uchast.petitions.predicates import (
    can_answer,
    can_moderate,
    is_author,
    is_draft,
    is_petition_staff,
    is_public_petition,
)

rules.add_perm("petitions.view_petition", is_public_petition | is_author | is_petition_staff)
rules.add_perm(PetitionAction.CREATE.permission, is_resident)
rules.add_perm("petitions.submit", is_resident & is_author & is_draft)
rules.add_perm("petitions.change_draft", is_resident & is_author & is_draft)
rules.add_perm(PetitionAction.SIGN.permission, is_resident)
rules.add_perm("petitions.moderate", can_moderate)
rules.add_perm("petitions.assign", can_answer)
rules.add_perm("petitions.answer", can_answer)
rules.add_perm("petitions.view_queue", is_petition_staff)
# Comments (core comments block): residents comment on public petitions.
rules.add_perm("petitions.comment_petition", is_resident & is_public_petition)
rules.add_perm("petitions.follow_petition", is_resident & is_public_petition)
