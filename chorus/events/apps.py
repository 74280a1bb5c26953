from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "chorus.events"
    label = "events"
    verbose_name = _("Event registration")

    def ready(self) -> None:
        # The registration section on the activity page and the link on the public event page.
        from chorus.events import sections  # noqa: F401
