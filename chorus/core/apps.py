from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chorus.core"
    label = "core"
    verbose_name = _("Chorus core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app may contribute demo data, staff-home attention items, periodic jobs and
        # exports (which the export task, in a worker, must find registered).
        autodiscover_modules("demo")
        autodiscover_modules("attention")
        autodiscover_modules("jobs")
        autodiscover_modules("exporters")
        if getattr(settings, "CHORUS_NAME_MODEL", True):
            # The moderation detector reads names with a statistical model too (person_names.py).
            from chorus.core.person_names import person_spans
            from chorus.core.sensitive import register_name_finder

            register_name_finder(person_spans)
