"""Every six hours: look for emerging issues in every active service's feedback, and in
every team's enquiries and complaints, and tell the team. Daily: remove fine-tuned
sentiment models whose analysis was deleted. Hourly: drop from analyses the event
evaluation comments events has blanked (erased people's)."""

from __future__ import annotations

from datetime import timedelta

from chorus.analysis.emerging import (
    cases_emerging_detect,
    cases_emerging_notify,
    emerging_notify,
    service_emerging_detect,
)
from chorus.analysis.services import erased_comments_drop, tuned_sentiment_prune
from chorus.core.schedule import periodic
from chorus.core.tasks import background
from chorus.feedback.models import Service


@periodic(every=timedelta(hours=6))
@background(queue="analysis")
def emerging_issues_detect() -> int:
    found = 0
    for service in Service.objects.filter(is_active=True).select_related("team"):
        issues = service_emerging_detect(service)
        emerging_notify(service, issues)
        found += len(issues)
    in_cases = cases_emerging_detect()
    cases_emerging_notify(in_cases)
    return found + len(in_cases)


@periodic(every=timedelta(days=1))
@background(queue="analysis")
def tuned_sentiment_prune_daily() -> int:
    return tuned_sentiment_prune()


@periodic(every=timedelta(hours=1))
@background(queue="analysis")
def erased_comments_drop_hourly() -> int:
    """Catches comments and cases' messages blanked without the erasure hook (events' own
    hourly sweep, cases past their retention period)."""
    return erased_comments_drop()
