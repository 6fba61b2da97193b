"""A short summary of each operation, translated: the explorer and the schema show it in the
language asked for (Accept-Language). Operations declared with ``summary=lazy_text(gettext_lazy(...))``
need no entry; those without either get ninja's English words made from the function name (a test
refuses that).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

SUMMARIES: dict[str, Any] = {
    "uchast_api_api_community_info": _("The community: name, contacts and districts"),
    "uchast_api_api_my_profile": _("My profile"),
    "uchast_api_api_update_my_profile": _("Change my profile"),
    "uchast_verification_api_status": _("My verification status"),
    "uchast_verification_api_eligibility": _("May I take this action, and if not, why"),
    "uchast_budget_api_cycles": _("Participatory budget cycles"),
    "uchast_budget_api_cycle": _("One budget cycle"),
    "uchast_budget_api_categories": _("Categories of a budget cycle"),
    "uchast_budget_api_projects": _("Projects of a budget cycle"),
    "uchast_budget_api_project": _("One budget project"),
    "uchast_budget_api_results": _("Results of a budget cycle"),
    "uchast_budget_api_cast_ballot": _("Cast or change my ballot"),
    "uchast_consultations_api_list_consultations": _("Consultations"),
    "uchast_consultations_api_get_consultation": _("One consultation"),
    "uchast_consultations_api_sections": _("Sections of the draft under consultation"),
    "uchast_consultations_api_proposals": _("Proposals on a consultation"),
    "uchast_consultations_api_statements": _("Statements with their votes"),
    "uchast_consultations_api_opinion": _("The opinion map: groups and consensus"),
    "uchast_consultations_api_surveys": _("Surveys with their results"),
    "uchast_consultations_api_comment": _("Comment on a section"),
    "uchast_consultations_api_vote": _("Vote on a statement"),
    "uchast_consultations_api_answer_survey": _("Answer a survey"),
    "uchast_petitions_api_list_petitions": _("Petitions"),
    "uchast_petitions_api_get_petition": _("One petition"),
    "uchast_petitions_api_sign_petition": _("Sign a petition"),
    "uchast_petitions_api_withdraw_signature": _("Withdraw my signature"),
    # The budget's catalogue is the budget's: the receipt check's words live with the assembly's.
    "uchast_budget_api_receipt_check_receipt": _("Check my ballot by its receipt code"),
}
