from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EqualityConfig(AppConfig):
    name = "chorus.equality"
    label = "equality"
    verbose_name = _("Equality monitoring")

    def ready(self) -> None:
        from chorus.equality import checks  # noqa: F401  (registers the secret check)
