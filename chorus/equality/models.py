"""Equality monitoring answers, kept apart from responses and contacts.

A record holds one person's answers and nothing that names them: no foreign key to a
response, a contact or a user. The response (or exit survey answer) keeps the same
random ``key``; only aggregate counts ever leave this app. With
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
    key = models.UUIDField(unique=True)
    # The code of the consultation, survey or service that asked: what the counts are for.
    asked_for = models.UUIDField(db_index=True)
    # False while the response it belongs to is still a draft; drafts never counted.
    submitted = models.BooleanField(default=False)
    # A day, not a time, so that records cannot be matched to responses by the moment.
    recorded_on = models.DateField(default=_today)

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
