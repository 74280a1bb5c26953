"""Writes to engagement records: validated, atomic and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.directory.models import Person
from chorus.engagement.models import Activity, Attendance, Material, Project

if TYPE_CHECKING:
    from chorus.accounts.models import User

M2M = ("projects", "regions", "groups", "topics")


def project_save(*, actor: User, request: HttpRequest, project: Project | None, **fields: Any) -> Project:
    with transaction.atomic():
        created = project is None
        project = project or Project()
        for name, value in fields.items():
            setattr(project, name, value)
        project.full_clean()
        project.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            obj=project,
            request=request,
        )
    return project


def activity_save(*, actor: User, request: HttpRequest, activity: Activity | None, **fields: Any) -> Activity:
    with transaction.atomic():
        created = activity is None
        activity = activity or Activity(organiser=actor)
        relations = {name: fields.pop(name) for name in M2M if name in fields}
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.full_clean()
        activity.save()
        for name, values in relations.items():
            getattr(activity, name).set(values)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            obj=activity,
            request=request,
        )
    return activity


def attendance_set(
    *, actor: User, request: HttpRequest, activity: Activity, person: Person, invitation: str, attended: bool
) -> Attendance:
    """Add a person to an activity's list, or change their status; the person's record shows it."""
    with transaction.atomic():
        attendance, created = Attendance.objects.update_or_create(
            activity=activity, person=person, defaults={"invitation": invitation, "attended": attended}
        )
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
