"""Every write of the appeals module, by topic: filing, handling, problem reports, upkeep."""

from uchast.appeals.services.filing import (
    AppealDraft,
    appeal_complain,
    appeal_file,
    clean_draft,
    cosigner_confirm,
    cosigner_withdraw,
    register_number,
    route_by_topic,
)
from uchast.appeals.services.handling import (
    appeal_answer,
    appeal_check_priority,
    appeal_extend,
    appeal_forward,
    appeal_rate,
    appeal_route,
    require_handler,
)
from uchast.appeals.services.reports import report_create, report_metoo, report_update_status
from uchast.appeals.services.upkeep import anonymise_appeal, anonymise_user, appeals_tick, enforce_retention

__all__ = [
    "AppealDraft",
    "anonymise_appeal",
    "anonymise_user",
    "appeal_answer",
    "appeal_check_priority",
    "appeal_complain",
    "appeal_extend",
    "appeal_file",
    "appeal_forward",
    "appeal_rate",
    "appeal_route",
    "appeals_tick",
    "clean_draft",
    "cosigner_confirm",
    "cosigner_withdraw",
    "enforce_retention",
    "register_number",
    "report_create",
    "report_metoo",
    "report_update_status",
    "require_handler",
    "route_by_topic",
]
