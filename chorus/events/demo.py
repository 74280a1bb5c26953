"""Demo registrations: a few upcoming public events people are registering for (some on the
waiting list, some asking for adjustments) and a past one with its attendance and answers
to the evaluation. The same few at every scale: they are for realism, not volume."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from chorus.core.registry import Scale, demo_builder
from chorus.directory.models import AdjustmentCategory, ContactPoint
from chorus.engagement.models import BROADCAST_TYPES, Activity, Attendance
from chorus.events.models import Evaluation, Registration, RegistrationSettings, StandardQuestion

UPCOMING = 3
PLACES = 10  # each upcoming event's places; a few more register and wait
REGISTRANTS = 13
NEEDS = [
    AdjustmentCategory.BSL_INTERPRETER,
    AdjustmentCategory.STEP_FREE,
    AdjustmentCategory.HEARING_LOOP,
    AdjustmentCategory.FORMATS,
    AdjustmentCategory.QUIET_SPACE,
]
IMPROVE = [
    "More time for questions at the end, please.",
    "The room was too warm and the microphones cut out.",
    "Send the slides before the session so we can read them.",
    "Mwy o amser i drafod mewn grwpiau bach.",
    "",
]


def _open_events(now: datetime) -> list[Activity]:
    return list(
        Activity.objects.filter(is_public=True, team__isnull=True, starts_at__gt=now + timedelta(days=3))
        .exclude(kind__in=list(BROADCAST_TYPES))
        .filter(registration_settings__isnull=True)
        .order_by("starts_at")[:UPCOMING]
    )


def _people_with_email(count: int, rng: random.Random) -> list[tuple[int, str, str, str]]:
    """(person id, name, email, language) of people in the directory with an email address."""
    rows = list(
        ContactPoint.objects.filter(
            kind=ContactPoint.Kind.EMAIL, person__erased_at__isnull=True, person__merged_into__isnull=True
        )
        .order_by("person_id")
        .values_list(
            "person_id", "person__first_name", "person__last_name", "value", "person__preferred_language"
        )[: count * 4]
    )
    seen: dict[int, tuple[int, str, str, str]] = {}
    for person_id, first, last, email, language in rows:
        seen.setdefault(person_id, (person_id, f"{first} {last}".strip(), email, language or "en"))
    chosen = list(seen.values())
    rng.shuffle(chosen)
    return chosen[:count]


@demo_builder("events", after=["engagement", "directory", "places"])
def build(scale: Scale, rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    events = _open_events(now)
    past = (
        Activity.objects.filter(is_public=True, team__isnull=True, starts_at__lt=now - timedelta(days=3))
        .exclude(kind__in=list(BROADCAST_TYPES))
        .filter(registration_settings__isnull=True)
        .order_by("-starts_at")
        .first()
    )
    people = _people_with_email(REGISTRANTS, rng)
    if not people:
        return {"events open for registration": 0, "registrations": 0, "evaluations": 0}
    RegistrationSettings.objects.bulk_create(
        [
            RegistrationSettings(
                activity=activity,
                capacity=PLACES,
                mode=RegistrationSettings.Mode.ONLINE
                if activity.online_link
                else RegistrationSettings.Mode.IN_PERSON,
                joining_link=activity.online_link,
                questions=[StandardQuestion.ORGANISATION, StandardQuestion.ADJUSTMENTS],
            )
            for activity in [*events, *([past] if past else [])]
        ]
    )
    registrations: list[Registration] = []
    for activity in events:
        for n, (person_id, name, email, language) in enumerate(people):
            needs = [rng.choice(NEEDS)] if rng.random() < 0.25 else []
            registrations.append(
                Registration(
                    activity=activity,
                    name=name,
                    email=email,
                    email_normalised=email.strip().lower(),
                    language=language,
                    status=Registration.Status.CONFIRMED if n < PLACES else Registration.Status.WAITING,
                    queued_at=now - timedelta(hours=len(people) - n),
                    adjustment_categories=needs,
                    adjustments_share=["event_team", "venue"] if needs else [],
                    person_id=person_id,
                    match=Registration.Match.LINKED,
                )
            )
    came = people[:PLACES] if past else []
    for person_id, name, email, language in came:
        registrations.append(
            Registration(
                activity=past,
                name=name,
                email=email,
                email_normalised=email.strip().lower(),
                language=language,
                status=Registration.Status.CONFIRMED,
                person_id=person_id,
                match=Registration.Match.LINKED,
            )
        )
    Registration.objects.bulk_create(registrations)
    places = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    Attendance.objects.bulk_create(
        [
            Attendance(
                activity_id=r.activity_id,
                person_id=r.person_id,
                invitation=Attendance.Invitation.ACCEPTED,
                attended=past is not None and r.activity_id == past.pk,
            )
            for r in places
            if r.person_id is not None
        ],
        ignore_conflicts=True,
    )
    if past is not None:
        # Attendance the engagement demo had already made for them says they came.
        Attendance.objects.filter(activity=past, person_id__in=[p[0] for p in came]).update(attended=True)
    evaluations = (
        []
        if past is None
        else [
            Evaluation(
                activity=past,
                person_id=person_id,
                language=language,
                answered_at=past.starts_at + timedelta(days=1) if rng.random() < 0.8 else None,
                useful=rng.choice([3, 4, 4, 5, 5]),
                listened=rng.choice([2, 3, 4, 4, 5]),
                accessible=rng.choice(["yes", "yes", "yes", "partly", "no"]),
                improve=rng.choice(IMPROVE),
            )
            for person_id, _name, _email, language in came
        ]
    )
    for evaluation in evaluations:
        if evaluation.answered_at is None:
            evaluation.useful = evaluation.listened = None
            evaluation.accessible = evaluation.improve = ""
    Evaluation.objects.bulk_create(evaluations)
    return {
        "events open for registration": len(events),
        "registrations": len(registrations),
        "evaluations": len(evaluations),
    }
