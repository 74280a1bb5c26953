from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, F, Q, Value, When

from chorus.consultations.models import (
    Answer,
    Consultation,
    ConsultationQuerySet,
    Question,
    SupportingDocument,
)


def public_consultations(filters: dict[str, Any]) -> ConsultationQuerySet:
    """Published consultations open to all, for the calendar and its feed."""
    found: ConsultationQuerySet = Consultation.objects.public()
    if topic := filters.get("topic"):
        found = found.filter(topics=topic)
    if region := filters.get("region"):
        found = found.filter(regions=region)
    return found.distinct()


SEARCHED = ("title", "title_cy", "summary", "summary_cy", "body", "body_cy")


def public_consultations_found(filters: dict[str, Any], now: datetime) -> ConsultationQuerySet:
    """The public list of consultations: those matching every word of ``q`` (in either
    language) in the ``status`` chosen, within the topic and region; open ones first,
    closing soonest, then forthcoming ones, opening soonest, then closed ones, latest first."""
    found = public_consultations(filters)
    for word in str(filters.get("q") or "").split():
        matches = Q()
        for field in SEARCHED:
            matches |= Q(**{f"{field}__icontains": word})
        found = found.filter(matches)
    statuses = set(filters.get("status") or ())
    rules = {
        Consultation.Status.OPEN: Q(opens_at__lte=now, closes_at__gt=now),
        Consultation.Status.FORTHCOMING: Q(opens_at__gt=now),
        Consultation.Status.CLOSED: Q(closes_at__lte=now),
    }
    if statuses:
        chosen = Q(pk__in=[])
        for status in statuses & set(rules):
            chosen |= rules[status]
        found = found.filter(chosen)
    return found.annotate(
        group=Case(
            When(rules[Consultation.Status.OPEN], then=Value(0)),
            When(rules[Consultation.Status.FORTHCOMING], then=Value(1)),
            default=Value(2),
        ),
        soonest=Case(
            When(rules[Consultation.Status.OPEN], then=F("closes_at")),
            When(rules[Consultation.Status.FORTHCOMING], then=F("opens_at")),
            default=None,
        ),
    ).order_by("group", F("soonest").asc(nulls_last=True), "-closes_at", "title")


def questions_in_order(consultation: Consultation) -> list[Question]:
    return list(
        Question.objects.filter(section__consultation=consultation)
        .select_related("section", "follows")
        .order_by("section__order", "section_id", "order", "id")
    )


def answer_counts(questions: Sequence[Question]) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """For closed questions: how many chose each answer value, and how many answered, by
    question id. One grouped query for the single-answer questions; several-choice answers
    (lists) are read once and counted here."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    answered: dict[int, int] = defaultdict(int)
    single = [q.pk for q in questions if q.kind != Question.Kind.MULTIPLE]
    several = [q.pk for q in questions if q.kind == Question.Kind.MULTIPLE]
    for question_id, value, n in (
        Answer.objects.filter(question__in=single)
        .values_list("question", "value")
        .annotate(n=Count("pk"))
        .values_list("question", "value", "n")
    ):
        counts[question_id][str(value)] = counts[question_id].get(str(value), 0) + n
        answered[question_id] += n
    for question_id, value in (
        Answer.objects.filter(question__in=several).values_list("question", "value").iterator(chunk_size=5000)
    ):
        answered[question_id] += 1
        for chosen in value if isinstance(value, list) else [value]:
            counts[question_id][str(chosen)] = counts[question_id].get(str(chosen), 0) + 1
    return counts, answered


@dataclass(frozen=True)
class DocumentVersion:
    """One version of a document, and when a newer one took its place."""

    document: SupportingDocument
    replaced_at: datetime | None = None

    @property
    def current(self) -> bool:
        return self.replaced_at is None and self.document.withdrawn_at is None


@dataclass(frozen=True)
class DocumentHistory:
    """A document and every version of it, the first first."""

    versions: list[DocumentVersion]

    @property
    def latest(self) -> SupportingDocument:
        return self.versions[-1].document

    @property
    def withdrawn(self) -> bool:
        return self.latest.withdrawn_at is not None


def document_histories(consultation: Consultation) -> list[DocumentHistory]:
    """Every document the consultation has held, each with all its versions, in the order
    they were first added (one query)."""
    documents = list(consultation.documents.select_related("added_by", "withdrawn_by", "file_deleted_by"))
    following = {d.replaces_id: d for d in documents if d.replaces_id is not None}
    histories = []
    for first in (d for d in documents if d.replaces_id is None):
        chain = [first]
        while (later := following.get(chain[-1].pk)) is not None:
            chain.append(later)
        versions = [
            DocumentVersion(document, chain[at + 1].created_at if at + 1 < len(chain) else None)
            for at, document in enumerate(chain)
        ]
        histories.append(DocumentHistory(versions))
    return histories
