"""Writes to the directory: validated, atomic, indexed for search and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest

from chorus.core.audit import audit_record
from chorus.core.hooks import person_emails_changed
from chorus.core.models import AuditAction
from chorus.core.services import record_save
from chorus.directory.models import (
    Assessment,
    Consent,
    ContactPoint,
    GroupMembership,
    Membership,
    Note,
    Organisation,
    Person,
    Region,
    StakeholderGroup,
    Topic,
)
from chorus.directory.normalise import normalise_email, normalise_phone, normalise_postcode
from chorus.directory.search import person_index

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User

PERSON_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "other_names",
    "job_title",
    "region",
    "postcode",
    "preferred_language",
    "communication_needs",
    "owner",
    "team",
    "external_id",
)


@dataclass
class PersonData:
    """What a form or an import gives to create or change a person."""

    last_name: str
    first_name: str = ""
    title: str = ""
    other_names: str = ""
    job_title: str = ""
    region: Region | None = None
    postcode: str = ""
    preferred_language: str = "en"
    communication_needs: str = ""
    owner: User | None = None
    team: Team | None = None
    external_id: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    organisation: Organisation | None = None
    organisation_role: str = ""
    groups: list[StakeholderGroup] = field(default_factory=list)
    # The whole ``custom`` value (``CustomFieldsForm`` keeps what the user may not see);
    # None leaves it as it is.
    custom: dict[str, Any] | None = None


def _set_contacts(person: Person, emails: Iterable[str], phones: Iterable[str]) -> None:
    wanted: list[tuple[str, str, str]] = []
    for value in emails:
        if value.strip():
            wanted.append((ContactPoint.Kind.EMAIL, value.strip(), normalise_email(value)))
    for value in phones:
        if value.strip():
            wanted.append((ContactPoint.Kind.PHONE, value.strip(), normalise_phone(value)))
    had = set(person.contacts.filter(kind=ContactPoint.Kind.EMAIL).values_list("normalised", flat=True))
    keep: set[tuple[str, str]] = set()
    first_of_kind: set[str] = set()
    for kind, value, normalised in wanted:
        if (kind, normalised) in keep:
            continue
        keep.add((kind, normalised))
        ContactPoint.objects.update_or_create(
            person=person,
            kind=kind,
            normalised=normalised,
            defaults={"value": value, "is_primary": kind not in first_of_kind},
        )
        first_of_kind.add(kind)
    for contact in person.contacts.all():
        if (contact.kind, contact.normalised) not in keep:
            contact.delete()
    # Responses from an address gained or lost may now be from someone else.
    person_emails_changed(had ^ {normalised for kind, normalised in keep if kind == ContactPoint.Kind.EMAIL})


def _snapshot(person: Person) -> dict[str, Any]:
    data: dict[str, Any] = {name: str(getattr(person, name) or "") for name in PERSON_FIELDS}
    data["contacts"] = sorted(person.contacts.values_list("value", flat=True))
    for key, value in sorted((person.custom or {}).items()):
        data[f"added field {key}"] = str(value)
    return data


def person_create(
    *, actor: User | None, data: PersonData, request: HttpRequest | None = None, source: str = ""
) -> Person:
    with transaction.atomic():
        person = Person(**{name: getattr(data, name) for name in PERSON_FIELDS}, custom=data.custom or {})
        person.postcode = normalise_postcode(person.postcode) if person.postcode else ""
        person.full_clean()
        person.save()
        _set_contacts(person, data.emails, data.phones)
        person.topics.set(data.topics)
        if data.organisation is not None:
            Membership.objects.create(
                person=person, organisation=data.organisation, role=data.organisation_role
            )
        for group in data.groups:
            person.group_memberships.create(group=group)
        person_index([person])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=person,
            request=request,
            detail={"source": source} if source else None,
        )
    return person


def person_update(
    *, actor: User, person: Person, data: PersonData, request: HttpRequest | None = None
) -> Person:
    with transaction.atomic():
        before = _snapshot(person)
        for name in PERSON_FIELDS:
            setattr(person, name, getattr(data, name))
        if data.custom is not None:
            person.custom = data.custom
        person.postcode = normalise_postcode(person.postcode) if person.postcode else ""
        person.full_clean()
        person.save()
        _set_contacts(person, data.emails, data.phones)
        person.topics.set(data.topics)
        person_index([person])
        after = _snapshot(person)
        changed = {
            key: [before.get(key, ""), after.get(key, "")]
            for key in {**before, **after}
            if before.get(key, "") != after.get(key, "")
        }
        if changed:
            audit_record(actor=actor, action=AuditAction.CHANGE, obj=person, request=request, detail=changed)
    return person


def organisation_save(
    *,
    actor: User,
    organisation: Organisation | None,
    request: HttpRequest | None = None,
    regions: Iterable[Region] = (),
    topics: Iterable[Topic] = (),
    groups: Iterable[StakeholderGroup] = (),
    **fields: Any,
) -> Organisation:
    with transaction.atomic():
        changed = organisation is not None
        organisation = record_save(
            actor=actor,
            request=request,
            record=organisation or Organisation(),
            fields=fields,
            relations={"regions": regions, "topics": topics, "groups": groups},
        )
        if changed:
            # Organisation names are among the people's search words.
            person_index(Person.objects.filter(memberships__organisation=organisation))
    return organisation


def membership_add(
    *,
    actor: User,
    person: Person,
    organisation: Organisation,
    role: str,
    start: date | None,
    request: HttpRequest,
) -> Membership:
    with transaction.atomic():
        membership = Membership(person=person, organisation=organisation, role=role, start=start)
        membership.full_clean()
        membership.save()
        person_index([person])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            request=request,
            detail={"membership added": f"{role} at {organisation.name}".strip()},
        )
    return membership


def _subject(subject: Person | Organisation) -> dict[str, Person | Organisation]:
    return {"person": subject} if isinstance(subject, Person) else {"organisation": subject}


def assessment_record(
    *,
    actor: User,
    request: HttpRequest,
    subject: Person | Organisation,
    influence: int,
    interest: int,
    health: str,
) -> Assessment:
    with transaction.atomic():
        assessment = Assessment(
            influence=influence, interest=interest, health=health, assessed_by=actor, **_subject(subject)
        )
        assessment.full_clean()
        assessment.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=subject,
            request=request,
            detail={"assessment": {"influence": influence, "interest": interest, "health": health}},
        )
    return assessment


def note_add(*, actor: User, request: HttpRequest, text: str, subject: Person | Organisation) -> Note:
    with transaction.atomic():
        note = Note(text=text, author=actor, **_subject(subject))
        note.full_clean()
        note.save()
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=subject, request=request, detail={"note": "added"}
        )
    return note


def consent_record(
    *,
    actor: User,
    request: HttpRequest,
    person: Person,
    purpose: str,
    lawful_basis: str,
    given_on: date,
    source: str,
) -> Consent:
    with transaction.atomic():
        consent = Consent(
            person=person, purpose=purpose, lawful_basis=lawful_basis, given_on=given_on, source=source
        )
        consent.full_clean()
        consent.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            request=request,
            detail={"consent": f"{purpose}: {lawful_basis} on {given_on.isoformat()} ({source})"},
        )
    return consent


def group_membership_add(
    *,
    actor: User,
    request: HttpRequest,
    person: Person,
    group: StakeholderGroup,
    start: date | None,
    end: date | None,
) -> GroupMembership:
    with transaction.atomic():
        membership = GroupMembership(person=person, group=group, start=start, end=end)
        membership.full_clean()
        membership.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            request=request,
            detail={"joined": group.name, "from": str(start or ""), "until": str(end or "")},
        )
    return membership


def people_first_attended_refresh(people: Iterable[int] | QuerySet[Any] | None = None) -> int:
    """Set ``first_attended_at`` from attendance for these people (primary keys, or a
    queryset of them such as ``activity.attendance.values("person")``), or for everyone: one
    UPDATE, the start of the earliest activity each came to. Returns the number updated."""
    first = (
        Person.objects.filter(pk=OuterRef("pk"))
        .annotate(first=Min("attendance__activity__starts_at", filter=Q(attendance__attended=True)))
        .values("first")
    )
    if people is None:
        target = Person.objects.all()
    else:
        target = Person.objects.filter(pk__in=people if isinstance(people, QuerySet) else list(people))
    return target.update(first_attended_at=Subquery(first))
