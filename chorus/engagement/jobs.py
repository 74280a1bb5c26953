"""Periodic engagement jobs: reminding project teams of overdue checkpoints, and deriving when
each person first came to an activity afresh."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Role, User
from chorus.core.email import email_send_later
from chorus.core.schedule import periodic
from chorus.core.tasks import background
from chorus.engagement.models import Checkpoint

# A team hears about an overdue checkpoint when it falls due, then weekly until it is met or waived.
REMIND_AGAIN_AFTER = timedelta(days=7)


def checkpoint_reminders_send() -> int:
    """Email each project team the checkpoints now overdue; projects with no team go to
    administrators. Returns the number of emails queued."""
    today = timezone.localdate()
    due = (
        Checkpoint.objects.not_engaged()
        .filter(due_on__lt=today, waived_reason="")
        .exclude(reminded_on__gt=today - REMIND_AGAIN_AFTER)
        .select_related("project__team", "group", "stage")
        .order_by("project__name", "due_on")
    )
    by_team: dict[int | None, list[Checkpoint]] = defaultdict(list)
    for checkpoint in due:
        by_team[checkpoint.project.team_id].append(checkpoint)
    sent = 0
    with transaction.atomic():
        for team_id, checkpoints in by_team.items():
            people = User.objects.filter(is_active=True)
            people = (
                people.filter(teams=team_id, role__in=[Role.ENGAGEMENT_OFFICER, Role.ADMINISTRATOR])
                if team_id
                else people.filter(role=Role.ADMINISTRATOR)
            )
            to = sorted(set(people.values_list("email", flat=True)))
            if not to:
                continue
            lines = [
                {
                    "checkpoint": c,
                    "url": settings.CHORUS_BASE_URL
                    + reverse("engagement:project_detail", kwargs={"code": c.project.code}),
                }
                for c in checkpoints
            ]
            team = checkpoints[0].project.team
            body = render_to_string(
                "engagement/email/checkpoints_overdue.txt",
                {"team": team, "lines": lines, "service_name": settings.CHORUS_SERVICE_NAME},
            )
            email_send_later(
                to=to,
                subject=f"{len(checkpoints)} engagement checkpoint(s) overdue"
                + (f" for {team.name}" if team else ""),
                body=body,
            )
            Checkpoint.objects.filter(pk__in=[c.pk for c in checkpoints]).update(reminded_on=today)
            sent += 1
    return sent


@periodic(every=timedelta(days=1))
@background(queue="email")
def checkpoint_reminders() -> int:
    return checkpoint_reminders_send()


@periodic(every=timedelta(days=1))
@background(queue="default")
def first_attended_daily() -> int:
    """Each person's first attendance is kept up to date as attendance, activity dates and
    merges change; deriving it for everyone daily also catches what changed another way
    (the admin site, a database fix)."""
    from chorus.directory.services import people_first_attended_refresh

    return people_first_attended_refresh()
