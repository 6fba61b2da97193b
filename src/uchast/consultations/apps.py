from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "uchast.consultations"
    label = "consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from uchast.consultations import rules as _rules  # noqa: F401 - registers permissions
        from uchast.consultations import selectors
        from uchast.consultations.actions import ConsultationAction
        from uchast.consultations.demo import load_demo
        from uchast.consultations.models import Proposal, Statement
        from uchast.consultations.services import anonymise_user, personal_data
        from uchast.core.moderation import register_moderated
        from uchast.core.registry import NavItem, registry

        registry.add_actions(ConsultationAction)
        from uchast.consultations import auditwords

        registry.add_audit_words(auditwords.LABELS, auditwords.OBJECTS)
        registry.add_navigation(NavItem("consultations:index", _("Consultations"), 30))
        registry.add_open_processes(selectors.open_process_cards)
        from uchast.consultations import calendar_feed

        registry.add_calendar(calendar_feed.events)
        registry.add_demo_loader(load_demo, 30)
        from uchast.consultations.scale import load_scale

        registry.add_scale_loader(load_scale, 30)
        from uchast.consultations.datasets import DATASETS

        registry.add_datasets(*DATASETS)
        from uchast.consultations.statistics import consultation_statistics

        registry.add_statistics(consultation_statistics)
        registry.add_personal_data("consultations", personal_data)
        registry.add_anonymiser(anonymise_user)
        from uchast.organisations import activity

        activity.add_source(selectors.organisation_activity)
        activity.add_source(selectors.organisation_meetings)
        # Proposals and statements are moderated by core moderation, as comments are.
        for model, text in ((Proposal, lambda p: p.body), (Statement, lambda s: s.text)):
            register_moderated(
                model,
                report_permission="consultations.report_contribution",
                url=model.get_absolute_url,
                text=text,
                community=lambda obj: obj.consultation.community,
                related=("consultation__community", "author"),
            )
