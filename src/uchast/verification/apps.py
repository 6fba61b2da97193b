from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "uchast.verification"
    label = "verification"
    verbose_name = _("Verification of residents")

    def ready(self) -> None:
        from uchast.core.registry import NavItem, registry
        from uchast.verification import (
            auditwords,
            rules,  # noqa: F401 - registers the permissions
        )
        from uchast.verification.demo import load_demo
        from uchast.verification.selectors import personal_data
        from uchast.verification.services import verification_anonymise

        registry.add_audit_words(auditwords.LABELS)
        registry.add_navigation(NavItem("verification:start", _("Confirm residence"), 80))
        registry.add_demo_loader(load_demo, 10)
        from uchast.verification.scale import load_scale

        registry.add_scale_loader(load_scale, 10)
        registry.add_personal_data("verification", personal_data)
        registry.add_anonymiser(verification_anonymise)
        from uchast.core.registry import Audience
        from uchast.verification.models import Basis
        from uchast.verification.selectors import verified_user_ids

        registry.audience = Audience(bases=list(Basis.choices), resolve=verified_user_ids)
        from uchast.verification.tasks import purge_expired_documents

        registry.add_periodic("verification.purge_expired_documents", purge_expired_documents, 3600)
