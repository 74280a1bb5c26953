"""Registration for events: opening it, registering, the waiting list, and staff decisions.

Every change to who holds a place runs with the activity's ``RegistrationSettings`` row
locked (``select_for_update`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
writers), so places are counted and given by one transaction at a time: the last place is
never given twice. A live registration is unique per activity and email address, and the
journey's submission token is unique, so a double submit or a retried confirmation
registers once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.core.audit import audit_record
from chorus.core.links import code_from_token, code_token
from chorus.core.models import AuditAction
from chorus.core.tasks import enqueue_after_commit
from chorus.directory.normalise import normalise_email
from chorus.engagement.models import Activity, Attendance
from chorus.events import notices
from chorus.events.adjustments import registration_adjustments_carry
from chorus.events.models import CustomQuestion, Registration, RegistrationSettings
from chorus.events.tasks import registration_match

if TYPE_CHECKING:
    from django.http import HttpRequest

    from chorus.accounts.models import User

LINK_SALT = "chorus.events.registration"


class RegistrationRefused(Exception):
    """Registration is not open: ``state`` is "closed" or "not_yet"."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


# Personal links --------------------------------------------------------------------------


def registration_token(registration: Registration) -> str:
    """The secret in a registrant's personal link: their registration's code, signed."""
    return code_token(registration, LINK_SALT)


def registration_from_token(token: str) -> Registration | None:
    """The registration a personal link names, or None for a link altered or made up."""
    code = code_from_token(token, LINK_SALT)
    if code is None:
        return None
    return (
        Registration.objects.select_related("activity", "activity__registration_settings")
        .filter(code=code)
        .first()
    )


# Settings -------------------------------------------------------------------------------


def registration_settings_save(
    *,
    actor: User,
    request: HttpRequest | None,
    activity: Activity,
    values: dict[str, Any],
    custom: list[dict[str, Any]],
    booked_support: list[str] | None = None,
) -> RegistrationSettings:
    """Open or change registration on ``activity``. ``custom``: the custom questions in
    order (label, label_cy, required); a blank label removes that question. Raising the
    number of places offers the new ones to the waiting list. ``booked_support``, when
    given, is the support arranged (``AdjustmentCategory`` values), kept on the activity so
    that its check of needs not yet met counts it."""
    with transaction.atomic():
        settings_ = RegistrationSettings.objects.select_for_update().filter(activity=activity).first()
        created = settings_ is None
        if settings_ is None:
            settings_ = RegistrationSettings(activity=activity)
        for name, value in values.items():
            setattr(settings_, name, value)
        settings_.full_clean()
        held = 0 if created else _places_taken(activity.pk)
        if settings_.capacity < held:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(held)s people already have places. Enter %(held)s or more, or move people "
                        "to the waiting list first"
                    )
                    % {"held": held}
                }
            )
        settings_.save()
        kept = list(settings_.custom_questions.all())
        for order, question in enumerate(q for q in custom if q["label"].strip()):
            # Questions keep their rows (answers are kept by the question's id) in order.
            row = kept.pop(0) if kept else CustomQuestion(settings=settings_)
            row.label, row.label_cy, row.required, row.order = (
                question["label"].strip(),
                question.get("label_cy", "").strip(),
                bool(question.get("required")),
                order,
            )
            row.save()
        for row in kept:
            row.delete()
        _offer_free_places(settings_)
        if booked_support is not None and sorted(booked_support) != sorted(activity.booked_support):
            activity.booked_support = sorted(set(booked_support))
            activity.save(update_fields=["booked_support", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            obj=activity,
            request=request,
            object_type="events.registrationsettings",
            detail={
                "registration": "opened" if created else "changed",
                "places": settings_.capacity,
                "approval": settings_.needs_approval,
                "open": settings_.is_open,
                "support booked": activity.booked_support,
            },
        )
    return settings_


def registrants_shown(*, actor: User, request: HttpRequest, activity: Activity, count: int) -> None:
    """Record that a page showed ``count`` of the activity's registrants (their personal
    data) to ``actor``: the registrations list and the check-in page say it the same way."""
    if not count:
        return
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=activity,
        request=request,
        object_type="events.registration",
        detail={"registrants shown": count},
    )


# Counting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    capacity: int
    confirmed: int
    pending: int
    offered: int
    waiting: int
    cancelled: int

    @property
    def taken(self) -> int:
        return self.confirmed + self.pending + self.offered

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


def registration_counts(settings_: RegistrationSettings) -> Counts:
    by_status = dict(
        Registration.objects.filter(activity_id=settings_.activity_id)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return Counts(
        capacity=settings_.capacity,
        confirmed=by_status.get(Registration.Status.CONFIRMED, 0),
        pending=by_status.get(Registration.Status.PENDING, 0),
        offered=by_status.get(Registration.Status.OFFERED, 0),
        waiting=by_status.get(Registration.Status.WAITING, 0),
        cancelled=sum(
            by_status.get(s, 0)
            for s in (Registration.Status.CANCELLED, Registration.Status.DECLINED, Registration.Status.LAPSED)
        ),
    )


def _places_taken(activity_id: int) -> int:
    return Registration.objects.filter(activity_id=activity_id, status__in=Registration.HOLDING).count()


def _locked(activity_id: int) -> RegistrationSettings:
    return (
        RegistrationSettings.objects.select_for_update()
        .select_related("activity")
        .get(activity_id=activity_id)
    )


# Attendance -----------------------------------------------------------------------------


def attendance_sync(registration: Registration) -> None:
    """Keep the person's attendance in step with their registration: a place (confirmed or
    waiting for approval) is "accepted", as a sign-up list imports it; giving it up is
    "declined"; waiting for a place is not yet attendance."""
    if registration.person_id is None:
        return
    if registration.status in (Registration.Status.CONFIRMED, Registration.Status.PENDING):
        Attendance.objects.update_or_create(
            activity_id=registration.activity_id,
            person_id=registration.person_id,
            # Someone checked in before they were matched came (``checkin``).
            defaults={"invitation": Attendance.Invitation.ACCEPTED}
            | ({"attended": True} if registration.arrived_at else {}),
        )
        return
    invitation = (
        Attendance.Invitation.NOT_INVITED
        if registration.status in (Registration.Status.WAITING, Registration.Status.OFFERED)
        else Attendance.Invitation.DECLINED
    )
    Attendance.objects.filter(
        activity_id=registration.activity_id, person_id=registration.person_id, attended=False
    ).update(invitation=invitation, updated_at=timezone.now())


# Registering ----------------------------------------------------------------------------


def registration_create(
    *,
    activity: Activity,
    name: str,
    email: str,
    language: str,
    answers: dict[str, str],
    adjustments: str = "",
    adjustment_categories: list[str] | None = None,
    adjustments_share: list[str] | None = None,
    submission: str | None = None,
) -> tuple[Registration, bool]:
    """Register someone: a place while there is one (waiting for approval if staff approve
    each), otherwise the waiting list. Returns the registration and whether it is new: the
    same submission, or the same address already registered, returns the one there is.
    Raises ``RegistrationRefused`` when registration is not open."""
    normalised = normalise_email(email)
    try:
        with transaction.atomic():
            settings_ = _locked(activity.pk)
            existing = (
                Registration.objects.filter(submission=submission).first() if submission else None
            ) or Registration.objects.filter(
                activity=activity, email_normalised=normalised, status__in=Registration.ACTIVE
            ).first()
            if existing is not None:
                return existing, False
            state = settings_.state()
            if state != "open":
                raise RegistrationRefused(state)
            if _places_taken(activity.pk) < settings_.capacity:
                status = (
                    Registration.Status.PENDING if settings_.needs_approval else Registration.Status.CONFIRMED
                )
            else:
                status = Registration.Status.WAITING
            registration = Registration.objects.create(
                activity=activity,
                name=name.strip()[:200],
                email=email.strip(),
                email_normalised=normalised,
                language=language if language in ("en", "cy") else "en",
                status=status,
                answers=answers,
                adjustments=adjustments.strip(),
                adjustment_categories=adjustment_categories or [],
                adjustments_share=adjustments_share or [],
                submission=submission or None,
            )
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=registration,
                object_repr=str(activity),
                detail={"status": status},
            )
            notices.registration_received(registration, token=registration_token(registration))
            enqueue_after_commit(registration_match, registration_id=registration.pk)
    except IntegrityError:
        # Another request registered the same submission or address a moment before
        # (the lock makes this rare; the constraints make it harmless).
        found = (
            Registration.objects.filter(submission=submission).first() if submission else None
        ) or Registration.objects.filter(
            activity=activity, email_normalised=normalised, status__in=Registration.ACTIVE
        ).first()
        if found is None:
            raise
        return found, False
    return registration, True


def registration_update_answers(
    *,
    registration: Registration,
    name: str,
    answers: dict[str, str],
    adjustments: str,
    adjustment_categories: list[str],
    adjustments_share: list[str] | None = None,
) -> Registration:
    """The registrant changes their answers from their personal link; needs they add reach
    their adjustments record when they are in the directory already."""
    with transaction.atomic():
        registration.name = name.strip()[:200]
        registration.answers = answers
        registration.adjustments = adjustments.strip()
        registration.adjustment_categories = adjustment_categories
        if adjustments_share is not None:
            registration.adjustments_share = adjustments_share
        registration.save(
            update_fields=[
                "name",
                "answers",
                "adjustments",
                "adjustment_categories",
                "adjustments_share",
                "updated_at",
            ]
        )
        registration_adjustments_carry(registration=registration)
        audit_record(
            actor=None,
            action=AuditAction.CHANGE,
            obj=registration,
            detail={"answers": "changed by registrant"},
        )
    return registration


def registration_cancel(
    *, registration: Registration, actor: User | None = None, request: HttpRequest | None = None
) -> bool:
    """Give up a place or a place on the waiting list; a freed place is offered to the next
    person waiting. False when there was nothing to cancel (cancelled already)."""
    with transaction.atomic():
        settings_ = _locked(registration.activity_id)
        registration.refresh_from_db()
        if not registration.is_active:
            return False
        held = registration.holds_place
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "cancelled_at", "offer_expires_at", "updated_at"])
        attendance_sync(registration)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=registration,
            request=request,
            detail={"status": "cancelled"},
        )
        notices.registration_cancelled(registration)
        if held:
            _offer_free_places(settings_)
    return True


def registration_accept_offer(*, registration: Registration, now: datetime | None = None) -> bool:
    """Take up a place offered from the waiting list, while the offer stands."""
    now = now or timezone.now()
    with transaction.atomic():
        settings_ = _locked(registration.activity_id)
        registration.refresh_from_db()
        if registration.status != Registration.Status.OFFERED:
            return False
        if registration.offer_expires_at and registration.offer_expires_at <= now:
            _lapse(registration)
            _offer_free_places(settings_, now=now)
            return False
        registration.status = (
            Registration.Status.PENDING if settings_.needs_approval else Registration.Status.CONFIRMED
        )
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        attendance_sync(registration)
        audit_record(
            actor=None, action=AuditAction.CHANGE, obj=registration, detail={"status": "offer accepted"}
        )
        notices.place_confirmed(registration, token=registration_token(registration))
    return True


def _lapse(registration: Registration) -> None:
    registration.status = Registration.Status.LAPSED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    audit_record(actor=None, action=AuditAction.CHANGE, obj=registration, detail={"status": "offer lapsed"})
    notices.offer_lapsed(registration)


def _offer_free_places(
    settings_: RegistrationSettings, *, now: datetime | None = None, passed_over: int | None = None
) -> int:
    """Offer each free place to the next person waiting (the settings row is locked).
    ``passed_over``: the registration staff have just moved off their place, which is not
    offered straight back to them."""
    now = now or timezone.now()
    if now >= settings_.activity.starts_at:
        return 0
    free = settings_.capacity - _places_taken(settings_.activity_id)
    if free <= 0:
        return 0
    waiting = Registration.objects.filter(
        activity_id=settings_.activity_id, status=Registration.Status.WAITING
    )
    if passed_over is not None:
        waiting = waiting.exclude(pk=passed_over)
    waiting = waiting.order_by("queued_at", "id")
    expires = min(now + timedelta(hours=settings_.offer_hours), settings_.activity.starts_at)
    offered = list(waiting[:free])
    for registration in offered:
        registration.status = Registration.Status.OFFERED
        registration.offer_expires_at = expires
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        audit_record(
            actor=None, action=AuditAction.CHANGE, obj=registration, detail={"status": "place offered"}
        )
        notices.place_offered(registration, token=registration_token(registration))
    return len(offered)


def offers_lapse(now: datetime | None = None) -> int:
    """Lapse offers not taken up in time and offer their places to the next people; also
    offer any place left free (after staff moved someone, or added places). Returns the
    number of offers lapsed."""
    now = now or timezone.now()
    lapsed = 0
    activity_ids = set(
        Registration.objects.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lte=now
        ).values_list("activity_id", flat=True)
    ) | set(
        Registration.objects.filter(
            status=Registration.Status.WAITING, activity__starts_at__gt=now
        ).values_list("activity_id", flat=True)
    )
    for activity_id in sorted(activity_ids):
        with transaction.atomic():
            settings_ = _locked(activity_id)
            for registration in Registration.objects.filter(
                activity_id=activity_id, status=Registration.Status.OFFERED, offer_expires_at__lte=now
            ):
                _lapse(registration)
                lapsed += 1
            _offer_free_places(settings_, now=now)
    return lapsed


# Staff decisions ------------------------------------------------------------------------


def registration_decide(
    *, actor: User, request: HttpRequest | None, registration: Registration, decision: str
) -> Registration:
    """Staff approve or decline a registration, move someone to the waiting list, or give
    someone waiting a place. Raises ValidationError saying why a decision cannot be made."""
    with transaction.atomic():
        settings_ = _locked(registration.activity_id)
        registration.refresh_from_db()
        status = registration.status
        registration.status = _decided(registration, settings_, decision)
        if registration.status == Registration.Status.WAITING:
            registration.queued_at = timezone.now()
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "queued_at", "offer_expires_at", "updated_at"])
        attendance_sync(registration)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=registration,
            request=request,
            detail={"decision": decision, "from": status, "to": registration.status},
        )
        token = registration_token(registration)
        if registration.status == Registration.Status.CONFIRMED:
            notices.place_confirmed(registration, token=token)
        elif registration.status == Registration.Status.DECLINED:
            notices.registration_declined(registration)
            _offer_free_places(settings_)
        elif registration.status == Registration.Status.WAITING:
            notices.moved_to_waiting_list(registration, token=token)
            # The place they held goes to the next person waiting, as a cancelled one does.
            _offer_free_places(settings_, passed_over=registration.pk)
    return registration


def _decided(registration: Registration, settings_: RegistrationSettings, decision: str) -> str:
    """The status a staff decision leads to, or ValidationError saying why it cannot be made."""
    status = registration.status
    if decision == "approve":
        if status != Registration.Status.PENDING:
            raise ValidationError(_("Only a registration waiting for approval can be approved."))
        return Registration.Status.CONFIRMED
    if decision == "decline":
        if status not in Registration.ACTIVE:
            raise ValidationError(_("This registration has already ended."))
        return Registration.Status.DECLINED
    if decision == "to_waiting_list":
        if status not in Registration.HOLDING:
            raise ValidationError(_("Only someone with a place can be moved to the waiting list."))
        return Registration.Status.WAITING
    if decision == "give_place":
        if status not in (
            Registration.Status.WAITING,
            Registration.Status.LAPSED,
            Registration.Status.OFFERED,
        ):
            raise ValidationError(_("Only someone waiting for a place can be given one."))
        if (
            status != Registration.Status.OFFERED
            and _places_taken(registration.activity_id) >= settings_.capacity
        ):
            raise ValidationError(
                _("Every place is taken. Move someone to the waiting list or add places first.")
            )
        return Registration.Status.CONFIRMED
    raise ValidationError(_("Choose what to do."))


# Adjustments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationAdjustments:
    """What a registrant asked for to take part: categories (``AdjustmentCategory`` values) and
    their own words. Read through ``registration_adjustments`` by whatever carries them to
    the person's adjustments record."""

    categories: list[str]
    text: str

    def __bool__(self) -> bool:
        return bool(self.categories or self.text)


def registration_adjustments(registration: Registration) -> RegistrationAdjustments:
    return RegistrationAdjustments(
        categories=list(registration.adjustment_categories), text=registration.adjustments
    )
