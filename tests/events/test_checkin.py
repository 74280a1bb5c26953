"""Check-in at the door: the code and QR code people are sent, marking arrivals (once,
whoever is first), walk-ins matched to the directory, and who may do it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from chorus.core.models import AuditEntry
from chorus.engagement.models import Attendance
from chorus.events import checkin, services
from chorus.events.models import Registration
from tests.conftest import sign_in
from tests.factories import RegistrationSettingsFactory, make_person

# Real commits: emails and the directory match are queued for when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event(team):
    return RegistrationSettingsFactory(activity__team=team).activity


def _register(activity, name: str = "Rhian Jones", email: str = "rhian@example.org") -> Registration:
    registration, _ = services.registration_create(
        activity=activity, name=name, email=email, language="en", answers={}
    )
    registration.refresh_from_db()
    return registration


def test_the_confirmation_carries_the_check_in_code_as_text_and_a_qr_code(event) -> None:
    registration = _register(event)
    [message] = mail.outbox
    code = checkin.code_shown(registration.checkin_code)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert f"Your check-in code is {code}" in message.body
    names = {filename: (content, mimetype) for filename, content, mimetype in message.attachments}
    png, mimetype = names["check-in.png"]
    assert mimetype == "image/png" and png.startswith(b"\x89PNG")


def test_each_registration_gets_its_own_code(event) -> None:
    first = _register(event)
    second = _register(event, "Alun Hughes", "alun@example.org")
    assert first.checkin_code and second.checkin_code and first.checkin_code != second.checkin_code
    # Asking again gives the same code.
    assert checkin.checkin_code(first) == first.checkin_code


def test_the_personal_page_shows_the_code_and_an_inline_qr_code(client: Client, event) -> None:
    registration = _register(event)
    token = services.registration_token(registration)
    page = client.get(reverse("events:manage", kwargs={"token": token})).content.decode()
    assert checkin.code_shown(registration.checkin_code) in page
    assert "<svg" in page and "QR code of your check-in code" in page


def _checkin_url(activity) -> str:
    return reverse("events:checkin", kwargs={"code": activity.code})


def test_two_staff_marking_the_same_person_record_one_arrival(client: Client, officer, admin, event) -> None:
    person = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    registration = _register(event)
    assert registration.person == person
    url = reverse("events:checkin_mark", kwargs={"code": registration.code})
    first, second = sign_in(Client(), officer), sign_in(Client(), admin)
    assert first.post(url, {"arrived": "yes"}).status_code == 302
    arrived_at = Registration.objects.get(pk=registration.pk).arrived_at
    response = second.post(url, {"arrived": "yes"}, follow=True)
    assert response.status_code == 200 and "Rhian Jones has arrived" in response.content.decode()
    registration.refresh_from_db()
    assert registration.arrived_at == arrived_at
    assert Attendance.objects.get(activity=event, person=person).attended
    arrivals = AuditEntry.objects.filter(object_type="events.registration", detail__attended=True)
    assert arrivals.count() == 1
    assert "1 arrived of 1 expected" in first.get(_checkin_url(event)).content.decode()


def test_an_arrival_marked_by_mistake_can_be_undone(officer_client: Client, event) -> None:
    make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    registration = _register(event)
    url = reverse("events:checkin_mark", kwargs={"code": registration.code})
    officer_client.post(url, {"arrived": "yes"})
    officer_client.post(url, {"arrived": "no"})
    registration.refresh_from_db()
    assert registration.arrived_at is None
    assert not Attendance.objects.get(activity=event, person=registration.person).attended


def test_a_scanned_or_typed_code_checks_the_person_in(officer_client: Client, event) -> None:
    registration = _register(event)
    typed = checkin.code_shown(registration.checkin_code).lower().replace("-", " ")
    response = officer_client.post(
        reverse("events:checkin_by_code", kwargs={"code": event.code}), {"checkin_code": typed}, follow=True
    )
    assert "Rhian Jones has arrived" in response.content.decode()
    registration.refresh_from_db()
    assert registration.arrived_at is not None
    wrong = officer_client.post(
        reverse("events:checkin_by_code", kwargs={"code": event.code}), {"checkin_code": "NOPE"}, follow=True
    )
    assert "No one registered for this event has that code" in wrong.content.decode()


def test_staff_find_people_by_name_email_or_code(officer_client: Client, event) -> None:
    rhian = _register(event)
    _register(event, "Alun Hughes", "alun@example.org")
    for query in ("rhian", "rhian@example", checkin.code_shown(rhian.checkin_code)):
        page = officer_client.get(_checkin_url(event), {"q": query}).content.decode()
        assert "Rhian Jones" in page and "Alun Hughes" not in page, query


def test_a_walk_in_is_matched_to_the_person_with_that_email(officer_client: Client, event) -> None:
    person = make_person(first_name="Gwen", last_name="Morgan", emails=["gwen@example.org"])
    response = officer_client.post(
        reverse("events:checkin_walk_in", kwargs={"code": event.code}),
        {"name": "Gwen Morgan", "email": "GWEN@example.org", "consent": "on"},
    )
    assert response.status_code == 302
    walk_in = Registration.objects.get(activity=event)
    assert walk_in.walk_in and walk_in.arrived_at is not None
    assert walk_in.person == person and walk_in.match == Registration.Match.LINKED
    assert Attendance.objects.get(activity=event, person=person).attended


def test_walk_ins_without_an_email_are_added_each_with_their_consent(officer_client: Client, event) -> None:
    url = reverse("events:checkin_walk_in", kwargs={"code": event.code})
    refused = officer_client.post(url, {"name": "Ifan Rees"})
    assert "Ask them to agree before adding them" in refused.content.decode()
    for name in ("Ifan Rees", "Nia Price"):
        assert officer_client.post(url, {"name": name, "consent": "on"}).status_code == 302
    walk_ins = Registration.objects.filter(activity=event, walk_in=True)
    assert walk_ins.count() == 2
    assert all(w.person is not None and w.match == Registration.Match.CREATED for w in walk_ins)


def test_a_registered_person_walking_in_is_marked_arrived_not_added_twice(
    officer_client: Client, event
) -> None:
    registration = _register(event)
    officer_client.post(
        reverse("events:checkin_walk_in", kwargs={"code": event.code}),
        {"name": "Rhian Jones", "email": "rhian@example.org", "consent": "on"},
    )
    assert Registration.objects.filter(activity=event).count() == 1
    registration.refresh_from_db()
    assert registration.arrived_at is not None


def test_a_viewer_is_refused_and_another_team_finds_nothing(client: Client, viewer, outsider, event) -> None:
    registration = _register(event)
    urls = [
        ("get", _checkin_url(event)),
        ("post", reverse("events:checkin_mark", kwargs={"code": registration.code})),
        ("post", reverse("events:checkin_by_code", kwargs={"code": event.code})),
        ("get", reverse("events:checkin_walk_in", kwargs={"code": event.code})),
    ]
    for user, status in ((viewer, 403), (outsider, 404)):
        signed_in = sign_in(Client(), user)
        for method, url in urls:
            assert getattr(signed_in, method)(url).status_code == status, (user, url)
    registration.refresh_from_db()
    assert registration.arrived_at is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_staff_marking_the_same_person_at_the_same_moment_record_one_arrival(officer, event) -> None:
    from tests.events.test_concurrency import CLIENTS, _at_once

    make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    registration = _register(event)
    firsts: list[bool] = []

    def arrive(i: int) -> None:
        found = Registration.objects.get(pk=registration.pk)
        firsts.append(checkin.registration_arrive(actor=officer, request=None, registration=found))

    assert _at_once(arrive) == []
    assert len(firsts) == CLIENTS and firsts.count(True) == 1
    assert AuditEntry.objects.filter(object_type="events.registration", detail__attended=True).count() == 1
    assert Attendance.objects.get(activity=event, person=registration.person).attended


def test_the_activity_page_links_officers_to_check_in_and_files(
    client: Client, officer, viewer, event
) -> None:
    _register(event)
    url = reverse("engagement:activity_detail", kwargs={"code": event.code})
    page = sign_in(client, officer).get(url).content.decode()
    assert _checkin_url(event) in page
    assert reverse("events:materials", kwargs={"code": event.code}) in page
    seen_by_viewer = sign_in(Client(), viewer).get(url).content.decode()
    assert _checkin_url(event) not in seen_by_viewer


def test_a_cancelled_registrations_code_does_not_check_anyone_in(officer_client: Client, event) -> None:
    registration = _register(event)
    services.registration_cancel(actor=None, request=None, registration=registration)
    registration.refresh_from_db()
    response = officer_client.post(
        reverse("events:checkin_by_code", kwargs={"code": event.code}),
        {"checkin_code": registration.checkin_code},
        follow=True,
    )
    page = response.content.decode()
    assert "Rhian Jones has no confirmed place (cancelled)" in page and "has arrived" not in page
    registration.refresh_from_db()
    assert registration.arrived_at is None
    # The service refuses too, whatever calls it.
    assert not checkin.registration_arrive(actor=None, request=None, registration=registration)  # type: ignore[arg-type]


def test_a_walk_in_over_the_number_of_places_needs_staff_to_say_add_anyway(
    officer_client: Client, team
) -> None:
    event = RegistrationSettingsFactory(activity__team=team, capacity=1).activity
    _register(event)
    url = reverse("events:checkin_walk_in", kwargs={"code": event.code})
    page = officer_client.get(url).content.decode()
    assert "place is taken" in page and 'name="over_places"' in page
    refused = officer_client.post(url, {"name": "Ifan Rees", "consent": "on"})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    assert "Every place is taken" in refused.content.decode()
    assert not Registration.objects.filter(activity=event, walk_in=True).exists()
    added = officer_client.post(url, {"name": "Ifan Rees", "consent": "on", "over_places": "on"})
    assert added.status_code == 302
    walk_in = Registration.objects.get(activity=event, walk_in=True)
    assert walk_in.arrived_at is not None
    entry = AuditEntry.objects.filter(object_type="events.registration", action="create").latest("id")
    assert entry.detail.get("over the number of places") is True


def test_someone_registered_who_gives_their_address_at_a_full_event_is_simply_marked_arrived(
    officer_client: Client, team
) -> None:
    event = RegistrationSettingsFactory(activity__team=team, capacity=1).activity
    registration = _register(event)
    url = reverse("events:checkin_walk_in", kwargs={"code": event.code})
    # No "add anyway": they hold the one place.
    added = officer_client.post(url, {"name": "Rhian", "email": "RHIAN@example.org", "consent": "on"})
    assert added.status_code == 302
    registration.refresh_from_db()
    assert registration.arrived_at is not None
    assert Registration.objects.filter(activity=event).count() == 1


def test_someone_on_the_waiting_list_at_a_full_event_is_given_a_place_only_when_staff_say_so(
    officer_client: Client, team
) -> None:
    event = RegistrationSettingsFactory(activity__team=team, capacity=1).activity
    _register(event)
    waiting = _register(event, "Alun Hughes", "alun@example.org")
    assert waiting.status == Registration.Status.WAITING
    url = reverse("events:checkin_walk_in", kwargs={"code": event.code})
    refused = officer_client.post(url, {"name": "Alun Hughes", "email": "alun@example.org", "consent": "on"})
    assert "Every place is taken" in refused.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITING and waiting.arrived_at is None
    added = officer_client.post(
        url, {"name": "Alun Hughes", "email": "alun@example.org", "consent": "on", "over_places": "on"}
    )
    assert added.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED and waiting.arrived_at is not None
    assert Registration.objects.filter(activity=event).count() == 2
    entry = AuditEntry.objects.filter(object_type="events.registration", action="change").latest("id")
    assert entry.detail.get("place confirmed at the door") is True
    assert entry.detail.get("over the number of places") is True


def test_someone_whose_place_is_held_is_confirmed_and_marked_arrived_at_the_door(officer, team) -> None:
    event = RegistrationSettingsFactory(activity__team=team, capacity=1).activity
    held = _register(event)
    Registration.objects.filter(pk=held.pk).update(status=Registration.Status.OFFERED)
    came = checkin.walk_in_add(
        actor=officer, request=None, activity=event, name="Rhian", email="rhian@example.org", language="en"
    )
    assert came.pk == held.pk
    assert came.status == Registration.Status.CONFIRMED and came.arrived_at is not None


def test_an_offer_that_lapses_while_the_walk_in_is_added_takes_no_place_without_add_anyway(
    officer, team, monkeypatch
) -> None:
    """The offer lapses (and its place goes to the next person waiting) between the look-up
    and the places being counted: the walk-in is counted as a new person, so a full event
    asks for "add anyway", and the lapsed registration stays lapsed."""
    event = RegistrationSettingsFactory(activity__team=team, capacity=1).activity
    offered = _register(event)
    Registration.objects.filter(pk=offered.pk).update(status=Registration.Status.OFFERED)
    other = _register(event, "Alun Hughes", "alun@example.org")
    looked_up = checkin.registered_with

    def lapsing(activity, email):
        found = looked_up(activity, email)
        if found is not None and found.status == Registration.Status.OFFERED:
            # What the lapse job does meanwhile (it holds the same lock).
            Registration.objects.filter(pk=found.pk).update(status=Registration.Status.LAPSED)
            Registration.objects.filter(pk=other.pk).update(status=Registration.Status.OFFERED)
        return found

    monkeypatch.setattr(checkin, "registered_with", lapsing)
    with pytest.raises(checkin.PlacesFull):
        checkin.walk_in_add(
            actor=officer,
            request=None,
            activity=event,
            name="Rhian",
            email="rhian@example.org",
            language="en",
        )
    offered.refresh_from_db()
    assert offered.status == Registration.Status.LAPSED and offered.arrived_at is None
    holding = Registration.objects.filter(activity=event, status__in=Registration.HOLDING).count()
    assert holding == 1


def test_a_walk_in_with_places_free_is_not_asked_about_the_number_of_places(
    officer_client: Client, event
) -> None:
    url = reverse("events:checkin_walk_in", kwargs={"code": event.code})
    assert 'name="over_places"' not in officer_client.get(url).content.decode()
    assert officer_client.post(url, {"name": "Ifan Rees", "consent": "on"}).status_code == 302


def test_the_service_refuses_a_walk_in_over_the_places_unless_told_to(officer, team) -> None:
    event = RegistrationSettingsFactory(activity__team=team, capacity=1).activity
    _register(event)
    with pytest.raises(checkin.PlacesFull):
        checkin.walk_in_add(actor=officer, request=None, activity=event, name="A", email="", language="en")
    added = checkin.walk_in_add(
        actor=officer, request=None, activity=event, name="A", email="", language="en", over_places=True
    )
    assert added.walk_in


def test_an_empty_code_says_what_to_enter(officer_client: Client, event) -> None:
    response = officer_client.post(
        reverse("events:checkin_by_code", kwargs={"code": event.code}), {"checkin_code": "  "}, follow=True
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert "Enter the code from the person's confirmation email or QR code" in page
    # Shown as an error to put right (the GOV.UK error summary), not an "Important" notice.
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert "govuk-notification-banner" not in page


def test_an_arrival_is_undone_with_a_button_that_says_so(officer_client: Client, event) -> None:
    registration = _register(event)
    url = reverse("events:checkin_mark", kwargs={"code": registration.code})
    officer_client.post(url, {"arrived": "yes"})
    page = officer_client.get(_checkin_url(event)).content.decode()
    assert "Undo arrival" in page and "Not arrived" not in page
    undone = officer_client.post(url, {"arrived": "no"}, follow=True).content.decode()
    assert "Arrival undone" in undone
