from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "uchast.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from uchast.appeals import auditwords, demo, rules, selectors, services  # noqa: F401 - rules registers permissions
        from uchast.appeals.actions import AppealAction
        from uchast.appeals.tasks import appeals_tick_task
        from uchast.core.registry import NavItem, registry

        registry.add_actions(AppealAction)
        registry.add_audit_words(auditwords.LABELS, auditwords.OBJECTS)
        registry.add_navigation(NavItem("appeals:index", _("Appeals"), 45))
        registry.add_demo_loader(demo.load_demo, 45)
        registry.add_anonymiser(services.anonymise_user)
        registry.add_personal_data("appeals", selectors.personal_data)
        # Hourly: reminders and overdue notices are per day, retention per year.
        registry.add_periodic("appeals.tick", appeals_tick_task, 3600)
