"""Saving, removing and counting equality answers. Nothing here returns one person's answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count
from django.utils import timezone

from chorus.core.disclosure import Cell, suppress
from chorus.equality.models import EqualityRecord
from chorus.equality.questions import NAMES, QUESTIONS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Lazy

# Answers to a draft never submitted are deleted after this long (drafts last 30 days).
UNSUBMITTED_KEPT = timedelta(days=31)


def equality_save(*, key: UUID, asked_for: UUID, answers: dict[str, Any], submitted: bool = False) -> None:
    """Keep the answers given under ``key``. Only known questions and options are stored."""
    values = {}
    for question in QUESTIONS:
        allowed = {value for value, _label in question.choices}
        given = answers.get(question.name) or ""
        values[question.name] = given if given in allowed else ""
    EqualityRecord.objects.update_or_create(
        key=key, defaults={"asked_for": asked_for, "submitted": submitted, **values}
    )


def equality_submitted(key: UUID) -> None:
    """The response holding ``key`` was sent: its answers now count."""
    EqualityRecord.objects.filter(key=key).update(submitted=True)


def equality_remove(key: UUID) -> bool:
    """Delete the answers given under ``key``. Returns whether there were any."""
    deleted, _detail = EqualityRecord.objects.filter(key=key).delete()
    return deleted > 0


def equality_answered(key: UUID) -> bool:
    return EqualityRecord.objects.filter(key=key).exists()


def equality_initial(key: UUID) -> dict[str, str]:
    """A draft's own answers, to fill in its form again. Only ever shown to that respondent."""
    record = EqualityRecord.objects.filter(key=key, submitted=False).values(*NAMES).first()
    return dict(record) if record else {}


def unsubmitted_remove() -> int:
    cutoff = timezone.localdate() - UNSUBMITTED_KEPT
    deleted, _detail = EqualityRecord.objects.filter(submitted=False, recorded_on__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class CountTable:
    heading: Lazy
    question: Lazy
    rows: list[tuple[Lazy, Cell]]
    answered: int | None  # how many answered this question, suppressed when small


def equality_counts(asked_for: UUID) -> tuple[int | None, list[CountTable]]:
    """How many people gave equality answers for ``asked_for``, and one count table per
    question, each with small numbers suppressed. The number of records is suppressed
    too when it is small."""
    records = EqualityRecord.objects.submitted().filter(asked_for=asked_for)
    tables = []
    for question in QUESTIONS:
        tallied = {
            row[question.name]: row["n"]
            for row in records.exclude(**{question.name: ""})
            .values(question.name)
            .order_by()
            .annotate(n=Count("pk"))
        }
        counts = {value: tallied.get(value, 0) for value, _label in question.choices}
        cells, answered = suppress(counts)
        labels = dict(question.choices)
        tables.append(
            CountTable(question.heading, question.label, [(labels[c.key], c) for c in cells], answered)
        )
    people = records.count()
    _cells, shown_people = suppress({"all": people})
    return shown_people, tables
