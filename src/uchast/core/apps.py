from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "uchast.core"
    label = "core"
    verbose_name = _("Community")

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_delete, post_save
        from django_tasks.signals import task_finished

        from uchast.core import checks as _checks  # noqa: F401 - registers the deploy checks
        from uchast.core import comments, memo
        from uchast.core.files import discard_uncommitted_files
        from uchast.core.models import Community
        from uchast.core.opendata.datasets import AUDIT_LOG
        from uchast.core.registry import registry
        from uchast.core.tasks import build_open_data, sign_audit_checkpoint, sweep_files

        comments.register()  # comments take part in core moderation like any module's contributions
        registry.add_periodic("core.sign_audit_checkpoint", sign_audit_checkpoint, 3600)
        registry.add_periodic("core.build_open_data", build_open_data, 24 * 3600)
        registry.add_periodic("core.sweep_files", sweep_files, 3600)
        registry.add_datasets(AUDIT_LOG)
        registry.add_demo_loader(_sign_demo_checkpoint, 99)  # after every module: the demo's history is signed

        # A file written by a transaction that rolled back inside an outer plain atomic() goes when the
        # request or task ends (core.files.atomic_with_files says which cases go at once).
        for end, signal in (("request", request_finished), ("task", task_finished)):
            signal.connect(discard_uncommitted_files, dispatch_uid=f"discard_uncommitted_files_{end}")

        def forget_community(**kwargs: object) -> None:
            memo.forget("community")

        # weak=False: the receiver is a local function, which a weak reference would lose at once.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(forget_community, sender=Community, weak=False, dispatch_uid=f"forget_community_{name}")


def _sign_demo_checkpoint(context: object) -> None:
    from uchast.core.audit import checkpoint_sign

    checkpoint_sign()
