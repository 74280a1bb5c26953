"""Taking the person out of cases: when the directory erases them, and when a closed case
passes its retention period (``insights.retention``). The case stays, without who sent it
and what they wrote, so the figures (kinds, categories, places, outcomes) still add up."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from chorus.cases.models import Case, CaseAttachment, CaseEmail, CaseNote, CaseReply, SatisfactionSurvey

REMOVED = "(removed)"


def cases_anonymise(cases: QuerySet[Case]) -> int:
    """Blank who each case came from, what they wrote (the case and what the satisfaction
    survey asked them to say), the replies, staff's own notes (which may name them or what
    they said) and attachments. The survey's chosen answers stay, counted without a name."""
    ids = list(cases.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        for attachment in CaseAttachment.objects.filter(case_id__in=ids):
            attachment.file.delete(save=False)
        CaseAttachment.objects.filter(case_id__in=ids).delete()
        CaseReply.objects.filter(case_id__in=ids).update(to="", subject=REMOVED, body=REMOVED)
        # Staff's notes and the emails the person sent, with who they were from and to.
        CaseNote.objects.filter(case_id__in=ids, kind__in=[CaseNote.Kind.NOTE, CaseNote.Kind.EMAIL]).update(
            text=REMOVED
        )
        CaseEmail.objects.filter(case_id__in=ids).update(
            message_id="", sender="", sender_name="", to="", cc="", subject=REMOVED, refused=[]
        )
        SatisfactionSurvey.objects.filter(case_id__in=ids).exclude(improve="").update(improve=REMOVED)
        return Case.objects.filter(pk__in=ids).update(
            person=None, name="", email="", phone="", address="", description=REMOVED, custom={}
        )


def person_erased_blank(person_id: int) -> None:
    """The directory erased this person: their cases no longer say who they were."""
    cases_anonymise(Case.objects.filter(person_id=person_id))
