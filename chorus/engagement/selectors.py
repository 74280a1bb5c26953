from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from chorus.core.access import visible_to
from chorus.engagement.models import Activity, ImpactRecord, Project

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
