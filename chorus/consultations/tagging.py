"""Tags and notes staff add to responses while reading them: the services that write them
(each audited as a change to personal data) and the reads the staff pages need.

Tags belong to one consultation, so each consultation has its own words; they and the
notes are for staff only and never reach a public page or a public download."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from chorus.accounts.models import User
from chorus.consultations.models import Consultation, Response, ResponseNote, ResponseTag
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction


def tags_of(consultation: Consultation) -> QuerySet[ResponseTag]:
    """The consultation's tags, in alphabetical order."""
    return consultation.response_tags.order_by("name")


def response_tag_add(
    *, response: Response, name: str, actor: User, request: HttpRequest | None = None
) -> ResponseTag:
    """Tag ``response`` with ``name``, reusing the consultation's tag of that name (in any case)."""
    with transaction.atomic():
        tag = ResponseTag.objects.filter(consultation=response.consultation, name__iexact=name).first()
        if tag is None:
            tag = ResponseTag(consultation=response.consultation, name=name)
            tag.full_clean()
            tag.save()
        if not tag.responses.filter(pk=response.pk).exists():
            tag.responses.add(response)
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=response,
                request=request,
                detail={"tag added": tag.name},
            )
    return tag


def response_tag_remove(
    *, response: Response, tag: ResponseTag, actor: User, request: HttpRequest | None = None
) -> None:
    """Take ``tag`` off ``response``; the tag stays in the consultation's words."""
    with transaction.atomic():
        if tag.responses.filter(pk=response.pk).exists():
            tag.responses.remove(response)
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=response,
                request=request,
                detail={"tag removed": tag.name},
            )


def response_note_add(
    *, response: Response, text: str, actor: User, request: HttpRequest | None = None
) -> ResponseNote:
    with transaction.atomic():
        note = ResponseNote(response=response, text=text, author=actor)
        note.full_clean()
        note.save()
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=response, request=request, detail={"note": True}
        )
    return note
