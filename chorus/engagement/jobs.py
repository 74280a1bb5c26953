"""Periodic engagement jobs: reminding project teams of overdue checkpoints, telling each team
weekly of its commitments that need attention, and deriving when each person first came to an
activity afresh."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from chorus.accounts.models import Role, Team, User
from chorus.core.email import email_send_later
from chorus.core.hooks import event_happened
from chorus.core.schedule import periodic
from chorus.core.tasks import background
from chorus.engagement.models import Checkpoint, Commitment, CommitmentDigestSent

# A team hears about an overdue checkpoint when it falls due, then weekly until it is met or waived.
REMIND_AGAIN_AFTER = timedelta(days=7)
# Commitments that fell due this recently and are still open are announced as overdue each
# day; the receiver keeps one event per commitment and due date, so a missed day is caught up.
OVERDUE_ANNOUNCED_FOR = timedelta(days=7)
# The weekly commitments email lists what falls due this soon, beside what is overdue or at risk.
DUE_SOON = timedelta(days=14)


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


def _commitment_lines(commitments: list[Commitment], today: date) -> list[dict[str, object]]:
    return [
        {
            "commitment": c,
            "overdue": c.due_on is not None and c.due_on < today,
            "url": settings.CHORUS_BASE_URL
            + reverse("engagement:commitment_detail", kwargs={"code": c.code}),
        }
        for c in commitments
    ]


def commitment_digests_send(today: date | None = None) -> int:
    """Email each team's editors its open commitments that are overdue or at risk, and those due
    in the next fortnight; a team with none gets nothing. Returns the number of teams emailed.

    A team is emailed at most once a week (Monday to Sunday): the record that it was is
    written in the transaction that queues its emails, and is unique for the team and
    week, so a second run, or one racing this, finds it and sends nothing. The emails are
    queued when that transaction commits: a run stopped before it leaves nothing, and the
    next run sends; one stopped after it has recorded the week, and never sends twice.
    """
    today = today or timezone.localdate()
    week = today - timedelta(days=today.weekday())
    attention = Q(due_on__lt=today) | Q(status__in=[Commitment.Status.AT_RISK, Commitment.Status.LATE])
    open_ = (
        Commitment.objects.exclude(status__in=Commitment.CLOSED)
        .filter(team__isnull=False)
        .exclude(team__in=CommitmentDigestSent.objects.filter(week=week).values("team"))
        .select_related("owner")
        .order_by("due_on", "title")
    )
    needing = defaultdict(list)
    for commitment in open_.filter(attention):
        needing[commitment.team_id].append(commitment)
    soon = defaultdict(list)
    for commitment in open_.exclude(attention).filter(due_on__lte=today + DUE_SOON):
        soon[commitment.team_id].append(commitment)
    sent = 0
    for team in Team.objects.filter(pk__in=needing.keys() | soon.keys()):
        editors = User.objects.filter(
            is_active=True, teams=team, role__in=[Role.ENGAGEMENT_OFFICER, Role.ADMINISTRATOR]
        )
        to = sorted(set(editors.values_list("email", flat=True)))
        if not to:
            continue
        with transaction.atomic():
            _record, created = CommitmentDigestSent.objects.get_or_create(team=team, week=week)
            if not created:
                continue
            # Staff have no language of their own yet: the service's default language.
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "team": team,
                    "needing": _commitment_lines(needing[team.pk], today),
                    "soon": _commitment_lines(soon[team.pk], today),
                    "days": DUE_SOON.days,
                    "list_url": settings.CHORUS_BASE_URL + reverse("engagement:commitment_list"),
                    "service_name": settings.CHORUS_SERVICE_NAME,
                }
                count = len(needing[team.pk]) + len(soon[team.pk])
                subject = ngettext(
                    "%(team)s: %(count)s commitment needs attention this week",
                    "%(team)s: %(count)s commitments need attention this week",
                    count,
                ) % {"team": team.name, "count": count}
                body = render_to_string("engagement/email/commitments_weekly.txt", context)
            for address in to:
                email_send_later(to=[address], subject=subject, body=body)
        sent += 1
    return sent


@periodic(every=timedelta(days=1))
@background(queue="email")
def commitment_digests() -> int:
    """Run daily so that a week whose first run failed is still covered; each team hears once a week."""
    return commitment_digests_send()


@periodic(every=timedelta(days=1))
@background(queue="default")
def first_attended_daily() -> int:
    """Each person's first attendance is kept up to date as attendance, activity dates and
    merges change; deriving it for everyone daily also catches what changed another way
    (the admin site, a database fix)."""
    from chorus.directory.services import people_first_attended_refresh

    return people_first_attended_refresh()


def commitments_overdue_announce(today: date | None = None) -> int:
    """Tell integrations (``core.hooks.event_happened``) of each open commitment now overdue."""
    today = today or timezone.localdate()
    overdue = (
        Commitment.objects.exclude(status__in=Commitment.CLOSED)
        .filter(due_on__lt=today, due_on__gte=today - OVERDUE_ANNOUNCED_FOR)
        .select_related("team")
    )
    count = 0
    with transaction.atomic():
        for commitment in overdue:
            event_happened("commitment_overdue", commitment)
            count += 1
    return count


@periodic(every=timedelta(days=1))
@background(queue="default")
def commitments_overdue() -> int:
    return commitments_overdue_announce()
