from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "chorus.ideas"
    label = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        from chorus.ideas import demo  # noqa: F401  (registers demo data)
