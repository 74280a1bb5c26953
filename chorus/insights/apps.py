from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "chorus.insights"
    label = "insights"
    verbose_name = _("Insights and open data")

    def ready(self) -> None:
        from chorus.insights import (
            equity_views,  # noqa: F401  (the project page and report sections, the report downloads)
            jobs,  # noqa: F401  (registers the daily retention job)
        )
