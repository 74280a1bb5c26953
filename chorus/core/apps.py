from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chorus.core"
    label = "core"
    verbose_name = _("Chorus core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app may contribute demo data, staff-home attention items and periodic jobs.
        autodiscover_modules("demo")
        autodiscover_modules("attention")
        autodiscover_modules("jobs")
