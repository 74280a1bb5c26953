from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "chorus.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        # Attendance and panels count towards checkpoints (participation.py registers them).
        from chorus.engagement import participation  # noqa: F401
