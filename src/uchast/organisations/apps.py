from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "uchast.organisations"
    label = "organisations"
    verbose_name = _("Civil society")

    def ready(self) -> None:
        from uchast.core.registry import NavItem, registry
        from uchast.organisations import auditwords, demo, rules, services  # noqa: F401 - rules registers permissions
        from uchast.organisations.actions import OrganisationAction

        registry.add_actions(OrganisationAction)
        registry.add_audit_words(auditwords.LABELS, auditwords.OBJECTS)
        registry.add_navigation(NavItem("organisations:index", _("Civil society"), 60))
        registry.add_demo_loader(demo.load_demo, 15)  # after verification, before the modules acting for organisations
        registry.add_anonymiser(services.anonymise_user)
        from uchast.organisations.datasets import DATASETS

        registry.add_datasets(*DATASETS)
        from uchast.organisations.tasks import report_reminders_task

        # Hourly: reminders are per day (a week before a report is due, and once overdue), each sent once.
        registry.add_periodic("organisations.report_reminders", report_reminders_task, 3600)
        from uchast.organisations import moderation

        moderation.register()
