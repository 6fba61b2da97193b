from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "uchast.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from uchast.accounts.demo import login_lines
        from uchast.accounts.tasks import purge_throttle_counters
        from uchast.core.registry import registry

        registry.add_periodic("accounts.purge_throttle_counters", purge_throttle_counters, 3600)
        registry.add_startup_note(login_lines)
