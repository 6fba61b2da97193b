"""Every write of the participatory budget, one module per topic. One use case = one
``transaction.atomic()``.

Refusals raise :class:`~uchast.budget.errors.BudgetError` (a translated message and a stable
``code``) or, for eligibility, the shared ``ActionRefused("not_eligible")``, before anything is
written, so a refused request changes nothing.

Callers use the package (``from uchast.budget import services; services.ballot_cast(...)``); the
topic modules are its layout, not its interface:

- ``cycle`` — creation, phases by dates and by staff, suspension and resumption (on core's timeline);
- ``supports`` — support collection and its rules, closing it when submission ends, account deletion;
- ``categories`` — pots of money and their rules;
- ``projects`` — drafts, cost tables, submission; ``coauthors`` — invitations;
- ``review`` — officials' review, the author's revision and appeal;
- ``voting`` — casting and replacing ballots (the first ballot through ``castpath.statement``);
- ``paper`` — paper batches, double entry, flagged ballots; ``results`` — counting and publication;
- ``implementation`` — milestones and following.

Reads the services need live in ``selectors``, identifiers in ``tokens``, wording in
``formatting``: none of them imports the services.
"""

from uchast.budget.errors import BudgetError
from uchast.budget.services.categories import category_save
from uchast.budget.services.coauthors import (
    check_invitation_open,
    coauthor_accept,
    coauthor_invite,
    coauthor_revoke,
    invitation_by_token,
    invitation_token_hash,
)
from uchast.budget.services.cycle import (
    DATE_FIELDS,
    cycle_advance,
    cycle_commission_key,
    cycle_create,
    cycle_resume,
    cycle_set_phase,
    cycle_suspend,
)
from uchast.budget.services.implementation import milestone_save, project_follow
from uchast.budget.services.paper import (
    ballot_resolve,
    paper_ballot_enter,
    paper_batch_create,
    paper_check_enter,
    paper_mismatch_resolve,
    paper_person_key,
)
from uchast.budget.services.projects import KEEP, PROJECT_FIELDS, CostLine, project_save_draft, project_submit
from uchast.budget.services.results import cycle_count, cycle_publish
from uchast.budget.services.review import project_appeal, project_assign, project_revise, review_record
from uchast.budget.services.supports import (
    anonymise_user,
    cycle_set_supports,
    project_support,
    project_support_withdraw,
)
from uchast.budget.services.voting import CastResult, ballot_cast

__all__ = [
    "DATE_FIELDS",
    "KEEP",
    "PROJECT_FIELDS",
    "BudgetError",
    "CastResult",
    "CostLine",
    "anonymise_user",
    "ballot_cast",
    "ballot_resolve",
    "category_save",
    "check_invitation_open",
    "coauthor_accept",
    "coauthor_invite",
    "coauthor_revoke",
    "cycle_advance",
    "cycle_commission_key",
    "cycle_count",
    "cycle_create",
    "cycle_publish",
    "cycle_resume",
    "cycle_set_phase",
    "cycle_set_supports",
    "cycle_suspend",
    "invitation_by_token",
    "invitation_token_hash",
    "milestone_save",
    "paper_ballot_enter",
    "paper_batch_create",
    "paper_check_enter",
    "paper_mismatch_resolve",
    "paper_person_key",
    "project_appeal",
    "project_assign",
    "project_follow",
    "project_revise",
    "project_save_draft",
    "project_submit",
    "project_support",
    "project_support_withdraw",
    "review_record",
]
