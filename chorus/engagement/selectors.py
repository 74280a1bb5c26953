from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from chorus.core.access import visible_to
from chorus.core.custom_fields import filtered as custom_filtered
from chorus.engagement.models import (
    Activity,
    Attendance,
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
    activities = custom_filtered(activities, "activity", filters)
    # Who came is counted for each activity shown, not grouped over every activity before
    # the page is cut (a second over 50,000 activities and 500,000 attendance records).
    came = (
        Attendance.objects.filter(activity=OuterRef("pk"), attended=True)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        activities.select_related("place")
        .annotate(people=Coalesce(Subquery(came, output_field=models.IntegerField()), 0))
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


# Themes belong to analysis, a floor above engagement: they are reached through the
# relation, and the states of their analysis named by value (``AnalysisRun.Status.DONE``,
# ``ReviewStage.SIGNED_OFF``, which tests/engagement/test_impact_themes.py holds to them).
ANALYSIS_DONE = "done"
ANALYSIS_SIGNED_OFF = "signed_off"


def _themes() -> QuerySet[Any]:
    """Every analysis theme."""
    return ImpactRecord._meta.get_field("themes").related_model._default_manager.all()  # type: ignore[union-attr]


def _of_consultations(which: Q) -> Q:
    """Themes of an analysis of a consultation that matches ``which``, whether of the whole
    consultation or of one of its questions. The consultations are a subquery, so one that
    many records link to still gives each of its themes once."""
    consultations = ImpactRecord._meta.get_field("consultations").related_model._default_manager  # type: ignore[union-attr]
    matching = consultations.filter(which).values("pk")
    return Q(run__consultation__in=matching) | Q(run__question__section__consultation__in=matching)


def themes_offered(user: User, project: Project, record: ImpactRecord | None = None) -> QuerySet[Any]:
    """The themes a "you said, we did" record of ``project`` may answer, as ``user`` may
    choose them: those of the finished analyses they may see of the project's consultations
    and the record's own, each with its analysis; never the theme of empty answers."""
    which = Q(project=project)
    if record is not None:
        which |= Q(impact=record)
    themes = _themes().filter(_of_consultations(which), run__status=ANALYSIS_DONE, special="")
    return visible_to(user, themes).select_related("run").order_by("run__title", "run__pk", "level", "label")


def impact_themes(user: User) -> Prefetch[str]:
    """Prefetch each record's themes as ``linked_themes``, each with its analysis and
    ``seen``: whether ``user`` may see that analysis (a theme they may not is named, not linked)."""
    seen = visible_to(user, _themes().filter(pk=models.OuterRef("pk")))
    return Prefetch(
        "themes",
        queryset=_themes()
        .select_related("run")
        .annotate(seen=models.Exists(seen))
        .order_by("run__title", "level", "label"),
        to_attr="linked_themes",
    )


def public_themes() -> Prefetch[str]:
    """Prefetch the themes the public may read of each record as ``public_themes``.

    A theme's name comes from what people wrote, so it is shown only once a lead has signed
    off the analysis's themes as the framework, and only for an analysis open to everyone
    of a consultation everyone may read: the rule the open data on themes follows too."""
    return Prefetch(
        "themes",
        queryset=_themes()
        .filter(
            _of_consultations(Q(is_published=True, team__isnull=True)),
            run__review_stage=ANALYSIS_SIGNED_OFF,
            run__team__isnull=True,
        )
        .order_by("label"),
        to_attr="public_themes",
    )


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
