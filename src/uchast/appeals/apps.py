from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "uchast.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from uchast.appeals import auditwords, demo, rules, selectors, services  # noqa: F401 - rules registers permissions
        from uchast.appeals.actions import AppealAction
        from uchast.appeals.models import ProblemReport
        from uchast.appeals.tasks import appeals_tick_task
        from uchast.core.moderation import register_moderated
        from uchast.core.registry import NavItem, registry

        registry.add_actions(AppealAction)
        registry.add_audit_words(auditwords.LABELS, auditwords.OBJECTS)
        registry.add_navigation(NavItem("appeals:index", _("Appeals"), 45))
        registry.add_demo_loader(demo.load_demo, 45)
        registry.add_anonymiser(services.anonymise_user)
        registry.add_personal_data("appeals", selectors.personal_data)
        from uchast.appeals.datasets import DATASETS

        registry.add_datasets(*DATASETS)
        from uchast.appeals.statistics import appeal_statistics

        registry.add_statistics(appeal_statistics)
        # Hourly: reminders and overdue notices are per day, retention per year.
        registry.add_periodic("appeals.tick", appeals_tick_task, 3600)
        # Problem reports are public content: moderated by core moderation, as consultations' proposals are.
        register_moderated(
            ProblemReport,
            report_permission="appeals.report_problem_report",
            url=ProblemReport.get_absolute_url,
            text=lambda report: f"{report.title}\n\n{report.text}".strip(),
            related=("community", "author"),
        )
