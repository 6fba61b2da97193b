from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "uchast.petitions"
    label = "petitions"
    verbose_name = _("E-petitions")

    def ready(self) -> None:
        from uchast.core.registry import registry as _registry
        from uchast.petitions.actions import PetitionAction

        _registry.add_actions(PetitionAction)
        from uchast.core.registry import NavItem, registry
        from uchast.petitions import auditwords, demo, rules, selectors, services  # noqa: F401 - rules registers permissions

        registry.add_audit_words(auditwords.LABELS, auditwords.OBJECTS)
        registry.add_navigation(NavItem("petitions:index", _("Petitions"), 40))
        registry.add_open_processes(selectors.open_process_cards)
        from uchast.petitions import calendar_feed

        registry.add_calendar(calendar_feed.events)
        registry.add_demo_loader(demo.load_demo, 40)
        from uchast.petitions.scale import load_scale

        registry.add_scale_loader(load_scale, 40)
        from uchast.petitions.datasets import DATASETS

        registry.add_datasets(*DATASETS)
        from uchast.petitions.statistics import petition_statistics

        registry.add_statistics(petition_statistics)
        registry.add_personal_data("petitions", selectors.personal_data)
        registry.add_anonymiser(services.anonymise_user)
        from uchast.organisations import activity

        activity.add_source(selectors.organisation_activity)
        from uchast.petitions.tasks import petitions_tick_task

        registry.add_periodic("petitions.tick", petitions_tick_task, 600)
