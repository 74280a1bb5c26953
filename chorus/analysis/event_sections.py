"""Analysis on the staff activity page, through ``core.registry``: under the event's
evaluation, a way to analyse the comments people left on what could be better.

It lives here rather than in events, whose evaluation section it follows, because only
analysis knows who may start an analysis and how its start page names an event; events
never imports analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chorus.analysis.models import AnalysisRun
from chorus.analysis.sources import event_comments
from chorus.core.access import can_change, visible_to
from chorus.core.dates import long_date
from chorus.core.registry import PageSection, page_section
from chorus.engagement.models import Activity

if TYPE_CHECKING:
    from chorus.accounts.models import User


def event_start_url(activity: Activity) -> str:
    """The start page with the event's comments chosen."""
    subject = f"{AnalysisRun.Subject.EVENT}:{activity.code}"
    return f"{reverse('analysis:run_start')}?{urlencode({'subject': subject})}"


@page_section("activity")
def activity_comments(user: User, subject: object) -> PageSection | None:
    """Shown to those who may start an analysis, on an activity whose evaluation has comments."""
    if not isinstance(subject, Activity) or not can_change(user, AnalysisRun()):
        return None
    if not event_comments(subject.pk).exists():
        return None
    latest = (
        visible_to(user, AnalysisRun.objects.filter(subject=AnalysisRun.Subject.EVENT, activity=subject))
        .order_by("-created_at")
        .first()
    )
    return PageSection(
        heading=_("Comments from the evaluation"),
        lines=[_("Last analysed on %(date)s.") % {"date": long_date(latest.created_at)}] if latest else [],
        empty=_("People said what could be better. No one has analysed their comments yet."),
        link_url=event_start_url(subject),
        link_text=_("Analyse the comments"),
    )
