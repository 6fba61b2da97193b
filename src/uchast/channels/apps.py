from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "uchast.channels"
    label = "channels"
    verbose_name = _("Notification channels")

    def ready(self) -> None:
        from uchast.channels import demo, dispatch, push, senders, services, tasks, telegram
        from uchast.channels import rules as _rules  # noqa: F401 - registers permissions
        from uchast.core.registry import registry

        registry.set_notification_dispatcher(dispatch.dispatch)
        senders.add_sender("telegram", telegram.send_notification)
        senders.add_sender("push", push.send_notification)
        if telegram.startup_lines not in registry.startup_notes:
            # First, not last: the demo logins stay the last lines a developer sees.
            registry.startup_notes.insert(0, telegram.startup_lines)
        registry.add_demo_loader(demo.load_demo, 90)
        registry.add_periodic("channels.retry_due", tasks.retry_due_task, 60)
        registry.add_periodic("channels.send_digests", tasks.send_digests_task, 900)
        registry.add_periodic("channels.deadline_reminders", tasks.deadline_reminders_task, 3600)
        registry.add_personal_data("channels", dispatch.personal_data)
        registry.add_anonymiser(services.anonymise_user)
