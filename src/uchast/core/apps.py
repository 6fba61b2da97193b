from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "uchast.core"
    label = "core"
    verbose_name = _("Community")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from uchast.core import checks as _checks  # noqa: F401 - registers the deploy checks
        from uchast.core import comments, memo
        from uchast.core.models import Community
        from uchast.core.opendata.datasets import AUDIT_LOG
        from uchast.core.registry import registry
        from uchast.core.tasks import build_open_data, sign_audit_checkpoint

        comments.register()  # comments take part in core moderation like any module's contributions
        registry.add_periodic("core.sign_audit_checkpoint", sign_audit_checkpoint, 3600)
        registry.add_periodic("core.build_open_data", build_open_data, 24 * 3600)
        registry.add_datasets(AUDIT_LOG)
        registry.add_demo_loader(_sign_demo_checkpoint, 99)  # after every module: the demo's history is signed

        def forget_community(**kwargs: object) -> None:
            memo.forget("community")

        # weak=False: the receiver is a local function, which a weak reference would lose at once.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(forget_community, sender=Community, weak=False, dispatch_uid=f"forget_community_{name}")


def _sign_demo_checkpoint(context: object) -> None:
    from uchast.core.audit import checkpoint_sign

    checkpoint_sign()
