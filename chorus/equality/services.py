"""Saving, removing, releasing and counting equality answers. Nothing here returns one
person's answers.

Two rules keep one person's answers from being worked out:

- **The link needs a secret.** A response keeps a random key; the record keeps only
  ``sealed(key)``, an HMAC under ``CHORUS_EQUALITY_SECRET`` (held in the environment,
  not the database). Every function here takes the response's key and seals it.
- **Figures move only in releases.** ``release_due`` lets new records in for a subject
  only when at least the suppression threshold of them are waiting and the last release
  is at least ``CHORUS_EQUALITY_RELEASE_HOURS`` old, and stores the counts of that moment
  on the release; count pages show only those stored counts. So the difference between
  any two readings is the sum of at least that many new people (with any answers changed
  or deleted since the last release mixed in). Shown counts are also rounded to
  ``CHORUS_EQUALITY_ROUND_TO`` after small ones are suppressed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from chorus.core.disclosure import Cell, suppress, threshold
from chorus.equality.models import EqualityRecord, EqualityRelease
from chorus.equality.questions import NAMES, QUESTIONS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Lazy

# Answers to a draft never submitted are deleted after this long (drafts last 30 days).
UNSUBMITTED_KEPT = timedelta(days=31)


logger = logging.getLogger("chorus.equality")


def sealed(key: UUID) -> UUID:
    """What the equality table holds for the response key ``key``: a keyed hash of it."""
    digest = hmac.new(settings.CHORUS_EQUALITY_SECRET.encode(), key.bytes, hashlib.sha256).digest()
    return UUID(bytes=digest[:16])


def secret_fingerprint() -> str:
    message = b"chorus-equality-secret-check"
    return hmac.new(settings.CHORUS_EQUALITY_SECRET.encode(), message, hashlib.sha256).hexdigest()


def secret_changed() -> bool:
    """True when CHORUS_EQUALITY_SECRET is not the secret the stored records were sealed with.
    The first check on a database with no fingerprint yet records the current one."""
    from chorus.equality.models import SecretCheck

    check = SecretCheck.objects.order_by("pk").first()
    if check is None:
        SecretCheck.objects.create(fingerprint=secret_fingerprint())
        return False
    return not hmac.compare_digest(check.fingerprint, secret_fingerprint())


def equality_save(*, key: UUID, asked_for: UUID, answers: dict[str, Any], submitted: bool = False) -> None:
    """Keep the answers given under ``key``. Only known questions and options are stored.

    Changed answers show in the figures from the next release; they do not count towards
    the new records a release needs."""
    values = {}
    for question in QUESTIONS:
        allowed = {value for value, _label in question.choices}
        given = answers.get(question.name) or ""
        values[question.name] = given if given in allowed else ""
    EqualityRecord.objects.update_or_create(
        key=sealed(key), defaults={"asked_for": asked_for, "submitted": submitted, **values}
    )


def equality_submitted(key: UUID) -> None:
    """The response holding ``key`` was sent: its answers count from the next release."""
    EqualityRecord.objects.filter(key=sealed(key)).update(submitted=True)


def equality_remove(key: UUID) -> bool:
    """Delete the answers given under ``key``. Returns whether there were any."""
    deleted, _detail = EqualityRecord.objects.filter(key=sealed(key)).delete()
    return deleted > 0


def equality_answered(key: UUID) -> bool:
    return EqualityRecord.objects.filter(key=sealed(key)).exists()


def equality_initial(key: UUID) -> dict[str, str]:
    """A draft's own answers, to fill in its form again. Only ever shown to that respondent."""
    record = EqualityRecord.objects.filter(key=sealed(key), submitted=False).values(*NAMES).first()
    return dict(record) if record else {}


def released(asked_for: UUID) -> QuerySet[EqualityRecord]:
    """The records for ``asked_for`` that figures staff see may count."""
    return EqualityRecord.objects.submitted().filter(asked_for=asked_for, release__isnull=False)


def latest_release(asked_for: UUID) -> EqualityRelease | None:
    return EqualityRelease.objects.filter(asked_for=asked_for).order_by("-number").first()


def release_due(now: datetime | None = None) -> int:
    """Release waiting records for every subject where the rule allows; returns how many
    subjects had a release. Run by a periodic task (``jobs.py``)."""
    now = now or timezone.now()
    least = threshold()
    gap = timedelta(hours=settings.CHORUS_EQUALITY_RELEASE_HOURS)
    waiting = (
        EqualityRecord.objects.submitted()
        .filter(release__isnull=True)
        .values("asked_for")
        .order_by()
        .annotate(n=Count("pk"))
        .filter(n__gte=least)
    )
    done = 0
    for row in waiting:
        asked_for = row["asked_for"]
        last = EqualityRelease.objects.filter(asked_for=asked_for).aggregate(
            number=Max("number"), at=Max("released_at")
        )
        if last["at"] is not None and now - last["at"] < gap:
            continue
        number = (last["number"] or 0) + 1
        try:
            with transaction.atomic(using=EqualityRecord.objects.db):
                release = EqualityRelease.objects.create(
                    asked_for=asked_for, number=number, released_at=now, records=0
                )
                release.records = (
                    EqualityRecord.objects.submitted()
                    .filter(asked_for=asked_for, release__isnull=True)
                    .update(release=number)
                )
                if release.records < least:  # some were deleted since they were counted
                    raise _TooFew
                release.counts = _tally(released(asked_for))
                release.save(update_fields=["records", "counts"])
        except (IntegrityError, _TooFew):  # another worker released it first, or too few now
            continue
        logger.info("Released %s equality records (release %s)", release.records, number)
        done += 1
    return done


class _TooFew(Exception):
    pass


def _tally(records: QuerySet[EqualityRecord]) -> dict[str, Any]:
    answers: dict[str, dict[str, int]] = {}
    for question in QUESTIONS:
        answers[question.name] = {
            row[question.name]: row["n"]
            for row in records.exclude(**{question.name: ""})
            .values(question.name)
            .order_by()
            .annotate(n=Count("pk"))
        }
    return {"people": records.count(), "answers": answers}


def unsubmitted_remove() -> int:
    cutoff = timezone.localdate() - UNSUBMITTED_KEPT
    deleted, _detail = EqualityRecord.objects.filter(submitted=False, recorded_on__lt=cutoff).delete()
    return deleted


def rounded(count: int | None) -> int | None:
    """``count`` to the nearest multiple of ``CHORUS_EQUALITY_ROUND_TO`` (halves up)."""
    if count is None:
        return None
    base = max(1, int(settings.CHORUS_EQUALITY_ROUND_TO))
    return base * ((count + base // 2) // base)


@dataclass(frozen=True)
class CountTable:
    heading: Lazy
    question: Lazy
    rows: list[tuple[Lazy, Cell]]
    answered: int | None  # how many answered this question, suppressed when small


def equality_counts(asked_for: UUID) -> tuple[int | None, list[CountTable]]:
    """How many people's equality answers for ``asked_for`` the latest release holds, and
    one count table per question, each with small numbers suppressed and the rest rounded.
    The number of records is suppressed too when it is small."""
    release = latest_release(asked_for)
    stored: dict[str, Any] = release.counts if release else {}
    tables = []
    for question in QUESTIONS:
        tallied = stored.get("answers", {}).get(question.name, {})
        counts = {value: tallied.get(value, 0) for value, _label in question.choices}
        cells, answered = suppress(counts)
        labels = dict(question.choices)
        shown = [(labels[c.key], Cell(c.key, rounded(c.count))) for c in cells]
        tables.append(CountTable(question.heading, question.label, shown, rounded(answered)))
    people = int(stored.get("people", 0))
    _cells, shown_people = suppress({"all": people})
    return rounded(shown_people), tables
