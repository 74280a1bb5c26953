"""Reasonable adjustments: what a person needs to take part, in their control.

Writes (``adjustments_save``, ``adjustments_withdraw``) validate, write in one transaction
and audit against the person, so that their timeline, subject access file and erasure see
every view and change. Reads for others go through the sharing the person chose:
``briefing_rows`` (the event team), ``adjustments_for_service`` (other services). The
check before an event, ``unmet_adjustments``, compares needs with a venue's facilities
and the support booked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.core.access import visible_to
from chorus.core.audit import audit_record
from chorus.core.email import email_send_later
from chorus.core.models import AuditAction
from chorus.directory.models import (
    Adjustment,
    AdjustmentCategory,
    AdjustmentsRecord,
    ContactPoint,
    Person,
    Place,
)

if TYPE_CHECKING:
    from chorus.accounts.models import User

Category = AdjustmentCategory
Source = AdjustmentsRecord.Source

# Who may see a record, as the person chose: the keys a form offers, and the fields they set.
SHARING = {
    "event_team": "share_event_team",
    "venue": "share_venue",
    "other_services": "share_other_services",
}
# How long an emailed link to see or change one's adjustments works.
LINK_MAX_AGE = timedelta(days=7)
LINK_SALT = "chorus.directory.adjustments.link"
# What the audit log names a person acting through their own link as.
PERSON_ACTOR = "The person, through their emailed link"
# ... and someone asking for that link on the public page (the person, presumably).
LINK_ASKED_FOR = "Someone asking for the link by email on the public page"

# A venue facility that meets a need (the field on ``Place``), where one can.
MET_BY_VENUE: dict[str, str] = {
    Category.STEP_FREE: "step_free",
    Category.HEARING_LOOP: "hearing_loop",
    Category.QUIET_SPACE: "quiet_room",
    Category.SEATING: "accessible_seating",
}
# Needs that matter only in a room: an online-only event meets them by being online.
IN_THE_ROOM = frozenset(MET_BY_VENUE)


# Writing


@transaction.atomic
def adjustments_save(
    *,
    person: Person,
    needs: Mapping[str, str],
    share_with: Collection[str],
    review_on: date | None,
    via: str,
    actor: User | None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> AdjustmentsRecord:
    """Set ``person``'s needs ({category: details}), sharing and review date as given: needs
    not named go. A need of "something else" must say what it is."""
    unknown = set(needs) - set(Category.values)
    if unknown:
        raise ValidationError(f"Unknown adjustment categories: {sorted(unknown)}")
    if needs.get(Category.OTHER, None) is not None and not needs[Category.OTHER].strip():
        raise ValidationError(_("Say what else you need"))
    record, _created = AdjustmentsRecord.objects.select_for_update().get_or_create(
        person=person, defaults={"recorded_via": via}
    )
    for key, name in SHARING.items():
        setattr(record, name, key in share_with)
    record.review_on = review_on
    record.recorded_via = via
    record.recorded_by = actor
    record.full_clean()
    record.save()
    record.needs.exclude(category__in=list(needs)).delete()
    for category, details in needs.items():
        Adjustment.objects.update_or_create(
            record=record, category=category, defaults={"details": details.strip()}
        )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.CHANGE,
        obj=person,
        request=request,
        detail={
            "adjustments": True,
            "recorded via": via,
            "needs": sorted(needs),
            "shared with": sorted(share_with),
        },
    )
    return record


@transaction.atomic
def adjustments_withdraw(
    *, person: Person, actor: User | None, actor_label: str = "", request: HttpRequest | None = None
) -> None:
    """Remove ``person``'s adjustments record, needs and sharing together."""
    deleted, _counts = AdjustmentsRecord.objects.filter(person=person).delete()
    if deleted:
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.DELETE,
            obj=person,
            request=request,
            detail={"adjustments": True, "withdrawn": True},
        )


def adjustments_audit_view(
    *, person: Person, actor: User | None, actor_label: str = "", request: HttpRequest | None = None
) -> None:
    """Record that someone saw ``person``'s adjustments."""
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.VIEW,
        obj=person,
        request=request,
        detail={"adjustments": True},
    )


# The person's own link


def link_token(person: Person) -> str:
    return signing.dumps({"person": str(person.code)}, salt=LINK_SALT, compress=True)


def person_from_token(token: str) -> Person | None:
    """The person a link was made for, or None if it was altered, has expired or they are gone."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    code = payload.get("person") if isinstance(payload, dict) else None
    if not isinstance(code, str):
        return None
    try:
        return Person.objects.filter(code=code, erased_at__isnull=True, merged_into__isnull=True).first()
    except ValidationError:
        return None


def people_with_email(email: str) -> list[Person]:
    """The live people the directory holds ``email`` for."""
    normalised = email.strip().lower()
    return list(
        Person.objects.filter(
            contacts__kind=ContactPoint.Kind.EMAIL,
            contacts__normalised=normalised,
            erased_at__isnull=True,
            merged_into__isnull=True,
        ).distinct()
    )


def _email_of(person: Person) -> str:
    contact = person.contacts.filter(kind=ContactPoint.Kind.EMAIL).order_by("-is_primary", "id").first()
    return contact.value if contact else ""


def adjustments_link_send(
    *,
    person: Person,
    request: HttpRequest,
    actor: User | None,
    to: str = "",
) -> bool:
    """Email ``person`` (at ``to``, else their main email) a link to see and change their
    adjustments, in their language. False where there is no email to send it to."""
    to = to or _email_of(person)
    if not to:
        return False
    with translation.override(person.preferred_language):
        url = request.build_absolute_uri(
            reverse("directory_public:adjustments_change", kwargs={"token": link_token(person)})
        )
        body = render_to_string(
            "directory/email/adjustments_link.txt",
            {
                "person": person,
                "url": url,
                "days": LINK_MAX_AGE.days,
                "service_name": settings.CHORUS_SERVICE_NAME,
            },
        )
        subject = _("See or change your adjustments")
    email_send_later(to=[to], subject=subject, body=body)
    audit_record(
        actor=actor,
        actor_label="" if actor else LINK_ASKED_FOR,
        action=AuditAction.CREATE,
        obj=person,
        request=request,
        detail={"adjustments link": True},
    )
    return True


# Reading


@dataclass(frozen=True)
class Need:
    category: str
    label: str
    details: str


def needs_of(record: AdjustmentsRecord | None) -> list[Need]:
    if record is None:
        return []
    return [Need(n.category, n.get_category_display(), n.details) for n in record.needs.all()]


def record_of(person: Person) -> AdjustmentsRecord | None:
    return AdjustmentsRecord.objects.filter(person=person).prefetch_related("needs").first()


@dataclass(frozen=True)
class BriefingRow:
    name: str
    needs: list[Need]
    # For the audit of who was shown; never printed.
    person_code: str = field(default="", repr=False)


def briefing_rows(people: Iterable[Person]) -> list[BriefingRow]:
    """For the briefing sheet: of ``people``, those who agreed to share their adjustments
    with the event team and have some, by name, with their needs and nothing else."""
    ids = [p.pk for p in people]
    records = (
        AdjustmentsRecord.objects.filter(
            person_id__in=ids, share_event_team=True, person__erased_at__isnull=True
        )
        .select_related("person")
        .prefetch_related("needs")
    )
    rows = [BriefingRow(r.person.full_name, needs_of(r), str(r.person.code)) for r in records]
    return sorted((row for row in rows if row.needs), key=lambda row: row.name.casefold())


@dataclass(frozen=True)
class ServiceAdjustments:
    needs: list[Need]
    review_on: date | None


def adjustments_for_service(person: Person, user: User) -> ServiceAdjustments | None:
    """What another service of the organisation may read of ``person``'s adjustments: their
    needs, only where they agreed to share them with other services and ``user`` may see
    them. None otherwise. Each read is audited."""
    if not user.is_active or not visible_to(user, Person.objects.filter(pk=person.pk)).exists():
        return None
    record = AdjustmentsRecord.objects.filter(person=person, share_other_services=True).first()
    if record is None:
        return None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=person,
        detail={"adjustments": True, "for": "another service"},
    )
    return ServiceAdjustments(needs=needs_of(record), review_on=record.review_on)


# Checking a venue before an event


def place_facilities(place: Place | None) -> set[str]:
    """The needs ``place``'s recorded facilities meet."""
    if place is None:
        return set()
    return {category for category, name in MET_BY_VENUE.items() if getattr(place, name)}


@dataclass
class UnmetNeed:
    category: str
    count: int
    reason: str
    label: str = field(default="")

    @property
    def message(self) -> str:
        return ngettext(
            "%(need)s: %(count)d person needs this; %(reason)s.",
            "%(need)s: %(count)d people need this; %(reason)s.",
            self.count,
        ) % {"need": self.label, "count": self.count, "reason": self.reason}


def needs_unmet(
    needs_by_person: Mapping[int, Collection[str]],
    *,
    facilities: Collection[str],
    booked_support: Collection[str],
    has_place: bool,
    online_only: bool = False,
) -> list[UnmetNeed]:
    """Pure: which needs of these people neither the venue's ``facilities`` nor the
    ``booked_support`` (categories arranged for the event, an interpreter say) meet."""
    counts: dict[str, int] = defaultdict(int)
    for categories in needs_by_person.values():
        for category in set(categories):
            counts[category] += 1
    unmet: list[UnmetNeed] = []
    for category in Category.values:
        if not counts.get(category) or category in booked_support:
            continue
        if category in IN_THE_ROOM:
            if online_only or category in facilities:
                continue
            reason = _("the venue has none recorded") if has_place else _("no venue is recorded")
        else:
            reason = _("it is not booked or arranged yet")
        unmet.append(UnmetNeed(category, counts[category], reason, str(Category(category).label)))
    return unmet


def unmet_adjustments(
    people: Iterable[Person],
    place: Place | None,
    booked_support: Collection[str] = (),
    *,
    online_only: bool = False,
) -> list[UnmetNeed]:
    """The needs of ``people`` (those who agreed to share with the event team) that
    ``place`` and the ``booked_support`` do not meet, one entry a need with how many."""
    ids = [p.pk for p in people]
    needs_by_person: dict[int, set[str]] = defaultdict(set)
    rows = Adjustment.objects.filter(record__person_id__in=ids, record__share_event_team=True).values_list(
        "record__person_id", "category"
    )
    for person_id, category in rows:
        needs_by_person[person_id].add(category)
    return needs_unmet(
        needs_by_person,
        facilities=place_facilities(place),
        booked_support=booked_support,
        has_place=place is not None,
        online_only=online_only,
    )
