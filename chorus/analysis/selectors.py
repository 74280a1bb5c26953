"""Reads of analyses that other apps share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from chorus.analysis.models import AnalysisRun, Theme
from chorus.analysis.sources import event_comments
from chorus.core.access import visible_to
from chorus.engagement.models import Activity

if TYPE_CHECKING:
    from chorus.accounts.models import User
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


def theme_impact(user: User) -> Prefetch[str]:
    """Prefetch the "you said, we did" records that answer each theme as ``visible_impact``:
    those ``user`` may see, each with its project. The records are engagement's, which
    analysis does not import: they are reached through the relation engagement declares."""
    records = Theme.impact.rel.related_model._default_manager  # type: ignore[union-attr]
    return Prefetch(
        "impact",
        queryset=visible_to(user, records.select_related("project")).order_by("-decided_on", "-id"),
        to_attr="visible_impact",
    )


# The start page offers the latest this many events whose evaluations have comments.
MOST_EVENTS_OFFERED = 200


def activities_with_comments(user: User, *, wanted: UUID | None = None) -> list[Activity]:
    """The activities ``user`` may see whose evaluations say what could be better, latest
    first: the latest ``MOST_EVENTS_OFFERED``, and the one coded ``wanted`` wherever it falls."""
    activities = visible_to(
        user, Activity.objects.filter(pk__in=event_comments().values("activity_id"))
    ).order_by("-starts_at", "-pk")
    found = list(activities[:MOST_EVENTS_OFFERED])
    if wanted is not None and all(a.code != wanted for a in found):
        found.extend(activities.filter(code=wanted))
    return found
