"""Check-in at the door: each registration's code (in a QR code in the confirmation), marking
people arrived and not arrived, and adding people who walk in.

Several staff check people in at once: arriving is a conditional update (only a
registration not yet arrived changes), so two staff marking the same person record one
arrival and neither sees an error.
"""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING

import segno
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.directory.normalise import normalise_email
from chorus.engagement.models import Activity, Attendance
from chorus.events.models import Registration, RegistrationSettings

if TYPE_CHECKING:
    from django.http import HttpRequest

    from chorus.accounts.models import User

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud or typed from a phone, a code is not misread.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8


# Codes ----------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def checkin_code(registration: Registration) -> str:
    """The registration's check-in code, given now if it has none yet (once: a code given by
    another request first is the one kept)."""
    if registration.checkin_code:
        return registration.checkin_code
    for _attempt in range(5):
        code = _new_code()
        try:
            with transaction.atomic():
                given = Registration.objects.filter(pk=registration.pk, checkin_code__isnull=True).update(
                    checkin_code=code
                )
        except IntegrityError:  # the same code drawn twice: draw again
            continue
        if not given:
            code = Registration.objects.values_list("checkin_code", flat=True).get(pk=registration.pk) or ""
        registration.checkin_code = code
        return code
    raise RuntimeError("No free check-in code")  # pragma: no cover (25^8 codes)


def code_shown(code: str) -> str:
    """A code as people read it: two groups of four."""
    return f"{code[:4]}-{code[4:]}" if code else ""


def code_typed(text: str) -> str:
    """What was typed or scanned, as the code is kept: capitals, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def qr_svg(code: str, title: str) -> str:
    """The code as an inline SVG QR code (no image to fetch)."""
    return str(segno.make(code_shown(code), error="m").svg_inline(scale=8, title=title))


def qr_png_base64(code: str) -> str:
    """The code as a PNG QR code, base64 encoded (an email attachment is task arguments)."""
    from io import BytesIO

    buffer = BytesIO()
    segno.make(code_shown(code), error="m").save(buffer, kind="png", scale=8, border=4)
    return base64.b64encode(buffer.getvalue()).decode()


# The list at the door -------------------------------------------------------------------


def checkin_list(activity: Activity, query: str = "") -> QuerySet[Registration]:
    """Who may be checked in (anyone still registered, and walk-ins), found by name, email
    or code."""
    registrations = Registration.objects.filter(activity=activity).filter(
        Q(status__in=Registration.ACTIVE) | Q(arrived_at__isnull=False)
    )
    query = query.strip()
    if query:
        typed = code_typed(query)
        found = Q(name__icontains=query) | Q(email__icontains=query)
        if len(typed) == LENGTH:
            found |= Q(checkin_code=typed)
        registrations = registrations.filter(found)
    return registrations.select_related("person").order_by("name", "id")


def checkin_counts(activity: Activity) -> tuple[int, int]:
    """(arrived, expected): expected is everyone with a confirmed place, and walk-ins."""
    registrations = Registration.objects.filter(activity=activity)
    arrived = registrations.filter(arrived_at__isnull=False).count()
    expected = registrations.filter(status=Registration.Status.CONFIRMED).count()
    return arrived, expected


def registration_by_code(activity: Activity, text: str) -> Registration | None:
    code = code_typed(text)
    if len(code) != LENGTH:
        return None
    return Registration.objects.filter(activity=activity, checkin_code=code).first()


# Arriving -------------------------------------------------------------------------------


def _attended(registration: Registration, attended: bool) -> None:
    if registration.person_id is None:
        return
    Attendance.objects.update_or_create(
        activity_id=registration.activity_id,
        person_id=registration.person_id,
        defaults={"attended": attended},
    )


def registration_arrive(*, actor: User, request: HttpRequest | None, registration: Registration) -> bool:
    """Mark someone arrived. False when they already were (another member of staff was
    first): one arrival, no error."""
    with transaction.atomic():
        # Only a confirmed place can arrive (walk-ins are given one first).
        arrived = Registration.objects.filter(
            pk=registration.pk, arrived_at__isnull=True, status=Registration.Status.CONFIRMED
        ).update(arrived_at=timezone.now(), updated_at=timezone.now())
        registration.refresh_from_db()
        if not arrived:
            return False
        _attended(registration, True)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=registration,
            request=request,
            detail={"activity": registration.activity.title, "attended": True},
        )
    return True


def registration_not_arrived(*, actor: User, request: HttpRequest | None, registration: Registration) -> bool:
    """Undo an arrival marked by mistake. False when they were not marked arrived."""
    with transaction.atomic():
        undone = Registration.objects.filter(pk=registration.pk, arrived_at__isnull=False).update(
            arrived_at=None, updated_at=timezone.now()
        )
        registration.refresh_from_db()
        if not undone:
            return False
        _attended(registration, False)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=registration,
            request=request,
            detail={"arrival undone": registration.activity.title},
        )
    return True


class PlacesFull(Exception):
    """Every place is taken: a walk-in would go over the number of places."""

    def __init__(self, taken: int, capacity: int, arrived: int) -> None:
        super().__init__(f"{taken} of {capacity} places taken")
        self.taken, self.capacity, self.arrived = taken, capacity, arrived


def places_full(activity: Activity) -> PlacesFull | None:
    """Whether every place the event has is taken (None when there is a place, or no limit)."""
    settings_ = RegistrationSettings.objects.filter(activity=activity).first()
    if settings_ is None:
        return None
    taken = Registration.objects.filter(activity=activity, status__in=Registration.HOLDING).count()
    if taken < settings_.capacity:
        return None
    arrived = Registration.objects.filter(activity=activity, arrived_at__isnull=False).count()
    return PlacesFull(taken, settings_.capacity, arrived)


def _confirmed_at_the_door(
    actor: User, request: HttpRequest | None, registration: Registration, *, over_places: bool
) -> Registration:
    """Someone registered but without a confirmed place (waiting, awaiting confirmation or
    offered one) who came: their registration is confirmed and marked arrived. Called in
    ``walk_in_add``'s transaction, with the places counted."""
    now = timezone.now()
    Registration.objects.filter(pk=registration.pk).update(
        status=Registration.Status.CONFIRMED, offer_expires_at=None, arrived_at=now, updated_at=now
    )
    registration.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=registration,
        request=request,
        detail={
            "activity": registration.activity.title,
            "attended": True,
            "place confirmed at the door": True,
        }
        | ({"over the number of places": True} if over_places else {}),
    )
    _attended(registration, True)
    return registration


def registered_with(activity: Activity, email: str) -> Registration | None:
    """The live registration for the event from ``email`` (compared as registering compares
    addresses), if there is one: a walk-in with that address is them arriving."""
    normalised = normalise_email(email.strip()) if email.strip() else ""
    if not normalised:
        return None
    return Registration.objects.filter(
        activity=activity, email_normalised=normalised, status__in=Registration.ACTIVE
    ).first()


def walk_in_add(
    *,
    actor: User,
    request: HttpRequest | None,
    activity: Activity,
    name: str,
    email: str,
    language: str,
    over_places: bool = False,
) -> Registration:
    """Someone who came without registering: a registration that has arrived, matched to the
    directory as registrants are (with the consent they gave at the door). Someone already
    registered with that address is marked arrived instead. Raises ``PlacesFull`` when every
    place is taken, unless staff chose to add them anyway (``over_places``)."""
    # Imported here: matching reads the services, which notices and this module sit beside.
    from chorus.events.matching import registration_match_directory

    email = email.strip()
    normalised = normalise_email(email) if email else ""
    existing = registered_with(activity, email)
    if existing is not None and existing.status == Registration.Status.CONFIRMED:
        registration_arrive(actor=actor, request=request, registration=existing)
        return existing
    with transaction.atomic():
        # Counted with the settings row locked, as registering counts places.
        RegistrationSettings.objects.select_for_update().filter(activity=activity).first()
        # Looked up again under the lock: an offer may have lapsed (and its place gone to the
        # next person waiting), or the registration been cancelled, since the look above.
        existing = registered_with(activity, email)
        if existing is not None and existing.status == Registration.Status.CONFIRMED:
            registration_arrive(actor=actor, request=request, registration=existing)
            return existing
        # Someone whose place is held (awaiting confirmation, or offered) takes no extra place.
        full = None if existing is not None and existing.holds_place else places_full(activity)
        if full is not None and not over_places:
            raise full
        if existing is not None:
            return _confirmed_at_the_door(actor, request, existing, over_places=full is not None)
        registration = Registration(
            activity=activity,
            name=name.strip()[:200],
            email=email,
            language=language if language in ("en", "cy") else "en",
            status=Registration.Status.CONFIRMED,
            walk_in=True,
            arrived_at=timezone.now(),
        )
        # Without an address, a key of its own: the live-registration constraint is per address.
        registration.email_normalised = normalised or f"walk-in:{registration.code}"
        registration.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=registration,
            request=request,
            object_repr=str(activity),
            detail={"activity": activity.title, "attended": True}
            | ({"over the number of places": True} if full is not None else {}),
        )
    registration_match_directory(registration.pk)
    registration.refresh_from_db()
    _attended(registration, True)
    return registration
