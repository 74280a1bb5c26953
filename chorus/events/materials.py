"""An event's materials as files (slides, notes, recordings; links stay engagement's
``Material``), published on the public event page once it has happened, and telling those
who registered but did not come where to find them: once each, in their language."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.accounts.models import User
from chorus.core.access import can_change
from chorus.core.audit import audit_record
from chorus.core.email import email_send_later
from chorus.core.models import AuditAction
from chorus.core.registry import PageSection, page_section
from chorus.core.tasks import background, enqueue_after_commit
from chorus.engagement.models import Activity, Attendance
from chorus.events.models import MaterialFile, Registration, RegistrationSettings

if TYPE_CHECKING:
    from django.http import HttpRequest


def material_file_add(
    *,
    actor: User,
    request: HttpRequest | None,
    activity: Activity,
    title: str,
    title_cy: str,
    upload: UploadedFile,
) -> MaterialFile:
    with transaction.atomic():
        material = MaterialFile(
            activity=activity,
            title=title.strip(),
            title_cy=title_cy.strip(),
            file=upload,
            original_name=(upload.name or "")[:255],
            size=upload.size or 0,
            added_by=actor,
        )
        material.full_clean()
        material.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=activity,
            request=request,
            detail={"material": material.title},
        )
    return material


def material_file_remove(*, actor: User, request: HttpRequest | None, material: MaterialFile) -> None:
    """Take a file off the event (and out of storage, once the removal is committed)."""
    activity = material.activity
    with transaction.atomic():
        name, stored = material.title, material.file.name
        material.delete()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=activity,
            request=request,
            detail={"material removed": name},
        )
        if stored:
            storage = material.file.storage
            transaction.on_commit(lambda: storage.delete(stored))


def has_happened(activity: Activity) -> bool:
    return activity.starts_at <= timezone.now()


def has_materials(activity: Activity) -> bool:
    return activity.material_files.exists() or activity.materials.exists()


def no_shows(activity: Activity) -> QuerySet[Registration]:
    """Who had a place but did not come, and has not been told about the materials yet.

    Someone not checked in at the door but marked as came on the activity's list of
    attendees (by hand or from a sign-up sheet) came: they are not told they were missed."""
    came = Attendance.objects.filter(activity=activity, person=OuterRef("person"), attended=True)
    return (
        Registration.objects.filter(
            activity=activity,
            status=Registration.Status.CONFIRMED,
            arrived_at__isnull=True,
            materials_sent_at__isnull=True,
            walk_in=False,
        )
        .exclude(email="")
        .exclude(Exists(came))
    )


def materials_tell(*, actor: User, request: HttpRequest | None, activity: Activity) -> int:
    """Queue the emails to those who registered but did not come. Returns how many are to be told."""
    count = no_shows(activity).count()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=activity,
            request=request,
            detail={"materials sent": count},
        )
        if count:
            RegistrationSettings.objects.filter(activity=activity).update(
                materials_requested_at=timezone.now()
            )
        enqueue_after_commit(materials_notify, activity_id=activity.pk)
    return count


# How long the page says the emails are on their way before offering the button again (a
# worker that was down by then sends to those not yet told; nobody is told twice).
SENDING_FOR = timedelta(hours=1)


def materials_sending(activity: Activity) -> bool:
    """Whether staff asked for the materials emails within ``SENDING_FOR`` and some are still
    to go."""
    since = timezone.now() - SENDING_FOR
    asked = RegistrationSettings.objects.filter(activity=activity, materials_requested_at__gte=since).exists()
    return asked and no_shows(activity).exists()


@background(queue="email")
def materials_notify(*, activity_id: int) -> int:
    """Email each person not yet told (a rerun tells nobody twice). Returns how many were told."""
    activity = Activity.objects.get(pk=activity_id)
    told = 0
    for registration_id in list(no_shows(activity).values_list("pk", flat=True)):
        with transaction.atomic():
            # Only the run that records the sending sends: once per person, whatever reruns.
            if not Registration.objects.filter(pk=registration_id, materials_sent_at__isnull=True).update(
                materials_sent_at=timezone.now()
            ):
                continue
            registration = Registration.objects.get(pk=registration_id)
            _send(registration, activity)
            told += 1
    return told


def _send(registration: Registration, activity: Activity) -> None:
    with translation.override(registration.language):
        title = activity.title_for(registration.language)
        context = {
            "registration": registration,
            "title": title,
            "url": settings.CHORUS_BASE_URL
            + reverse("events:public_materials", kwargs={"code": activity.code}),
            "service_name": settings.CHORUS_SERVICE_NAME_CY
            if registration.language == "cy"
            else settings.CHORUS_SERVICE_NAME,
            "support_email": settings.CHORUS_SUPPORT_EMAIL,
        }
        subject = _("Materials from %(title)s") % {"title": title}
        body = render_to_string("events/email/materials.txt", context)
    email_send_later(to=[registration.email], subject=subject, body=body)


# Sections of engagement's pages -------------------------------------------------------


@page_section("public_event")
def public_event_materials(user: object, subject: object) -> PageSection | None:
    if not isinstance(subject, Activity) or not has_happened(subject):
        return None
    language = translation.get_language() or "en"
    files = [m.title_for(language) for m in subject.material_files.all()]
    if not files:
        return None
    return PageSection(
        heading=_("Files from the event"),
        lines=files,
        empty="",
        link_url=reverse("events:public_materials", kwargs={"code": subject.code}),
        link_text=_("Download the files"),
    )


@page_section("activity")
def activity_checkin(user: object, subject: object) -> PageSection | None:
    """The check-in page, for those who may check people in, once people have registered."""
    if not isinstance(subject, Activity) or subject.is_broadcast:
        return None
    if not isinstance(user, User) or not can_change(user, subject):
        return None
    if not Registration.objects.filter(activity=subject).exists():
        return None
    return PageSection(
        heading=_("Check-in"),
        lines=[],
        empty=_("Check people in at the door on a phone or tablet, and add people who walk in."),
        link_url=reverse("events:checkin", kwargs={"code": subject.code}),
        link_text=_("Check people in"),
    )


@page_section("activity")
def activity_materials(user: object, subject: object) -> PageSection | None:
    if not isinstance(subject, Activity) or subject.is_broadcast:
        return None
    if not isinstance(user, User) or not can_change(user, subject):
        return None
    files = [m.title for m in subject.material_files.all()]
    return PageSection(
        heading=_("Files from the event"),
        lines=files,
        empty=_("Upload slides, notes and recordings, and tell those who did not come where to find them."),
        link_url=reverse("events:materials", kwargs={"code": subject.code}),
        link_text=_("Files and who has been told"),
    )
