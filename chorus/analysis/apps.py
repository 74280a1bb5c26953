from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "chorus.analysis"
    label = "analysis"
    verbose_name = _("Text analysis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chorus.analysis import demo, jobs  # noqa: F401  (registers demo data and periodic jobs)
