from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "chorus.consultations"
    label = "consultations"
    verbose_name = _("Consultations and surveys")

    def ready(self) -> None:
        # Responses count towards engagement checkpoints (participation.py registers them).
        from chorus.consultations import participation  # noqa: F401
