"""Data quality: the page lists records with missing information per team, counts are kept
weekly, and each team is emailed its own list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.engagement.models import Activity
from chorus.insights.models import QualitySnapshot
from chorus.insights.quality import counts, snapshot_and_tell
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_page_lists_what_to_fix_and_teams_are_told_weekly(
    officer_client: Client, officer, team, other_team, django_capture_on_commit_callbacks
) -> None:
    past = timezone.now() - timedelta(days=3)
    mine = Activity.objects.create(
        kind="meeting", title="Meeting with nobody recorded", starts_at=past, team=team
    )
    Activity.objects.create(kind="meeting", title="Other team's meeting", starts_at=past, team=other_team)
    Activity.objects.create(
        kind="meeting", title="Counted meeting", starts_at=past, team=team, unlisted_attendees=12
    )
    make_person(first_name="Nia", last_name="Region")
    assert counts(team)["activities_without_attendance"] == 1
    page = officer_client.get(reverse("insights:quality") + f"?team={team.code}").content.decode()
    assert "Meeting with nobody recorded" in page and "Other team" not in page and "Nia Region" in page
    csv_text = b"".join(
        officer_client.get(
            reverse("insights:quality") + f"?team={team.code}&download=activities_without_attendance"
        ).streaming_content
    ).decode()
    assert "Meeting with nobody recorded" in csv_text and str(mine.code) in csv_text
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_and_tell()
    to_mine = [m for m in mail.outbox if officer.email in m.to]
    assert len(to_mine) == 1 and "Meeting with nobody recorded" in to_mine[0].body
    assert "Other team's meeting" not in to_mine[0].body
    assert QualitySnapshot.objects.get(team=team, kind="activities_without_attendance").count == 1
    assert (
        "Count each week"
        in officer_client.get(reverse("insights:quality") + f"?team={team.code}").content.decode()
    )
    mine.unlisted_attendees = 5
    mine.save()
    assert counts(team)["activities_without_attendance"] == 0


def test_a_team_not_yours_cannot_be_chosen(officer_client: Client, other_team) -> None:
    Activity.objects.create(
        kind="meeting", title="Secret meeting", starts_at=timezone.now() - timedelta(days=1), team=other_team
    )
    page = officer_client.get(reverse("insights:quality") + f"?team={other_team.code}").content.decode()
    assert "Secret meeting" not in page
    assert (
        "Secret meeting"
        not in officer_client.get(reverse("insights:quality") + "?team=nonsense").content.decode()
    )
