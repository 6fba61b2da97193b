from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "uchast.budget"
    label = "budget"
    verbose_name = _("Participatory budget")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from uchast.budget.actions import BudgetAction
        from uchast.core.registry import registry as _registry

        _registry.add_actions(BudgetAction)
        from uchast.budget import auditwords
        from uchast.budget import rules as _rules  # noqa: F401  (registers permissions)
        from uchast.budget.demo import load_budget_demo
        from uchast.budget.selectors import open_process_cards, personal_data
        from uchast.core.registry import NavItem, registry

        registry.add_audit_words(auditwords.LABELS, auditwords.OBJECTS)
        registry.add_navigation(NavItem("budget:index", _("Participatory budget"), 20))
        registry.add_open_processes(open_process_cards)
        from uchast.budget import calendar_feed

        registry.add_calendar(calendar_feed.events)
        registry.add_demo_loader(load_budget_demo, 20)
        from uchast.budget.scale import load_scale

        registry.add_scale_loader(load_scale, 20)
        from uchast.budget.datasets import DATASETS

        registry.add_datasets(*DATASETS)
        from uchast.budget.statistics import budget_statistics

        registry.add_statistics(budget_statistics)
        registry.add_personal_data("budget", personal_data)
        from uchast.budget.services import anonymise_user

        registry.add_anonymiser(anonymise_user)
        from uchast.budget.selectors import organisation_activity
        from uchast.organisations import activity

        activity.add_source(organisation_activity)
        from uchast.budget.tasks import advance_cycles

        registry.add_periodic("budget.advance_cycles", advance_cycles, 60)
