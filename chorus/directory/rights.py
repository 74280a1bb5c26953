"""Data-subject rights: a copy of everything held on a person, and erasure."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.audit import audit_record
from chorus.core.custom_fields import exported
from chorus.core.downloads import csv_text
from chorus.core.hooks import person_erased
from chorus.core.models import AuditAction, AuditEntry, CustomField
from chorus.core.registry import subject_access_records
from chorus.core.tasks import background, enqueue_after_commit
from chorus.directory.models import (
    Adjustment,
    AdjustmentsRecord,
    ContactPoint,
    DuplicateCandidate,
    MergeRecord,
    Note,
    Person,
    SearchToken,
    SubjectAccessRequest,
)
from chorus.directory.search import person_index

if TYPE_CHECKING:
    from chorus.accounts.models import User

# Bookkeeping that says nothing about the person beyond what the files already hold.
_NOT_EXPORTED = {SearchToken, DuplicateCandidate, Person, SubjectAccessRequest}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.is_relation and value is not None:
            related = getattr(obj, field.name)
            value = str(related) if not isinstance(related, Person) else "(this person)"
        row[field.name] = _plain(value)
    return row


def _csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    header = list(rows[0])
    return csv_text(
        [
            header,
            *(
                [json.dumps(v) if isinstance(v, dict | list) else v for v in (row.get(k) for k in header)]
                for row in rows
            ),
        ]
    )


def custom_values_in_words(custom: dict[str, Any]) -> dict[str, Any]:
    """The added fields' values by their English labels (every field, whoever may see it:
    the file is the person's); values of a field since deleted by its key."""
    words: dict[str, Any] = {}
    left = dict(custom or {})
    for definition in CustomField.objects.filter(applies_to="person"):
        if definition.key in left:
            words[definition.label_en] = exported(definition, left.pop(definition.key))
    words.update(left)
    return words


def subject_access_contents(person: Person) -> dict[str, str]:
    """File name -> contents of everything held on ``person``, found through every relation,
    so records that later apps link to a person are included without changes here."""
    files: dict[str, str] = {}
    record = _row(person)
    record["custom"] = custom_values_in_words(person.custom)
    record["topics"] = [str(t) for t in person.topics.all()]
    record["merged from"] = [str(m.duplicate.code) for m in MergeRecord.objects.filter(survivor=person)]
    files["person.json"] = json.dumps(record, indent=2, ensure_ascii=False)
    for relation in Person._meta.related_objects:
        model = cast("type[models.Model]", relation.related_model)
        if relation.many_to_many or model in _NOT_EXPORTED:
            continue
        rows = [_row(obj) for obj in model._default_manager.filter(**{relation.field.name: person})]
        if rows:
            files[f"{model._meta.model_name}.csv"] = _csv(rows)
    # The needs hang off the adjustments record (found above), not the person: add them.
    needs = [_row(n) for n in Adjustment.objects.filter(record__person=person)]
    if needs:
        files["adjustment.csv"] = _csv(needs)
    # Records that hang off another record (their cases' notes and replies), from the apps
    # that keep them (``core.registry.subject_access_provider``).
    for name, records in subject_access_records(person).items():
        rows = [_row(cast("models.Model", r)) for r in records]
        if rows:
            files[name] = _csv(rows)
    audit = AuditEntry.objects.filter(object_type="directory.person", object_id=str(person.code)).order_by(
        "at"
    )
    files["who_saw_or_changed_this_record.csv"] = _csv(
        [
            {"when": e.at.isoformat(), "who": e.actor_label, "action": e.action, "detail": e.detail}
            for e in audit
        ]
    )
    files["README.txt"] = (
        "Everything Chorus holds about this person at the time of the request.\n"
        "person.json: the record itself. Each .csv file: records linked to the person\n"
        "(contacts, memberships, consent, reasonable adjustments, attendance, responses and so on).\n"
        "Other .csv files (casenote.csv, casereply.csv and the like): records that hang off those,\n"
        "such as staff notes on their enquiries and complaints and the replies sent to them.\n"
        "Check notes for other people's details before the file is released.\n"
        "who_saw_or_changed_this_record.csv: every view and change of the record, from the audit log.\n"
        "Equality monitoring answers are held apart and are not linked to the person.\n"
    )
    return files


def sar_request(
    *, actor: User, person: Person, reference: str, request: HttpRequest | None = None
) -> SubjectAccessRequest:
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            person=person, person_label=person.full_name, reference=reference, requested_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=person,
            request=request,
            detail={"subject access request": str(sar.code), "reference": reference},
        )
        enqueue_after_commit(sar_build_task, sar.pk)
    return sar


def sar_build(sar: SubjectAccessRequest) -> SubjectAccessRequest:
    if sar.person is None:
        raise ValidationError("The person no longer exists.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in subject_access_contents(sar.person).items():
            archive.writestr(name, content)
    sar.file.save(f"subject-access-{sar.code}.zip", ContentFile(buffer.getvalue()), save=False)
    sar.status = SubjectAccessRequest.Status.READY
    sar.completed_at = timezone.now()
    sar.save()
    return sar


@background(queue="default")
def sar_build_task(sar_id: int) -> str:
    sar = SubjectAccessRequest.objects.get(pk=sar_id)
    try:
        sar_build(sar)
    except Exception as error:
        SubjectAccessRequest.objects.filter(pk=sar_id).update(
            status=SubjectAccessRequest.Status.FAILED, failure=str(error)[:1000]
        )
        raise
    return str(sar.code)


ERASED_FIELDS = {
    "title": "",
    "first_name": "",
    "last_name": "",
    "other_names": "",
    "job_title": "",
    "postcode": "",
    "communication_needs": "",
    "reasonable_adjustments": "",
    "external_id": "",
    "owner": None,
}


def person_erase(*, actor: User | None, person: Person, request: HttpRequest | None = None) -> Person:
    """Anonymise ``person`` for good. Links that counts rely on (memberships, groups,
    attendance, assessments) stay, pointing at an anonymous record, so totals still add up;
    everything that identifies them goes, including their name in past audit entries."""
    if person.erased_at:
        raise ValidationError("This person has already been erased.")
    with transaction.atomic():
        for merged in Person.objects.filter(merged_into=person):
            person_erase(actor=actor, person=merged, request=request)
        ContactPoint.objects.filter(person=person).delete()
        Note.objects.filter(person=person).delete()
        person.consents.all().delete()
        AdjustmentsRecord.objects.filter(person=person).delete()
        person_erased(person.pk)
        person.topics.clear()
        for name, value in ERASED_FIELDS.items():
            setattr(person, name, value)
        person.custom = {}  # the fields administrators added go with the rest
        person.erased_at = timezone.now()
        person.save()
        person_index([person])
        AuditEntry.redact_record(object_type="directory.person", object_id=str(person.code))
        DuplicateCandidate.objects.filter(models.Q(person_a=person) | models.Q(person_b=person)).delete()
        for sar in SubjectAccessRequest.objects.filter(person=person):
            sar.file.delete(save=False)
            sar.person_label, sar.file = "Erased person", ""
            sar.save(update_fields=["person_label", "file", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=person,
            request=request,
            object_repr="Erased record",
            detail={"erased": True},
        )
    return person
