"""Writes to consultations: validated, atomic and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from chorus.consultations.models import Consultation, Question, Section
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.services import record_save

if TYPE_CHECKING:
    from chorus.accounts.models import User

M2M = ("topics", "regions")


def consultation_save(
    *, actor: User, request: HttpRequest, consultation: Consultation | None, **fields: Any
) -> Consultation:
    relations = {name: fields.pop(name) for name in M2M if name in fields}
    with transaction.atomic():
        return record_save(
            actor=actor,
            request=request,
            record=consultation or Consultation(owner=actor),
            fields=fields,
            relations=relations,
        )


def section_add(*, actor: User, request: HttpRequest, consultation: Consultation, **fields: Any) -> Section:
    """Add a section after the consultation's last one."""
    with transaction.atomic():
        order = (consultation.sections.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        section = Section.objects.create(consultation=consultation, order=order, **fields)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"section added": fields["title"]},
        )
    return section


def question_add(*, actor: User, request: HttpRequest, consultation: Consultation, **fields: Any) -> Question:
    """Add a question after the last one of its section."""
    with transaction.atomic():
        order = (
            Question.objects.filter(section=fields["section"])
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
            or 0
        ) + 1
        question = Question.objects.create(order=order, **fields)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"question added": fields["text"]},
        )
    return question


def question_remove(*, actor: User, request: HttpRequest, question: Question) -> None:
    """Remove a question nobody has answered (the caller checks that)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=question.section.consultation,
            request=request,
            detail={"question removed": question.text},
        )
        question.delete()


def consultation_duplicate(*, actor: User, request: HttpRequest, original: Consultation) -> Consultation:
    """Copy a consultation, its sections and questions (not responses) as an unpublished draft."""
    with transaction.atomic():
        copy = Consultation.objects.get(pk=original.pk)
        copy.pk = None
        copy.id = None
        copy.code = Consultation._meta.get_field("code").get_default()
        copy.title = _("Copy of %(title)s") % {"title": original.title}
        copy.is_published = False
        copy.owner = actor
        copy.save()
        copy.topics.set(original.topics.all())
        copy.regions.set(original.regions.all())
        question_map: dict[int, Question] = {}
        for section in original.sections.prefetch_related("questions"):
            new_section = Section.objects.create(
                consultation=copy, title=section.title, title_cy=section.title_cy, order=section.order
            )
            for question in section.questions.order_by("order", "id"):
                old_pk = question.pk
                question.pk = None
                question.id = None
                question.code = Question._meta.get_field("code").get_default()
                question.section = new_section
                question.follows = question_map.get(question.follows_id) if question.follows_id else None
                question.save()
                question_map[old_pk] = question
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=copy,
            request=request,
            detail={"copied from": str(original.code)},
        )
    return copy
