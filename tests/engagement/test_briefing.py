"""Adjustments for an activity: what is not met yet, the briefing for the day, the staff home."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.core.models import AuditAction, AuditEntry
from chorus.core.registry import attention_for
from chorus.directory.adjustments import adjustments_save
from chorus.directory.models import Person
from chorus.engagement.models import Activity, Attendance
from tests.conftest import sign_in
from tests.factories import ActivityFactory, AttendanceFactory, PlaceFactory, make_person

pytestmark = pytest.mark.django_db


def _needs(person: Person, needs: dict[str, str], share: set[str]) -> None:
    adjustments_save(person=person, needs=needs, share_with=share, review_on=None, via="staff", actor=None)


@pytest.fixture
def activity(team: Team, officer: User) -> Activity:
    hall = PlaceFactory(name="Town hall", step_free=True, hearing_loop=False)
    activity = ActivityFactory(
        title="Family court forum",
        team=team,
        place=hall,
        organiser=officer,
        starts_at=timezone.now() + timedelta(days=3),
    )
    ann = make_person(
        first_name="Ann", last_name="Agreed", emails=["ann@example.org"], phones=["07700 900 982"], team=team
    )
    ben = make_person(first_name="Ben", last_name="Bryn", team=team)
    rhys = make_person(first_name="Rhys", last_name="Refused", team=team)
    dai = make_person(first_name="Dai", last_name="Declined", team=team)
    _needs(ann, {"hearing_loop": "Left ear", "step_free": ""}, {"event_team"})
    _needs(ben, {"hearing_loop": ""}, {"event_team", "venue"})
    _needs(rhys, {"easy_read": "Large pictures"}, {"venue"})
    _needs(dai, {"hearing_loop": ""}, {"event_team"})
    for person in (ann, ben, rhys):
        AttendanceFactory(activity=activity, person=person, invitation=Attendance.Invitation.ACCEPTED)
    AttendanceFactory(activity=activity, person=dai, invitation=Attendance.Invitation.DECLINED)
    # Declining another activity says nothing about this one.
    AttendanceFactory(
        activity=ActivityFactory(team=team), person=ann, invitation=Attendance.Invitation.DECLINED
    )
    return activity


def test_the_activity_page_says_what_the_venue_does_not_meet(
    client: Client, officer: User, activity: Activity
) -> None:
    body = (
        sign_in(client, officer)
        .get(reverse("engagement:activity_detail", kwargs={"code": activity.code}))
        .content.decode()
    )
    assert "Hearing loop: 2 people need this; the venue has none recorded." in body
    assert "Step-free access: " not in body  # the hall has it
    assert "Large pictures" not in body  # Rhys did not agree to share with the event team
    assert reverse("engagement:activity_briefing", kwargs={"code": activity.code}) in body


def test_the_briefing_lists_only_those_who_agreed_with_no_contact_details(
    client: Client, officer: User, activity: Activity
) -> None:
    body = (
        sign_in(client, officer)
        .get(reverse("engagement:activity_briefing", kwargs={"code": activity.code}))
        .content.decode()
    )
    assert "Ann Agreed" in body and "Left ear" in body and "Ben Bryn" in body
    assert "Rhys Refused" not in body and "Large pictures" not in body
    assert "Dai Declined" not in body
    assert "ann@example.org" not in body and "07700" not in body
    ann = Person.objects.get(last_name="Agreed")
    assert AuditEntry.objects.filter(object_id=str(ann.code), actor=officer, action=AuditAction.VIEW).exists()


def test_the_briefing_pdf_download_is_audited(client: Client, officer: User, activity: Activity) -> None:
    response = sign_in(client, officer).get(
        reverse("engagement:activity_briefing_pdf", kwargs={"code": activity.code})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        object_id=str(activity.code), actor=officer, action=AuditAction.EXPORT
    ).exists()
    ann, rhys = Person.objects.get(last_name="Agreed"), Person.objects.get(last_name="Refused")
    assert AuditEntry.objects.filter(object_id=str(ann.code), action=AuditAction.EXPORT).exists()
    assert not AuditEntry.objects.filter(object_id=str(rhys.code), action=AuditAction.EXPORT).exists()


def test_viewers_and_other_teams_do_not_get_the_briefing(
    client: Client, viewer: User, outsider: User, activity: Activity
) -> None:
    for url in ("engagement:activity_briefing", "engagement:activity_briefing_pdf"):
        assert sign_in(client, viewer).get(reverse(url, kwargs={"code": activity.code})).status_code == 403
        assert sign_in(client, outsider).get(reverse(url, kwargs={"code": activity.code})).status_code == 404


def test_the_organiser_is_told_on_their_staff_home(officer: User, activity: Activity, admin: User) -> None:
    items = [i for i in attention_for(officer) if str(i.title) == "Adjustments not yet met"]
    assert len(items) == 1 and items[0].count == 1 and "Family court forum" in str(items[0].description)
    assert not [i for i in attention_for(admin) if str(i.title) == "Adjustments not yet met"]  # not theirs


def test_an_online_activity_needs_no_hearing_loop(officer: User, activity: Activity) -> None:
    activity.place = None
    activity.online_link = "https://meet.example.org/abc"
    activity.save()
    items: list[Any] = [i for i in attention_for(officer) if str(i.title) == "Adjustments not yet met"]
    assert items == []
