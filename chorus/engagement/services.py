"""Writes to engagement records: validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.services import record_save
from chorus.directory.models import Person
from chorus.directory.services import people_first_attended_refresh
from chorus.engagement.models import (
    Activity,
    Attendance,
    Checkpoint,
    Commitment,
    CommitmentEvidence,
    CommitmentUpdate,
    ImpactRecord,
    ImpactUpdate,
    Material,
    Project,
    Stage,
)

if TYPE_CHECKING:
    from chorus.accounts.models import User

M2M = ("projects", "regions", "groups", "topics")


def project_save(
    *,
    actor: User,
    request: HttpRequest,
    project: Project | None,
    waive: Iterable[Checkpoint] = (),
    waiver: str = "",
    **fields: Any,
) -> Project:
    """Save a project; checkpoints not met that it moves past (``waive``) are waived with
    ``waiver``, the reason, in the same transaction."""
    with transaction.atomic():
        saved = record_save(actor=actor, request=request, record=project or Project(), fields=fields)
        for checkpoint in waive:
            checkpoint_waive(actor=actor, request=request, checkpoint=checkpoint, reason=waiver)
        return saved


def activity_save(*, actor: User, request: HttpRequest, activity: Activity | None, **fields: Any) -> Activity:
    relations = {name: fields.pop(name) for name in M2M if name in fields}
    moved = activity is not None and "starts_at" in fields and fields["starts_at"] != activity.starts_at
    with transaction.atomic():
        saved = record_save(
            actor=actor,
            request=request,
            record=activity or Activity(organiser=actor),
            fields=fields,
            relations=relations,
        )
        if moved:  # a new date may change when those who came first came to anything
            people_first_attended_refresh(saved.attendance.values("person"))
    return saved


def attendance_set(
    *, actor: User, request: HttpRequest, activity: Activity, person: Person, invitation: str, attended: bool
) -> Attendance:
    """Add a person to an activity's list, or change their status; the person's record shows it."""
    with transaction.atomic():
        attendance, created = Attendance.objects.update_or_create(
            activity=activity, person=person, defaults={"invitation": invitation, "attended": attended}
        )
        people_first_attended_refresh([person.pk])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            request=request,
            detail={
                "activity": activity.title,
                "invitation": invitation,
                "attended": attended,
                "added": created,
            },
        )
    return attendance


def attendance_remove(*, actor: User, request: HttpRequest, attendance: Attendance) -> None:
    with transaction.atomic():
        person, activity = attendance.person, attendance.activity
        attendance.delete()
        people_first_attended_refresh([person.pk])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            request=request,
            detail={"removed from": activity.title},
        )


def material_add(
    *, actor: User, request: HttpRequest, activity: Activity, kind: str, title: str, url: str
) -> Material:
    with transaction.atomic():
        material = Material(activity=activity, kind=kind, title=title, url=url)
        material.full_clean()
        material.save()
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=activity, request=request, detail={"material": title}
        )
    return material


def impact_save(
    *, actor: User, request: HttpRequest, project: Project, record: ImpactRecord | None, **fields: Any
) -> ImpactRecord:
    relations = {name: fields.pop(name, None) for name in ("activities", "consultations", "themes")}
    with transaction.atomic():
        return record_save(
            actor=actor,
            request=request,
            record=record or ImpactRecord(project=project),
            fields=fields,
            relations=relations,
        )


def impact_publish(*, actor: User, request: HttpRequest, record: ImpactRecord, publish: bool) -> ImpactRecord:
    with transaction.atomic():
        record.is_published = publish
        record.published_at = timezone.now() if publish else None
        record.save(update_fields=["is_published", "published_at", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=record, request=request, detail={"published": publish}
        )
    return record


def impact_shared_back(
    *, actor: User, request: HttpRequest, record: ImpactRecord, shared_back_on: date, shared_back_how: str
) -> ImpactRecord:
    with transaction.atomic():
        record.shared_back_on, record.shared_back_how = shared_back_on, shared_back_how
        record.full_clean()
        record.save(update_fields=["shared_back_on", "shared_back_how", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=record,
            request=request,
            detail={"shared back": f"{shared_back_on.isoformat()}: {shared_back_how}"},
        )
    return record


def impact_update_add(
    *, actor: User, request: HttpRequest, record: ImpactRecord, status: str, note: str, on: date
) -> ImpactUpdate:
    """Record where a "you said, we did" record stands and, unless an update dated later says
    otherwise (this one fills in the past), move it to ``status``; "not doing" needs a reason."""
    with transaction.atomic():
        update = ImpactUpdate(record=record, status=status, note=note.strip(), by=actor, on=on)
        update.full_clean()
        later = record.updates.filter(on__gt=on).exists()
        update.save()
        if not later:
            record.status = status
            record.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=record,
            request=request,
            detail={"status": status, "note": bool(update.note)},
        )
    return update


def impact_participants(record: ImpactRecord) -> QuerySet[Person]:
    """Everyone from the directory who came to the activities the record came from."""
    return (
        Person.objects.filter(
            attendance__activity__in=record.activities.all(),
            attendance__attended=True,
            merged_into__isnull=True,
            erased_at__isnull=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def checkpoint_add(
    *, actor: User, request: HttpRequest, project: Project, stage: Stage, group: Any, due_on: date
) -> Checkpoint:
    with transaction.atomic():
        checkpoint = Checkpoint(project=project, stage=stage, group=group, due_on=due_on)
        checkpoint.full_clean()
        checkpoint.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=project,
            request=request,
            detail={"checkpoint": f"{group} by {due_on.isoformat()} ({stage})"},
        )
    return checkpoint


def checkpoint_waive(*, actor: User, request: HttpRequest, checkpoint: Checkpoint, reason: str) -> Checkpoint:
    """Waive a checkpoint with a reason, or reinstate it with an empty reason."""
    with transaction.atomic():
        checkpoint.waived_reason = reason.strip()
        checkpoint.waived_by = actor if checkpoint.waived_reason else None
        checkpoint.save(update_fields=["waived_reason", "waived_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=checkpoint.project,
            request=request,
            detail={
                "checkpoint": f"{checkpoint.group} ({checkpoint.stage_id})",
                "waived": checkpoint.waived_reason or "reinstated",
            },
        )
    return checkpoint


def commitment_save(
    *, actor: User, request: HttpRequest, commitment: Commitment | None, **fields: Any
) -> Commitment:
    """Create or change a commitment; a change of status is kept as an update, so the
    history of its progress is complete however it was changed."""
    relations = {name: fields.pop(name, None) for name in ("activities", "consultations")}
    evidence_title, evidence_url = fields.pop("evidence_title", ""), fields.pop("evidence_url", "")
    before = commitment.status if commitment is not None else None
    with transaction.atomic():
        saved = record_save(
            actor=actor,
            request=request,
            record=commitment or Commitment(),
            fields=fields,
            relations=relations,
        )
        if evidence_title and evidence_url:
            evidence = CommitmentEvidence(commitment=saved, title=evidence_title, url=evidence_url)
            evidence.full_clean()
            evidence.save()
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=saved,
                request=request,
                detail={"evidence": evidence_url},
            )
        if before is not None and saved.status != before:
            # No note of its own: pages say "Status changed" in the reader's language.
            CommitmentUpdate.objects.create(
                commitment=saved, status=saved.status, note=saved.status_reason, by=actor
            )
    return saved


def commitment_evidence_remove(*, actor: User, request: HttpRequest, evidence: CommitmentEvidence) -> None:
    """Take an evidence link off its commitment; the audit log keeps what it linked to."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=evidence.commitment,
            request=request,
            detail={"evidence removed": f"{evidence.title} ({evidence.url})"},
        )
        evidence.delete()


def commitment_update_add(
    *, actor: User, request: HttpRequest, commitment: Commitment, status: str, note: str, on: date
) -> CommitmentUpdate:
    """Record progress on a commitment and, unless an update dated later says otherwise
    (this one fills in the past), move it to ``status``; for "not doing" the note is the reason."""
    with transaction.atomic():
        update = CommitmentUpdate(commitment=commitment, status=status, note=note.strip(), by=actor, on=on)
        update.full_clean()
        later = commitment.updates.filter(on__gt=on).exists()
        update.save()
        if not later:
            commitment.status = status
            commitment.status_reason = update.note if status == Commitment.Status.NOT_DOING else ""
            commitment.full_clean()
            commitment.save(update_fields=["status", "status_reason", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=commitment,
            request=request,
            detail={"status": status, "note": True},
        )
    return update


def commitment_publish(
    *, actor: User, request: HttpRequest, commitment: Commitment, publish: bool
) -> Commitment:
    with transaction.atomic():
        commitment.is_published = publish
        commitment.save(update_fields=["is_published", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=commitment,
            request=request,
            detail={"published": publish},
        )
    return commitment
