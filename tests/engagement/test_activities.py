from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Person, Place
from chorus.directory.rights import subject_access_contents
from chorus.engagement.models import Activity, Attendance, Project
from tests.conftest import sign_in
from tests.factories import ActivityFactory, AttendanceFactory, PlaceFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(db) -> Place:
    return PlaceFactory(name="Cardiff Civil and Family Justice Centre", step_free=True)


def _activity(**fields) -> Activity:
    defaults = {
        "kind": "user_forum",
        "title": "Family court users' forum",
        "starts_at": timezone.now() + timedelta(days=7),
    }
    return ActivityFactory(**{**defaults, **fields})


def test_an_officer_records_an_activity_and_bad_input_is_explained(
    officer_client: Client, place: Place
) -> None:
    url = reverse("engagement:activity_create")
    bad = officer_client.post(
        url, {"kind": "", "title": "", "starts_at": "next tuesday", "is_public": "on"}
    ).content.decode()
    assert (
        "Choose the type of activity" in bad
        and "Enter a title" in bad
        and "Start date must be a real date" in bad
    )
    assert not Activity.objects.exists()
    no_place = officer_client.post(
        url, {"kind": "event", "title": "Open day", "starts_at": "2026-12-01 10:00", "is_public": "on"}
    )
    assert "A public event needs a place or a link to join" in no_place.content.decode()
    response = officer_client.post(
        url,
        {
            "kind": "event",
            "title": "Open day",
            "starts_at": "2026-12-01 10:00",
            "ends_at": "2026-12-01 12:00",
            "place": place.pk,
            "is_public": "on",
        },
    )
    activity = Activity.objects.get()
    assert response.url == reverse("engagement:activity_detail", kwargs={"code": activity.code})
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(activity.code)).exists()


def test_attendees_show_their_needs_and_the_activity_is_on_their_record(
    officer_client: Client, officer: User
) -> None:
    activity = _activity()
    person = make_person(first_name="Gwyn", last_name="Thomas", communication_needs="BSL interpreter")
    officer_client.post(
        reverse("engagement:attendee_set", kwargs={"code": activity.code}),
        {"person": str(person.code), "invitation": "accepted", "attended": "on"},
    )
    attendance = Attendance.objects.get()
    assert attendance.attended and attendance.invitation == "accepted"
    page = officer_client.get(
        reverse("engagement:activity_detail", kwargs={"code": activity.code})
    ).content.decode()
    assert "Gwyn Thomas" in page and "BSL interpreter" in page
    timeline = officer_client.get(
        reverse("directory:person_detail", kwargs={"code": person.code})
    ).content.decode()
    assert "Engagement: Family court users&#x27; forum" in timeline
    assert "attendance.csv" in subject_access_contents(person)


def test_an_outsider_cannot_see_a_team_activity(client: Client, outsider: User, team: Team) -> None:
    activity = _activity(team=team)
    sign_in(client, outsider)
    assert (
        client.get(reverse("engagement:activity_detail", kwargs={"code": activity.code})).status_code == 404
    )
    assert "Family court" not in client.get(reverse("engagement:activity_list")).content.decode()


def test_a_viewer_sees_attendees_without_their_needs(client: Client, viewer: User) -> None:
    activity = _activity()
    person = make_person(first_name="Gwyn", last_name="Thomas", communication_needs="BSL interpreter")
    AttendanceFactory(activity=activity, person=person, attended=True)
    page = (
        sign_in(client, viewer)
        .get(reverse("engagement:activity_detail", kwargs={"code": activity.code}))
        .content.decode()
    )
    assert "Gwyn Thomas" in page and "BSL interpreter" not in page


def test_the_public_calendar_shows_public_events_only_in_english_and_welsh(
    client: Client, place: Place, team: Team
) -> None:
    _activity(title="Open forum", title_cy="Fforwm agored", is_public=True, place=place)
    _activity(title="Internal meeting")
    _activity(title="Team-only event", is_public=True, place=place, team=team)
    english = client.get(reverse("calendar:public_calendar")).content.decode()
    assert "Open forum" in english and "Internal meeting" not in english and "Team-only event" not in english
    assert "Fforwm agored" in client.get("/cy/events/").content.decode()


def test_the_calendar_feed_is_valid_icalendar(client: Client, place: Place) -> None:
    event = _activity(
        title="Forum, with commas; and semicolons",
        summary="Line one\nLine two " + "x" * 120,
        is_public=True,
        place=place,
    )
    response = client.get(reverse("calendar:public_calendar_feed"))
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = parsed.walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "Forum, with commas; and semicolons"
    assert str(events[0]["DESCRIPTION"]).startswith("Line one\nLine two")
    assert str(events[0]["LOCATION"]) == place.name
    assert events[0]["DTSTART"].dt == event.starts_at.replace(microsecond=0)
    assert str(events[0]["UID"]).startswith(str(event.code))


def test_a_past_event_page_offers_its_materials(client: Client, place: Place) -> None:
    event = _activity(
        title="Webinar",
        kind="webinar",
        starts_at=timezone.now() - timedelta(days=3),
        is_public=True,
        online_link="https://meet.example.org/x",
    )
    event.materials.create(
        kind="recording", title="Recording of the webinar", url="https://video.example.org/1"
    )
    page = client.get(reverse("engagement:public_event", kwargs={"code": event.code})).content.decode()
    assert "Catch up" in page and "Recording of the webinar" in page and "Join online" not in page


def test_projects_group_activities(officer_client: Client, team: Team) -> None:
    officer_client.post(
        reverse("engagement:project_create"), {"name": "Online divorce", "stage": "beta", "team": team.pk}
    )
    project = Project.objects.get()
    activity = _activity()
    activity.projects.add(project)
    page = officer_client.get(
        reverse("engagement:project_detail", kwargs={"code": project.code})
    ).content.decode()
    assert "Family court users&#x27; forum" in page


def test_merging_people_moves_their_attendance(officer: User) -> None:
    from chorus.directory.duplicates import person_merge

    activity = _activity()
    survivor = make_person(first_name="Jonathan", last_name="Smith")
    duplicate = make_person(first_name="Jon", last_name="Smith")
    AttendanceFactory(activity=activity, person=duplicate, attended=True)
    person_merge(actor=officer, survivor=survivor, duplicate=duplicate)
    assert Attendance.objects.get().person == survivor
    assert Person.objects.get(pk=duplicate.pk).merged_into == survivor


def test_the_list_counts_who_came_to_each_activity_on_the_page(client: Client, officer: User) -> None:
    busy = ActivityFactory(title="Busy forum", starts_at=timezone.now() - timedelta(days=1))
    quiet = ActivityFactory(title="Quiet forum", starts_at=timezone.now() - timedelta(days=2))
    for _ in range(3):
        AttendanceFactory(activity=busy, attended=True)
    AttendanceFactory(activity=busy, attended=False)  # invited, did not come
    sign_in(client, officer)
    page = client.get(reverse("engagement:activity_list"))
    rows = {a.title: a.people for a in page.context["page"].object_list}
    assert rows == {"Busy forum": 3, "Quiet forum": 0}
    assert quiet.title in page.content.decode()
