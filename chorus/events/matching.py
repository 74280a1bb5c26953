"""Who a registrant is in the directory, matched as an attendance sign-up list is.

The directory import's matcher (``match_people``: same email, otherwise the linkage
model's probable match) decides. Someone with the same email is linked; otherwise a new
person is added with the consent they gave when registering, and a probable match goes
to the directory's duplicate review beside them, where staff merge or keep them apart
(a merge moves the registration and attendance with the person).
"""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from chorus.core.imports.rows import CheckedRow
from chorus.directory.import_people import match_people
from chorus.directory.models import Consent, DuplicateCandidate, LawfulBasis, Person
from chorus.directory.services import PersonData, person_create
from chorus.events.adjustments import registration_adjustments_carry
from chorus.events.models import Registration
from chorus.events.services import attendance_sync

CONSENT_PURPOSE = "Event registration"


def _names(name: str) -> tuple[str, str]:
    """First names and last name, as the directory keeps them."""
    parts = name.split()
    if len(parts) < 2:
        return "", name.strip()
    return " ".join(parts[:-1]), parts[-1]


# Registrations matched in one pass: the linkage model reads the directory once per pass,
# not once per registrant.
BATCH = 500


def registration_match_directory(registration_id: int | None = None) -> int:
    """Link registrations not yet matched (the one given, and any others waiting) to their
    people, adding people where need be. Returns the number linked.

    Every task queued for a registration runs this; the first does the waiting ones
    together and the rest find little or nothing left to do."""
    waiting = Registration.objects.filter(person__isnull=True, match="").exclude(name="")
    pending = list(waiting.select_related("activity").order_by("id")[:BATCH])
    if registration_id is not None and all(r.pk != registration_id for r in pending):
        pending += list(waiting.filter(pk=registration_id).select_related("activity"))
    if not pending:
        return 0
    # One row per address: a person who registered for two events is matched (or added) once.
    by_email: dict[str, list[Registration]] = {}
    for registration in pending:
        by_email.setdefault(registration.email_normalised, []).append(registration)
    rows = []
    for line, registrations in enumerate(by_email.values(), start=1):
        first, last = _names(registrations[0].name)
        rows.append(
            CheckedRow(
                line=line,
                values={
                    "first_name": first,
                    "last_name": last,
                    "email": registrations[0].email,
                    "organisation": registrations[0].answers.get("organisation", ""),
                },
            )
        )
    found = match_people(rows)
    linked = 0
    for line, registrations in enumerate(by_email.values(), start=1):
        person: Person | None = None
        for registration in registrations:
            person = _link(registration.pk, found.get(str(line)), person)
            linked += person is not None
    return linked


def _link(registration_id: int, found: dict[str, Any] | None, person: Person | None) -> Person | None:
    """Link one registration (locked, and skipped if another worker linked it first) to
    ``person`` when this pass already has them, else to whom the matcher found, else to a
    new person; a probable match goes to the duplicate review beside the new person."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("activity").get(pk=registration_id)
        )
        if registration.person_id is not None:
            return registration.person
        if person is not None:
            registration.match = Registration.Match.LINKED
        elif found and found["why"] != "probable match":
            person = Person.objects.get(code=found["person"])
            registration.match = Registration.Match.LINKED
        else:
            person = _person_add(registration)
            registration.match = Registration.Match.CREATED
            probable = Person.objects.filter(code=found["person"]).first() if found else None
            if probable is not None and probable.pk != person.pk and found:
                a, b = sorted((person.pk, probable.pk))
                p = min(max(float(found["probability"]), 1e-6), 1 - 1e-6)
                DuplicateCandidate.objects.get_or_create(
                    person_a_id=a,
                    person_b_id=b,
                    defaults={"match_probability": p, "match_weight": math.log2(p / (1 - p))},
                )
                registration.match = Registration.Match.REVIEW
        Consent.objects.create(
            person=person,
            purpose=CONSENT_PURPOSE,
            lawful_basis=LawfulBasis.CONSENT,
            given_on=timezone.localdate(),
            source=f"Registration for {registration.activity.title}"[:200],
        )
        registration.person = person
        registration.save(update_fields=["person", "match", "updated_at"])
        attendance_sync(registration)
        registration_adjustments_carry(registration=registration)
    return person


def _person_add(registration: Registration) -> Person:
    first, last = _names(registration.name)
    return person_create(
        actor=None,
        source=f"Registration for {registration.activity.title}"[:200],
        data=PersonData(
            last_name=last[:100] or registration.email[:100],
            first_name=first[:100],
            job_title=registration.answers.get("role", "")[:150],
            preferred_language=registration.language,
            team=registration.activity.team,
            emails=[registration.email],
        ),
    )
