"""Writes to consultations: validated, atomic and audited."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.consultations.journey import is_visible, unique_reference
from chorus.consultations.linking import person_for
from chorus.consultations.models import (
    Answer,
    Consultation,
    HelpRequest,
    Question,
    Response,
    Section,
    SupportingDocument,
)
from chorus.consultations.publishing import LOCKED, publish_checklist, ready_to_publish
from chorus.core.audit import audit_record
from chorus.core.hooks import event_happened, texts_received
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


def response_enter(
    *,
    actor: User,
    request: HttpRequest | None,
    consultation: Consultation,
    questions: list[Question],
    about: dict[str, Any],
    answers: dict[str, Any],
    submission_key: UUID | None,
    helped: HelpRequest | None = None,
) -> Response:
    """Store a response that came by email, post, phone or in person (``about``: its
    channel, date received, who responded and what they chose about publishing), once: a
    second call with the same ``submission_key`` is refused by the database, not stored."""
    received: date = about["received_on"]
    with transaction.atomic():
        response = Response.objects.create(
            consultation=consultation,
            reference=unique_reference(),
            submission_key=submission_key,
            channel=about["channel"],
            respondent_type=about["respondent_type"],
            organisation=about["organisation"],
            name=about["name"],
            email=about["email"],
            person_id=person_for(about["email"]),
            may_contact=about["may_contact"],
            publish=about["publish"],
            entered_by=actor,
            submitted_at=datetime.combine(received, time(12), tzinfo=timezone.get_current_timezone()),
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=q, value=answers[str(q.code)])
            for q in questions
            if answers.get(str(q.code)) not in (None, "", []) and is_visible(q, answers)
        )
        texts_received(
            source="response", ids=[response.pk], subject="consultation", target_id=consultation.pk
        )
        event_happened("response_submitted", response)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=response,
            request=request,
            detail={"channel": response.channel},
        )
        if helped is not None:
            helped.response, helped.status = response, HelpRequest.Status.DONE
            helped.assigned_to = helped.assigned_to or actor
            helped.save(update_fields=["response", "status", "assigned_to", "updated_at"])
    return response


def _unlocked(consultation: Consultation) -> None:
    """Refuse a change to the questions once anyone has responded."""
    if consultation.questions_locked():
        raise ValidationError(LOCKED)


def section_add(*, actor: User, request: HttpRequest, consultation: Consultation, **fields: Any) -> Section:
    """Add a section after the consultation's last one."""
    _unlocked(consultation)
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
    _unlocked(consultation)
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
    """Remove a question, while nobody has responded; a published consultation keeps one."""
    consultation = question.section.consultation
    _unlocked(consultation)
    others = Question.objects.filter(section__consultation=consultation).exclude(pk=question.pk)
    if consultation.is_published and not others.exists():
        raise ValidationError(_("It is published, so it needs at least one question: add another first"))
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


def question_update(*, actor: User, request: HttpRequest, question: Question, **fields: Any) -> Question:
    """Change a question, while nobody has responded. Moved to another section, it goes last there."""
    consultation = question.section.consultation
    _unlocked(consultation)
    was = Question.objects.filter(pk=question.pk).values_list("text", flat=True).first() or ""
    with transaction.atomic():
        if fields["section"] != question.section:
            fields["order"] = _last_order(Question.objects.filter(section=fields["section"])) + 1
        for name, value in fields.items():
            setattr(question, name, value)
        question.full_clean()
        question.save()
        _check_follow_up_order(consultation)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            # What it said before, so the consultation record can show both.
            detail={"question changed": question.text}
            | ({"question was": was} if was and was != question.text else {}),
        )
    return question


def section_update(
    *, actor: User, request: HttpRequest, section: Section, title: str, title_cy: str
) -> Section:
    """Rename a section, while nobody has responded."""
    _unlocked(section.consultation)
    with transaction.atomic():
        section.title, section.title_cy = title, title_cy
        section.full_clean()
        section.save(update_fields=["title", "title_cy"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=section.consultation,
            request=request,
            detail={"section changed": title},
        )
    return section


def _last_order(records: Any) -> int:
    return int(records.order_by("-order").values_list("order", flat=True).first() or 0)


def _swap(items: list[Any], item: Any, up: bool) -> list[Any]:
    """``items`` with ``item`` moved one place up or down (unchanged at either end)."""
    at = items.index(item)
    to = at - 1 if up else at + 1
    if 0 <= to < len(items):
        items[at], items[to] = items[to], items[at]
    return items


def _check_follow_up_order(consultation: Consultation) -> None:
    """Every follow-up still comes after the question it follows."""
    sections = {s.pk: index for index, s in enumerate(consultation.sections.all())}
    questions = Question.objects.filter(section__consultation=consultation).select_related("follows")
    for question in questions:
        trigger = question.follows
        if trigger is None:
            continue
        if (sections[trigger.section_id], trigger.order, trigger.pk) >= (
            sections[question.section_id],
            question.order,
            question.pk,
        ):
            raise ValidationError(
                _("“%(follow_up)s” follows “%(question)s”, so it must come after it.")
                % {"follow_up": question.text, "question": trigger.text}
            )


def question_move(*, actor: User, request: HttpRequest, question: Question, up: bool) -> None:
    """Move a question one place up or down its section, while nobody has responded; refused
    when a follow-up would come before its question."""
    consultation = question.section.consultation
    _unlocked(consultation)
    with transaction.atomic():
        siblings = _swap(list(question.section.questions.all()), question, up)
        for order, sibling in enumerate(siblings, start=1):
            Question.objects.filter(pk=sibling.pk).update(order=order)
        _check_follow_up_order(consultation)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"question moved": question.text},
        )


def section_move(*, actor: User, request: HttpRequest, section: Section, up: bool) -> None:
    """Move a section (a page) one place up or down, while nobody has responded; refused
    when a follow-up would come before its question."""
    consultation = section.consultation
    _unlocked(consultation)
    with transaction.atomic():
        sections = _swap(list(consultation.sections.all()), section, up)
        for order, each in enumerate(sections, start=1):
            Section.objects.filter(pk=each.pk).update(order=order)
        _check_follow_up_order(consultation)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"section moved": section.title},
        )


def consultation_publish(*, actor: User, request: HttpRequest, consultation: Consultation) -> None:
    """Publish a draft: it shows as forthcoming, then opens and closes at its times. Refused
    until every task on its checklist is done."""
    if not ready_to_publish(publish_checklist(consultation)):
        raise ValidationError(_("Finish every task on the list before you publish"))
    with transaction.atomic():
        consultation.is_published = True
        consultation.save(update_fields=["is_published", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"published": True},
        )


def _document_new(
    *,
    actor: User,
    consultation: Consultation,
    title: str,
    title_cy: str,
    file: UploadedFile,
    replaces: SupportingDocument | None = None,
) -> SupportingDocument:
    document = SupportingDocument(
        consultation=consultation,
        title=title,
        title_cy=title_cy,
        file=file,
        original_name=(file.name or "document")[-255:],
        size=file.size or 0,
        added_by=actor,
        replaces=replaces,
        version=replaces.version + 1 if replaces is not None else 1,
    )
    document.full_clean(exclude=["file"])
    document.save()
    return document


def _current(document: SupportingDocument) -> SupportingDocument:
    """``document``, locked, while it is still the current version; refused once another
    change replaced or withdrew it first."""
    # The row is locked on its own: PostgreSQL cannot lock through the outer join that
    # ``current()`` needs to look for a newer version.
    found = SupportingDocument.objects.select_for_update().filter(pk=document.pk).first()
    if (
        found is None
        or found.withdrawn_at is not None
        or SupportingDocument.objects.filter(replaces=found).exists()
    ):
        raise ValidationError(_("That document was replaced or removed meanwhile: look at the list again"))
    return found


def document_add(
    *,
    actor: User,
    request: HttpRequest,
    consultation: Consultation,
    title: str,
    title_cy: str,
    file: UploadedFile,
) -> SupportingDocument:
    with transaction.atomic():
        document = _document_new(
            actor=actor, consultation=consultation, title=title, title_cy=title_cy, file=file
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"document added": document.title},
        )
    return document


def document_replace(
    *,
    actor: User,
    request: HttpRequest,
    document: SupportingDocument,
    title: str,
    title_cy: str,
    file: UploadedFile,
) -> SupportingDocument:
    """Put a new version in the place of ``document``. Once the consultation is published
    the old version is kept, and the new one records what it replaced; a draft's old
    version is deleted."""
    consultation = document.consultation
    with transaction.atomic():
        old = _current(document)
        old.consultation = consultation
        keep = old.keeps_history()
        if not keep:
            old.delete()
            transaction.on_commit(lambda: old.file.delete(save=False))
        new = _document_new(
            actor=actor,
            consultation=consultation,
            title=title,
            title_cy=title_cy,
            file=file,
            replaces=old if keep else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"document replaced": new.title},
        )
    return new


def document_remove(*, actor: User, request: HttpRequest, document: SupportingDocument) -> None:
    """Take ``document`` off the consultation. Once it is published the document is
    withdrawn, its file and earlier versions kept; a draft's is deleted."""
    consultation = document.consultation
    with transaction.atomic():
        found = _current(document)
        found.consultation = consultation
        if found.keeps_history():
            found.withdrawn_at = timezone.now()
            found.withdrawn_by = actor
            found.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
            detail = {"document withdrawn": found.title}
        else:
            found.delete()
            transaction.on_commit(lambda: found.file.delete(save=False))
            detail = {"document removed": found.title}
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=consultation, request=request, detail=detail)


def document_file_delete(
    *, actor: User, request: HttpRequest, document: SupportingDocument, reason: str
) -> SupportingDocument:
    """Delete one version's file for good: the escape hatch for a file published by
    mistake (with personal data in it, say). Only a published consultation's versions
    reach here, a draft's are simply deleted; the row stays as a placeholder that says
    when, by whom and why, and a current version is withdrawn with its file."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Enter why the file is being deleted"))
    consultation = document.consultation
    with transaction.atomic():
        found = SupportingDocument.objects.select_for_update().filter(pk=document.pk).first()
        if found is None or found.file_deleted_at is not None:
            raise ValidationError(_("That version's file was deleted meanwhile: look at the list again"))
        found.consultation = consultation
        if not found.keeps_history():
            raise ValidationError(_("A draft's document is removed, not kept: remove it instead"))
        now = timezone.now()
        if found.withdrawn_at is None and not SupportingDocument.objects.filter(replaces=found).exists():
            found.withdrawn_at, found.withdrawn_by = now, actor
        stored = found.file.name
        found.file = ""
        found.file_deleted_at, found.file_deleted_by, found.file_deleted_reason = now, actor, reason
        found.save(
            update_fields=[
                "file",
                "withdrawn_at",
                "withdrawn_by",
                "file_deleted_at",
                "file_deleted_by",
                "file_deleted_reason",
                "updated_at",
            ]
        )
        storage = found.file.storage
        transaction.on_commit(lambda: storage.delete(stored) if stored else None)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"document file deleted": found.title, "version": found.version, "reason": reason},
        )
    return found
