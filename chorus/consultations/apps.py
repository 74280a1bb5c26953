from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "chorus.consultations"
    label = "consultations"
    verbose_name = _("Consultations and surveys")

    def ready(self) -> None:
        # Responses count towards engagement checkpoints (participation.py registers them).
        from chorus.consultations import participation  # noqa: F401
        from chorus.consultations.linking import emails_changed_relink, person_erased_unlink
        from chorus.core.hooks import on_person_emails_changed, on_person_erased

        # Each response stays linked to the directory person whose address it came from.
        on_person_emails_changed(emails_changed_relink)
        on_person_erased(person_erased_unlink)
