"""Equality monitoring answers, kept apart from responses and contacts.

A record holds one person's answers and nothing that names them: no foreign key to a
response, a contact or a user. The response (or exit survey answer) keeps a random key;
the record keeps only a keyed hash of it (``services.sealed``), with the secret
``CHORUS_EQUALITY_SECRET`` held outside the database, so the database or a backup alone
cannot join the two. Only aggregate counts ever leave this app, and only over records
already *released* (see ``EqualityRelease``). With
``CHORUS_EQUALITY_DATABASE_URL`` set the table lives in a database of its own (see
``routers.py``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


def _today() -> object:
    return timezone.localdate()


class EqualityRecordQuerySet(models.QuerySet["EqualityRecord"]):
    def submitted(self) -> EqualityRecordQuerySet:
        return self.filter(submitted=True)


class EqualityRecord(models.Model):
    # HMAC of the response's random key under CHORUS_EQUALITY_SECRET, never the key itself.
    key = models.UUIDField(unique=True)
    # The code of the consultation, survey or service that asked: what the counts are for.
    asked_for = models.UUIDField(db_index=True)
    # False while the response it belongs to is still a draft; drafts never counted.
    submitted = models.BooleanField(default=False)
    # A day, not a time, so that records cannot be matched to responses by the moment.
    recorded_on = models.DateField(default=_today)
    # The release (numbered per ``asked_for``) from which this record counts in what staff
    # see; None until then. Records are released only in batches (``EqualityRelease``).
    release = models.PositiveIntegerField(null=True, blank=True)

    age_band = models.CharField(max_length=30, blank=True)
    sex = models.CharField(max_length=30, blank=True)
    gender_identity = models.CharField(max_length=30, blank=True)
    ethnic_group = models.CharField(max_length=30, blank=True)
    religion = models.CharField(max_length=30, blank=True)
    disability = models.CharField(max_length=30, blank=True)
    sexual_orientation = models.CharField(max_length=30, blank=True)
    marital_status = models.CharField(max_length=30, blank=True)
    pregnancy = models.CharField(max_length=30, blank=True)
    caring = models.CharField(max_length=30, blank=True)

    objects = EqualityRecordQuerySet.as_manager()

    def __str__(self) -> str:
        # Never the answers: a record printed in a log or the admin shows no one's details.
        return "Equality monitoring record"


class EqualityRelease(models.Model):
    """One batch of records for ``asked_for`` let into the figures staff see.

    Figures change only at a release, and a release takes at least the suppression
    threshold of new records and comes at most once in ``CHORUS_EQUALITY_RELEASE_HOURS``:
    reading the figures before and after never isolates one person's answers."""

    asked_for = models.UUIDField()
    number = models.PositiveIntegerField()
    released_at = models.DateTimeField(default=timezone.now)
    records = models.PositiveIntegerField()
    # The exact counts over every released record at the moment of release:
    # {"people": n, "answers": {question: {option: n}}}. Count pages show these (suppressed
    # and rounded), so answers changed or deleted since show only at the next release.
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["asked_for", "number"], name="equality_release_unique_number")
        ]

    def __str__(self) -> str:
        return f"Equality release {self.number}"


class SecretCheck(models.Model):
    """A keyed fingerprint of ``CHORUS_EQUALITY_SECRET``, written when the table was made, so
    that a changed secret (which would silently cut every stored record off from its
    response: no deletion on request, no analysis) is caught when Chorus is migrated or
    checked. It says no more about the secret than the stored keys already do."""

    fingerprint = models.CharField(max_length=64)

    def __str__(self) -> str:
        return "Equality secret check"
