from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from chorus.core.access import visible_to
from chorus.engagement.models import (
    Activity,
    Commitment,
    CommitmentUpdate,
    ImpactRecord,
    ImpactUpdate,
    Project,
)

if TYPE_CHECKING:
    from chorus.accounts.models import User


def projects_assignable_by(user: User) -> QuerySet[Project]:
    """The projects ``user`` may link a record to, or filter by: those they may see.

    Every form and filter that offers projects (activities, consultations, reports, the
    toolkit) takes its choices from here, so a project restricted to another team is never
    offered, and a posted id for one fails the form's validation.
    """
    return visible_to(user, Project.objects.order_by("name"))


def activities_for(user: User, filters: dict[str, Any]) -> QuerySet[Activity]:
    activities = visible_to(user, Activity.objects.all())
    if kind := filters.get("kind"):
        activities = activities.filter(kind=kind)
    if project := filters.get("project"):
        activities = activities.filter(projects=project)
    zone = timezone.get_current_timezone()
    if start := filters.get("date_from"):
        activities = activities.filter(starts_at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end := filters.get("date_to"):
        activities = activities.filter(starts_at__lte=datetime.combine(end, time.max, tzinfo=zone))
    if query := filters.get("q"):
        activities = activities.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    return (
        activities.select_related("place")
        .annotate(people=Count("attendance", filter=Q(attendance__attended=True), distinct=True))
        .order_by("-starts_at")
    )


def published_impact() -> Prefetch[str]:
    """Prefetch an activity's published "you said, we did" records as ``published_impact``."""
    return Prefetch(
        "impact", queryset=ImpactRecord.objects.filter(is_published=True), to_attr="published_impact"
    )


def public_events(filters: dict[str, Any]) -> QuerySet[Activity]:
    """Events on the public calendar, open to all (never team-restricted)."""
    events = Activity.objects.filter(is_public=True, team__isnull=True).select_related("place")
    if topic := filters.get("topic"):
        events = events.filter(topics=topic)
    if region := filters.get("region"):
        events = events.filter(regions=region)
    return events.distinct()


# The status filter's choice for what the staff home asks people to act on.
NEEDS_ACTION = "needs_action"


def commitments_for(user: User, filters: dict[str, Any]) -> QuerySet[Commitment]:
    """The commitments ``user`` may see that match the list's filters, soonest due first."""
    commitments = visible_to(user, Commitment.objects.all())
    for name in ("kind", "status", "owner", "team"):
        if (value := filters.get(name)) and value != NEEDS_ACTION:
            commitments = commitments.filter(**{name: value})
    if filters.get("overdue"):
        commitments = commitments.overdue()  # type: ignore[attr-defined]
    if filters.get("status") == NEEDS_ACTION:
        commitments = commitments.needing_attention()  # type: ignore[attr-defined]
    if filters.get("mine"):
        commitments = commitments.owned_by(user)  # type: ignore[attr-defined]
    if query := filters.get("q"):
        commitments = commitments.filter(source_body__icontains=query)
    return commitments.select_related("owner", "team").order_by(
        models.F("due_on").asc(nulls_last=True), "title"
    )


def latest_update() -> Prefetch[str]:
    """Prefetch each commitment's updates, newest first, as ``recent_updates``."""
    return Prefetch(
        "updates", queryset=CommitmentUpdate.objects.order_by("-on", "-id"), to_attr="recent_updates"
    )


def latest_impact_update() -> Prefetch[str]:
    """Prefetch each "you said, we did" record's updates, newest first, as ``recent_updates``."""
    return Prefetch("updates", queryset=ImpactUpdate.objects.order_by("-on", "-id"), to_attr="recent_updates")


def published_commitments() -> QuerySet[Commitment]:
    """What the public page shows: published commitments by who made them, each with its updates."""
    return (
        Commitment.objects.filter(is_published=True)
        .prefetch_related(
            latest_update(),
            "evidence",
            # Only consultations everyone may read: never a draft, nor one restricted to a team.
            Prefetch(
                "consultations",
                queryset=apps.get_model("consultations", "Consultation")
                .objects.public()
                .order_by("-opens_at"),
                to_attr="public_consultations",
            ),
        )
        # Those with no body named come last, under "Other commitments".
        .order_by(
            models.Case(models.When(source_body="", then=1), default=0),
            "source_body",
            models.F("due_on").asc(nulls_last=True),
            "title",
        )
    )
