"""Data quality: the page lists records with missing information per team, counts are kept
weekly, and each team is emailed its own list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditAction, AuditEntry
from chorus.insights.models import QualitySnapshot
from chorus.insights.quality import counts, snapshot_and_tell
from tests.conftest import sign_in
from tests.factories import ActivityFactory, make_person

pytestmark = pytest.mark.django_db


def test_the_page_lists_what_to_fix_and_teams_are_told_weekly(
    officer_client: Client, officer, team, other_team, django_capture_on_commit_callbacks
) -> None:
    past = timezone.now() - timedelta(days=3)
    mine = ActivityFactory(kind="meeting", title="Meeting with nobody recorded", starts_at=past, team=team)
    ActivityFactory(kind="meeting", title="Other team's meeting", starts_at=past, team=other_team)
    ActivityFactory(kind="meeting", title="Counted meeting", starts_at=past, team=team, unlisted_attendees=12)
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
    ActivityFactory(
        kind="meeting", title="Secret meeting", starts_at=timezone.now() - timedelta(days=1), team=other_team
    )
    page = officer_client.get(reverse("insights:quality") + f"?team={other_team.code}").content.decode()
    assert "Secret meeting" not in page
    assert (
        "Secret meeting"
        not in officer_client.get(reverse("insights:quality") + "?team=nonsense").content.decode()
    )


def test_people_restricted_to_another_team_are_neither_listed_nor_downloaded(
    officer_client: Client, admin, team, other_team
) -> None:
    make_person(first_name="Ola", last_name="Open")
    make_person(first_name="Rhian", last_name="Restricted", team=other_team)
    make_person(first_name="Tomos", last_name="Ours", team=team)
    for query in ("", f"?team={team.code}", f"?team={other_team.code}"):
        page = officer_client.get(reverse("insights:quality") + query).content.decode()
        assert "Ola Open" in page and "Tomos Ours" in page
        assert "Rhian Restricted" not in page
        assert "People with no region: 2" in page
    for key in ("people_without_region", "people_without_consent"):
        csv_text = b"".join(
            officer_client.get(reverse("insights:quality") + f"?download={key}").streaming_content
        ).decode()
        assert "Ola Open" in csv_text and "Rhian Restricted" not in csv_text
    admin_client = sign_in(Client(), admin)
    everyone = admin_client.get(reverse("insights:quality")).content.decode()
    assert "Rhian Restricted" in everyone and "People with no region: 3" in everyone
    theirs = admin_client.get(reverse("insights:quality") + f"?team={other_team.code}").content.decode()
    assert "Rhian Restricted" in theirs and "Tomos Ours" not in theirs


def test_a_viewer_sees_the_counts_but_no_names_and_cannot_download(client: Client, viewer) -> None:
    make_person(first_name="Nia", last_name="Region")
    sign_in(client, viewer)
    page = client.get(reverse("insights:quality")).content.decode()
    assert "People with no region: 1" in page
    assert "Nia Region" not in page and "download=" not in page
    assert "Your role shows the counts only" in page
    response = client.get(reverse("insights:quality") + "?download=people_without_region")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_showing_or_downloading_people_is_recorded_in_the_audit_log(officer_client: Client, officer) -> None:
    make_person(first_name="Nia", last_name="Region")
    officer_client.get(reverse("insights:quality"))
    viewed = AuditEntry.objects.filter(actor=officer, action=AuditAction.VIEW, object_type="directory.person")
    assert viewed.count() == 2  # both lists of people were shown
    assert "People with no region" in " ".join(viewed.values_list("object_repr", flat=True))
    b"".join(
        officer_client.get(reverse("insights:quality") + "?download=people_without_region").streaming_content
    )
    exported = AuditEntry.objects.get(actor=officer, action=AuditAction.EXPORT)
    assert exported.object_type == "directory.person" and exported.detail["records"] == 1
