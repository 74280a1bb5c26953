from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "chorus.events"
    label = "events"
    verbose_name = _("Event registration")

    def ready(self) -> None:
        # The registration section on the activity page and the link on the public event page;
        # check-in and materials on the activity page, and the files on the public event page;
        # the evaluation's results on the activity page and in the engagement report.
        from chorus.core.hooks import on_person_erased
        from chorus.events import evaluation_sections, materials, sections  # noqa: F401
        from chorus.events.jobs import person_erased_blank

        # An erased person's registrations and evaluations are blanked in the erasure itself.
        on_person_erased(person_erased_blank)
