"""Periodic registration jobs: lapsing waiting-list offers not taken up, and reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from chorus.core.schedule import periodic
from chorus.core.tasks import background
from chorus.events import notices
from chorus.events.evaluation import evaluations_send
from chorus.events.models import Evaluation, Registration, ReminderSent
from chorus.events.services import offers_lapse, registration_token

# Reminders are looked for this far ahead; the settings form allows no more days before.
MOST_DAYS = 60


@periodic(every=timedelta(minutes=15))
@background(queue="email")
def registration_offers_lapse() -> int:
    """Offers have hours to be accepted; this gives a lapsed one to the next person within 15 minutes."""
    return offers_lapse()


def reminders_send(now: datetime | None = None) -> int:
    """Remind each registrant with a confirmed place once for each of the event's reminder days that
    has come. A reminder whose day had passed before they registered is not sent (they have
    just had their confirmation), nor an earlier one found late beside a nearer one: both are
    recorded as done. Returns the number of reminders queued."""
    now = now or timezone.now()
    sent = 0
    registrations = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            activity__starts_at__gt=now,
            activity__starts_at__lte=now + timedelta(days=MOST_DAYS),
        )
        .select_related("activity__registration_settings", "activity__place")
        .prefetch_related("reminders")
    )
    for registration in registrations:
        starts = registration.activity.starts_at
        days_set = registration.activity.registration_settings.reminder_days
        done = {r.days_before for r in registration.reminders.all()}
        due = sorted(d for d in days_set if starts - timedelta(days=d) <= now and d not in done)
        if not due:
            continue
        send = registration.created_at < starts - timedelta(days=due[0])
        try:
            with transaction.atomic():
                for days in due:
                    ReminderSent.objects.create(registration=registration, days_before=days)
                if send:
                    days_left = (timezone.localdate(starts) - timezone.localdate(now)).days
                    notices.reminder(
                        registration, token=registration_token(registration), days=max(days_left, 1)
                    )
        except IntegrityError:
            continue  # another run recorded it first, and sent it
        sent += int(send)
    return sent


@periodic(every=timedelta(hours=1))
@background(queue="email")
def registration_reminders() -> int:
    return reminders_send()


def registrations_of_erased_people_blank(person_id: int | None = None) -> int:
    """Take out what identifies someone from their registrations once their directory record
    is erased: at once, through core's ``person_erased`` hook (``person_id``), and hourly for
    any the hook could not reach (records erased before it existed). The rows stay, so
    counts of places still add up. Returns the number of registrations blanked."""
    if person_id is None:
        erased = Registration.objects.filter(person__erased_at__isnull=False).exclude(name="")
    else:
        erased = Registration.objects.filter(person_id=person_id).exclude(name="")
    count = 0
    with transaction.atomic():
        for registration in erased.select_for_update():
            registration.name = ""
            registration.email = ""
            registration.email_normalised = f"erased-{registration.code}"
            registration.answers = {}
            registration.adjustments = ""
            registration.adjustment_categories = []
            registration.adjustments_share = []
            registration.checkin_code = None
            registration.save(
                update_fields=[
                    "name",
                    "email",
                    "email_normalised",
                    "answers",
                    "adjustments",
                    "adjustment_categories",
                    "adjustments_share",
                    "checkin_code",
                    "updated_at",
                ]
            )
            count += 1
    return count


@periodic(every=timedelta(hours=1))
@background(queue="default")
def registrations_erased_blank() -> int:
    return registrations_of_erased_people_blank()


@periodic(every=timedelta(hours=1))
@background(queue="email")
def evaluations_after_events() -> int:
    """Ask the people who came how it went, once each, a couple of hours after the event."""
    return evaluations_send()


def evaluations_of_erased_people_blank(person_id: int | None = None) -> int:
    """Unlink the evaluation answers of people whose directory record is erased (or of the
    person ``person_id``, being erased now) and drop their own words; the scores stay in the
    counts. Returns the number changed."""
    if person_id is None:
        found = Evaluation.objects.filter(person__erased_at__isnull=False)
    else:
        found = Evaluation.objects.filter(person_id=person_id)
    return found.update(person=None, improve="", updated_at=timezone.now())


def person_erased_blank(person_id: int) -> None:
    """Core's ``person_erased`` hook: the erased person's registrations and evaluations, in
    the erasure's own transaction."""
    registrations_of_erased_people_blank(person_id)
    evaluations_of_erased_people_blank(person_id)


@periodic(every=timedelta(hours=1))
@background(queue="default")
def evaluations_erased_blank() -> int:
    return evaluations_of_erased_people_blank()
