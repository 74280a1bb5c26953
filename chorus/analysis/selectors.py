"""Reads of analyses that other apps share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from chorus.analysis.models import AnalysisRun

if TYPE_CHECKING:
    from chorus.consultations.models import Consultation


def runs_finished_for_consultations(
    consultations: Iterable[Consultation] | QuerySet[Any],
) -> QuerySet[AnalysisRun]:
    """Finished analyses of these consultations, whole or of one of their questions, the latest first."""
    return (
        AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE)
        .filter(Q(consultation__in=consultations) | Q(question__section__consultation__in=consultations))
        .order_by("-finished_at")
    )


def run_latest_finished(consultation: Consultation, *, whole_first: bool = False) -> AnalysisRun | None:
    """The latest finished analysis of a consultation or one of its questions; with
    ``whole_first``, an analysis of the whole consultation wins over a later one of a question."""
    runs = runs_finished_for_consultations([consultation])
    if whole_first:
        return runs.filter(consultation=consultation).first() or runs.first()
    return runs.first()
