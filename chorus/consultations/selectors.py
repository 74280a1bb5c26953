from __future__ import annotations

from typing import Any

from chorus.consultations.models import Consultation, ConsultationQuerySet, Question


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
