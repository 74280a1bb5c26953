"""The evaluation's results on engagement's pages, through ``core.registry``: a section on
the staff activity page, and "quality of engagement" on the engagement report's page and
in its CSV and PDF. Figures from fewer people than the disclosure threshold are hidden."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from chorus.core.access import staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.registry import ExportSection, PageSection, export_section, page_section
from chorus.engagement.models import Activity
from chorus.events.evaluation import Results, evaluation_results, result_lines

if TYPE_CHECKING:
    from django.http import HttpRequest

    from chorus.accounts.models import User


@page_section("activity")
def activity_evaluation(user: User, subject: object) -> PageSection | None:
    if not isinstance(subject, Activity):
        return None
    results = evaluation_results([subject])
    if results is None:
        return None
    return PageSection(
        heading=_("How it went: the evaluation"),
        lines=result_lines(results),
        empty="",
        link_url=reverse("events:registration_list", kwargs={"code": subject.code}),
        link_text=_("Registrations and attendance"),
    )


def _activities(user: User, subject: object) -> QuerySet[Activity] | None:
    """The activities the report covers (its period, project and team), as ``user`` may see them."""
    start, end = getattr(subject, "start", None), getattr(subject, "end", None)
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    activities = visible_to(user, Activity.objects.filter(starts_at__gte=since, starts_at__lt=until))
    if (project := getattr(subject, "project", None)) is not None:
        activities = activities.filter(projects=project)
    if (team := getattr(subject, "team", None)) is not None:
        activities = activities.filter(Q(team=team) | Q(projects__team=team)).distinct()
    return activities


@page_section("engagement_report")
def report_quality(user: User, subject: object) -> PageSection | None:
    activities = _activities(user, subject)
    if activities is None:
        return None
    results = evaluation_results(activities)
    return PageSection(
        heading=_("Quality of engagement"),
        lines=result_lines(results) if results else [],
        empty=_("No evaluation was sent after the activities in this period."),
        link_url=reverse("engagement:activity_list"),
        link_text=_("Activities"),
    )


def _figure(value: float | int | None) -> str | Promise | int | float:
    return (
        _("Too small to report")
        if value is None
        else (round(value, 1) if isinstance(value, float) else value)
    )


@export_section("engagement_report")
def report_quality_table(request: HttpRequest, subject: object) -> list[ExportSection]:
    """Quality of engagement in the report's CSV and PDF, the figures the page shows."""
    user = staff_user(request)
    activities = _activities(user, subject)
    if activities is None:
        return []
    results: Results | None = evaluation_results(activities)
    if results is None:
        return []
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        request=request,
        object_type="events.evaluation",
        detail={"download": "engagement report", "quality of engagement": True},
    )
    rows: list[list[str | Promise | int | float]] = [
        [_("Sent to people who came"), results.asked],
        [_("Answered"), _figure(results.answered)],
        [_("How useful, average out of 5"), _figure(results.useful)],
        [_("Felt listened to, average out of 5"), _figure(results.listened)],
        *[
            [_("Could take part fully: %(answer)s") % {"answer": label}, _figure(count)]
            for label, count in results.accessible
        ],
    ]
    return [
        ExportSection(
            heading=_("Quality of engagement"),
            note=_("From the evaluation sent after each activity people registered for."),
            header=[_("Measure"), _("Figure")],
            rows=rows,
        )
    ]
