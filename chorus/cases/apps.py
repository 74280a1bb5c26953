from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "chorus.cases"
    label = "cases"
    verbose_name = _("Enquiries, complaints and compliments")

    def ready(self) -> None:
        # The cases on a person's timeline and the notes and replies in their subject access
        # file, through core's registry; email to the case address, through core's mailbox
        # reader; and erasing a person from the directory takes them
        # out of their cases.
        from chorus.cases import mailbox, subject_access, timeline  # noqa: F401
        from chorus.cases.erasure import person_erased_blank
        from chorus.core.hooks import on_person_erased

        on_person_erased(person_erased_blank)
