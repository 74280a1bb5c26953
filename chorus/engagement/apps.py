from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "chorus.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        # Attendance and panels count towards checkpoints (participation.py registers them);
        # email to the people address is logged on people's timelines, in their subject access
        # file and gone with their erasure (core's mailbox, registry and hooks: emails.py).
        from chorus.engagement import emails, mailbox, participation  # noqa: F401
