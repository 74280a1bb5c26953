from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count

from chorus.consultations.models import Answer, Consultation, ConsultationQuerySet, Question


def public_consultations(filters: dict[str, Any]) -> ConsultationQuerySet:
    """Published consultations open to all, for the calendar and its feed."""
    found: ConsultationQuerySet = Consultation.objects.public()
    if topic := filters.get("topic"):
        found = found.filter(topics=topic)
    if region := filters.get("region"):
        found = found.filter(regions=region)
    return found.distinct()


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
