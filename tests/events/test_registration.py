"""Registration for events: staff open it, the public register without an account, places
are never given twice, the waiting list moves on, and the emails carry what people need."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from chorus.core.models import AuditEntry
from chorus.directory.models import Consent, ContactPoint, Person
from chorus.engagement.models import Attendance
from chorus.events import services
from chorus.events.jobs import reminders_send
from chorus.events.models import CustomQuestion, Registration, RegistrationSettings
from tests.factories import ActivityFactory, RegistrationSettingsFactory, make_person

# Real commits: emails and the directory match are queued for when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def _register(
    client: Client,
    settings_: RegistrationSettings,
    *,
    name: str = "Rhian Jones",
    email: str = "rhian@example.org",
    prefix: str = "",
    answers: dict[str, str] | None = None,
) -> Client:
    """Walk the journey: details, the questions if any, check your answers, register.
    ``prefix``: "/cy" walks it in Welsh."""
    code = settings_.activity.code
    with translation.override("cy" if prefix else "en"):
        details, check = (
            reverse(name, kwargs={"code": code})
            for name in ("events:register_details", "events:register_check")
        )
    response = client.post(details, {"name": name, "email": email, "agree": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    if "questions" in response["Location"]:
        response = client.post(response["Location"], answers or {})
        assert response.status_code == 302
    page = client.get(check)
    submission = re.search(r'name="submission" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(check, {"submission": submission})
    assert response.status_code == 302
    return client


def _manage_link(message: mail.EmailMessage) -> str:
    return re.search(r"https?://[^\s]+/events/registration/[^\s/]+/", message.body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


# Staff ----------------------------------------------------------------------------------


def test_an_officer_opens_registration_with_questions_and_it_is_audited(
    officer_client: Client, officer
) -> None:
    activity = ActivityFactory(team=officer.teams.first(), starts_at=timezone.now() + timedelta(days=10))
    url = reverse("events:registration_settings", kwargs={"code": activity.code})
    response = officer_client.post(
        url,
        {
            "is_open": "yes",
            "capacity": "30",
            "mode": "online",
            "joining_link": "https://meet.example.org/forum",
            "needs_approval": "no",
            "questions": ["organisation", "adjustments"],
            "offer_hours": "24",
            "reminder_days": "1, 7",
            "custom_1_label": "What would you like to discuss?",
            "custom_1_label_cy": "Beth hoffech chi ei drafod?",
            "custom_1_required": "on",
        },
    )
    assert response.status_code == 302
    saved = RegistrationSettings.objects.get(activity=activity)
    assert (saved.capacity, saved.offer_hours, saved.reminder_days) == (30, 24, [7, 1])
    assert saved.questions == ["organisation", "adjustments"]
    assert CustomQuestion.objects.get(settings=saved).label_cy == "Beth hoffech chi ei drafod?"
    assert AuditEntry.objects.filter(object_type="events.registrationsettings", actor=officer).exists()
    page = officer_client.get(reverse("engagement:activity_detail", kwargs={"code": activity.code}))
    assert "0 of 30 places taken" in page.content.decode()


def test_the_settings_form_says_how_to_fix_each_mistake(officer_client: Client, officer) -> None:
    activity = ActivityFactory(team=officer.teams.first(), starts_at=timezone.now() + timedelta(days=10))
    response = officer_client.post(
        reverse("events:registration_settings", kwargs={"code": activity.code}),
        {
            "is_open": "yes",
            "capacity": "0",
            "mode": "online",
            "needs_approval": "no",
            "offer_hours": "48",
            "reminder_days": "7, soon",
            "custom_2_label_cy": "Cwestiwn",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    for message in (
        "The number of places must be 1 or more",
        "Enter the link people use to join the event online",
        "Enter whole numbers of days from 1 to 60",
        "Enter question 2 in English",
    ):
        assert message in text
    assert not RegistrationSettings.objects.exists()


def test_a_closing_date_already_past_is_refused_unless_it_was_saved_before(
    officer_client: Client, officer
) -> None:
    activity = ActivityFactory(team=officer.teams.first(), starts_at=timezone.now() + timedelta(days=10))
    url = reverse("events:registration_settings", kwargs={"code": activity.code})
    last_year = timezone.localtime() - timedelta(days=365)
    form = {
        "is_open": "yes",
        "capacity": "30",
        "mode": "in_person",
        "needs_approval": "no",
        "offer_hours": "48",
        "closes_at_day": str(last_year.day),
        "closes_at_month": str(last_year.month),
        "closes_at_year": str(last_year.year),
        "closes_at_time": "5pm",
    }
    response = officer_client.post(url, form)
    assert response.status_code == 200
    assert "The closing date is in the past" in response.content.decode()
    assert not RegistrationSettings.objects.exists()
    # Saved earlier (registration has since closed), it may stay while other things change.
    closed = RegistrationSettingsFactory(
        activity=activity, closes_at=last_year.replace(hour=17, minute=0, second=0, microsecond=0)
    )
    response = officer_client.post(url, {**form, "capacity": "40"})
    assert response.status_code == 302, response.content.decode()
    closed.refresh_from_db()
    assert closed.capacity == 40


def test_an_outsider_cannot_see_the_registrations(client: Client, outsider, team) -> None:
    settings_ = RegistrationSettingsFactory(activity__team=team)
    services.registration_create(
        activity=settings_.activity, name="A B", email="a@example.org", language="en", answers={}
    )
    from tests.conftest import sign_in

    sign_in(client, outsider)
    assert (
        client.get(reverse("events:registration_list", kwargs={"code": settings_.activity.code})).status_code
        == 404
    )


def test_a_viewer_sees_registrants_but_not_their_email(client: Client, viewer, team) -> None:
    settings_ = RegistrationSettingsFactory(activity__team=team)
    services.registration_create(
        activity=settings_.activity, name="Alun Hughes", email="alun@example.org", language="en", answers={}
    )
    from tests.conftest import sign_in

    sign_in(client, viewer)
    text = client.get(
        reverse("events:registration_list", kwargs={"code": settings_.activity.code})
    ).content.decode()
    assert "Alun Hughes" in text and "alun@example.org" not in text
    assert AuditEntry.objects.filter(object_type="events.registration", actor=viewer).exists()


# The public journey ---------------------------------------------------------------------


def test_someone_registers_and_gets_a_confirmation_with_a_calendar_file(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(questions=["organisation", "adjustments"])
    place = settings_.activity
    _register(
        client,
        settings_,
        answers={
            "organisation": "Shelter Cymru",
            "adjustment_categories": ["hearing_loop"],
            "adjustments": "Front row",
        },
    )
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.answers == {"organisation": "Shelter Cymru"}
    adjustments = services.registration_adjustments(registration)
    assert adjustments.categories == ["hearing_loop"] and adjustments.text == "Front row"
    done = client.get(reverse("events:register_done", kwargs={"code": place.code}))
    assert "Registration complete" in done.content.decode()
    [message] = mail.outbox
    assert message.to == ["rhian@example.org"]
    assert "Your place at" in message.subject
    (filename, content, mimetype), _check_in = message.attachments  # and the QR code (test_checkin)
    assert (filename, mimetype) == ("event.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content and f"SUMMARY:{place.title}" in content
    assert f"DTSTART:{place.starts_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}" in content
    assert _manage_link(message) in content.replace("\r\n ", "")


def test_an_online_events_joining_link_is_only_for_people_with_a_place(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(
        capacity=1, mode="online", joining_link="https://meet.example.org/x"
    )
    public = client.get(
        reverse("engagement:public_event", kwargs={"code": settings_.activity.code})
    ).content.decode()
    assert "meet.example.org/x" not in public
    _register(client, settings_)
    _register(Client(), settings_, name="Second Person", email="second@example.org")
    placed, waiting = mail.outbox
    assert "https://meet.example.org/x" in placed.body
    assert "meet.example.org/x" not in waiting.body
    assert "waiting list" in waiting.subject


def test_someone_waiting_for_approval_gets_no_joining_link_nor_reminder() -> None:
    settings_ = RegistrationSettingsFactory(
        needs_approval=True, mode="online", joining_link="https://meet.example.org/y", reminder_days=[1]
    )
    _quick(settings_, 1)
    assert reminders_send(now=settings_.activity.starts_at - timedelta(hours=2)) == 0
    [received] = mail.outbox
    assert "meet.example.org/y" not in received.body and not received.attachments


def _at_check_your_answers(client: Client) -> tuple[RegistrationSettings, str]:
    """Dai Evans's details typed for a new event: its settings and the check page's submission id."""
    settings_ = RegistrationSettingsFactory()
    code = settings_.activity.code
    client.post(
        reverse("events:register_details", kwargs={"code": code}),
        {"name": "Dai Evans", "email": "dai@example.org", "agree": "on"},
    )
    page = client.get(reverse("events:register_check", kwargs={"code": code})).content.decode()
    return settings_, re.search(r'name="submission" value="([^"]+)"', page).group(1)


def test_a_double_submit_registers_once(client: Client) -> None:
    settings_, submission = _at_check_your_answers(client)
    code = settings_.activity.code
    for _ in range(3):
        response = client.post(
            reverse("events:register_check", kwargs={"code": code}), {"submission": submission}
        )
        assert response.status_code == 302
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_double_submit_racing_the_first_is_sent_to_the_confirmation_not_an_error(client: Client) -> None:
    """The second of two submits sent at once can lose the race to the database's one-live-
    registration rule; it is sent on to the confirmation the first one recorded, never a 500."""
    from unittest import mock

    from django.db import IntegrityError

    settings_, submission = _at_check_your_answers(client)
    code = settings_.activity.code
    # The first request registered them (from another client here) just before this one's
    # insert failed.
    first = services.registration_create(
        activity=settings_.activity, name="Dai Evans", email="dai@example.org", language="en", answers={}
    )[0]
    with mock.patch.object(services, "registration_create", side_effect=IntegrityError("unique")):
        response = client.post(
            reverse("events:register_check", kwargs={"code": code}), {"submission": submission}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("events:register_done", kwargs={"code": code})
    done = client.get(response["Location"])
    assert done.status_code == 200 and done.context["registration"] == first


def test_the_same_address_from_another_browser_registers_once(client: Client) -> None:
    settings_ = RegistrationSettingsFactory()
    _register(client, settings_, email="Dai@Example.org")
    second = _register(Client(), settings_, email="dai@example.org")
    assert Registration.objects.count() == 1
    done = second.get(reverse("events:register_done", kwargs={"code": settings_.activity.code}))
    assert "already registered" in done.content.decode()


def test_the_mistakes_people_make_are_explained(client: Client) -> None:
    settings_ = RegistrationSettingsFactory()
    CustomQuestion.objects.create(settings=settings_, label="Your question", required=True)
    url = reverse("events:register_details", kwargs={"code": settings_.activity.code})
    text = client.post(url, {"name": " ", "email": "not-an-email"}).content.decode()
    for message in (
        "Enter your full name",
        "Enter an email address in the correct format, like name@example.com",
        "Tick the box to agree",
    ):
        assert message in text
    client.post(url, {"name": "Ann Lee", "email": "ann@example.org", "agree": "on"})
    text = client.post(
        reverse("events:register_questions", kwargs={"code": settings_.activity.code}), {}
    ).content.decode()
    assert "Answer “Your question”" in text


@pytest.mark.parametrize(
    ("change", "heading"),
    [
        ({"is_open": False}, "Registration has closed"),
        ({"closes_at": timezone.now() - timedelta(hours=1)}, "Registration has closed"),
        ({"opens_at": timezone.now() + timedelta(days=2)}, "Registration is not open yet"),
    ],
)
def test_closed_or_not_yet_open_registration_has_a_clear_page(client: Client, change, heading) -> None:
    settings_ = RegistrationSettingsFactory(**change)
    code = settings_.activity.code
    for url in ("events:register_details", "events:register_questions", "events:register_check"):
        response = client.get(reverse(url, kwargs={"code": code}))
        assert response.status_code == 200 and heading in response.content.decode()
    response = client.post(
        reverse("events:register_details", kwargs={"code": code}),
        {"name": "A B", "email": "a@example.org", "agree": "on"},
    )
    assert response.status_code == 200 and heading in response.content.decode()
    assert not Registration.objects.exists()


def test_the_public_event_page_links_to_registration_and_says_when_full(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(capacity=1)
    url = reverse("engagement:public_event", kwargs={"code": settings_.activity.code})
    assert "Register for this event" in client.get(url).content.decode()
    services.registration_create(
        activity=settings_.activity, name="A B", email="a@example.org", language="en", answers={}
    )
    assert "Join the waiting list" in client.get(url).content.decode()


def test_a_welsh_registrant_gets_welsh_links_and_is_kept_in_welsh(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(activity__title_cy="Fforwm defnyddwyr")
    _register(client, settings_, prefix="/cy")
    registration = Registration.objects.get()
    assert registration.language == "cy"
    [message] = mail.outbox
    assert "/cy/events/registration/" in message.body
    assert "Fforwm defnyddwyr" in message.subject
    assert "SUMMARY:Fforwm defnyddwyr" in message.attachments[0][1]


# Capacity and the waiting list ----------------------------------------------------------


def _quick(settings_: RegistrationSettings, n: int) -> list[Registration]:
    return [
        services.registration_create(
            activity=settings_.activity,
            name=f"Person {i}",
            email=f"p{i}@example.org",
            language="en",
            answers={},
        )[0]
        for i in range(n)
    ]


def test_places_are_never_more_than_capacity_and_the_rest_wait_in_order() -> None:
    settings_ = RegistrationSettingsFactory(capacity=2)
    people = _quick(settings_, 5)
    assert [p.status for p in people] == ["confirmed", "confirmed", "waiting", "waiting", "waiting"]
    assert services.registration_counts(settings_).taken == 2


def test_a_cancellation_offers_the_place_to_the_next_person_who_can_accept_it(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(capacity=1, offer_hours=24)
    first, second, third = _quick(settings_, 3)
    mail.outbox.clear()
    link = _path(_manage_link_for(first))
    client.post(link + "cancel/", {"confirm": "yes"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "cancelled" and second.status == "offered"
    assert timedelta(hours=23) < second.offer_expires_at - timezone.now() <= timedelta(hours=24)
    offer = next(m for m in mail.outbox if m.to == ["p1@example.org"])
    assert "A place is free" in offer.subject
    client.post(_path(_manage_link(offer)), {"action": "accept"})
    second.refresh_from_db()
    assert second.status == "confirmed"
    assert Registration.objects.get(pk=third.pk).status == "waiting"


def _manage_link_for(registration: Registration) -> str:
    return "http://testserver" + reverse(
        "events:manage", kwargs={"token": services.registration_token(registration)}
    )


def test_an_offer_not_taken_up_lapses_and_goes_to_the_next_person() -> None:
    settings_ = RegistrationSettingsFactory(capacity=1, offer_hours=48)
    first, second, third = _quick(settings_, 3)
    services.registration_cancel(registration=first)
    second.refresh_from_db()
    assert second.status == "offered"
    assert services.offers_lapse(now=timezone.now() + timedelta(hours=47)) == 0
    assert services.offers_lapse(now=timezone.now() + timedelta(hours=49)) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("lapsed", "offered")
    assert not services.registration_accept_offer(registration=second)
    assert services.registration_counts(settings_).taken == 1


def test_staff_approve_decline_and_move_people(officer_client: Client, officer) -> None:
    settings_ = RegistrationSettingsFactory(
        capacity=1, needs_approval=True, activity__team=officer.teams.first()
    )
    first, second = _quick(settings_, 2)
    assert (first.status, second.status) == ("pending", "waiting")

    def decide(registration: Registration, decision: str) -> str:
        officer_client.post(
            reverse("events:registration_decide", kwargs={"code": registration.code}), {"decision": decision}
        )
        registration.refresh_from_db()
        return registration.status

    assert decide(second, "give_place") == "waiting"  # every place is taken
    assert decide(first, "approve") == "confirmed"
    assert decide(first, "to_waiting_list") == "waiting"
    assert decide(second, "give_place") == "confirmed"
    assert decide(first, "decline") == "declined"
    page = officer_client.get(reverse("events:registration_list", kwargs={"code": settings_.activity.code}))
    assert "1 of 1 taken" in page.content.decode()


def test_raising_the_number_of_places_offers_them_to_the_waiting_list(officer) -> None:
    settings_ = RegistrationSettingsFactory(capacity=1)
    _first, second = _quick(settings_, 2)
    services.registration_settings_save(
        actor=officer,
        request=None,
        activity=settings_.activity,
        values={"capacity": 2},
        custom=[],
    )
    second.refresh_from_db()
    assert second.status == "offered"


# Personal links -------------------------------------------------------------------------


def test_a_tampered_or_made_up_link_is_refused(client: Client) -> None:
    settings_ = RegistrationSettingsFactory()
    [registration] = _quick(settings_, 1)
    token = services.registration_token(registration)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), str(registration.code), "x"):
        response = client.get(reverse("events:manage", kwargs={"token": bad}))
        assert response.status_code == 404 and "This link does not work" in response.content.decode()
        client.post(reverse("events:manage_cancel", kwargs={"token": bad}), {"confirm": "yes"})
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_registrant_changes_their_answers_from_their_link(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(questions=["dietary"])
    [registration] = _quick(settings_, 1)
    url = reverse("events:manage_change", kwargs={"token": services.registration_token(registration)})
    assert client.post(url, {"name": "", "dietary": "Vegan"}).status_code == 200
    client.post(url, {"name": "Person Zero", "dietary": "Vegan"})
    registration.refresh_from_db()
    assert registration.answers == {"dietary": "Vegan"}


# The directory and attendance -----------------------------------------------------------


def test_a_registrant_with_a_known_email_is_linked_and_their_place_is_attendance() -> None:
    person = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    settings_ = RegistrationSettingsFactory()
    registration, _ = services.registration_create(
        activity=settings_.activity, name="Rhian Jones", email="RHIAN@example.org", language="en", answers={}
    )
    registration.refresh_from_db()
    assert registration.person == person and registration.match == "linked"
    attendance = Attendance.objects.get(activity=settings_.activity, person=person)
    assert attendance.invitation == Attendance.Invitation.ACCEPTED
    services.registration_cancel(registration=registration)
    attendance.refresh_from_db()
    assert attendance.invitation == Attendance.Invitation.DECLINED


def test_a_new_registrant_is_added_to_the_directory_with_their_consent() -> None:
    settings_ = RegistrationSettingsFactory()
    registration, _ = services.registration_create(
        activity=settings_.activity, name="Gwen Morgan", email="gwen@example.org", language="cy", answers={}
    )
    registration.refresh_from_db()
    assert registration.match == "created"
    person = registration.person
    assert (person.first_name, person.last_name, person.preferred_language) == ("Gwen", "Morgan", "cy")
    assert ContactPoint.objects.filter(person=person, normalised="gwen@example.org").exists()
    consent = Consent.objects.get(person=person)
    assert consent.lawful_basis == "consent" and settings_.activity.title in consent.source
    assert Person.objects.count() == 1


# Reminders ------------------------------------------------------------------------------


def test_reminders_go_once_each_on_their_days() -> None:
    settings_ = RegistrationSettingsFactory(
        reminder_days=[7, 1], activity__starts_at=timezone.now() + timedelta(days=10)
    )
    _quick(settings_, 1)
    starts = settings_.activity.starts_at
    mail.outbox.clear()
    assert reminders_send(now=starts - timedelta(days=8)) == 0
    assert reminders_send(now=starts - timedelta(days=7)) == 1
    assert reminders_send(now=starts - timedelta(days=6)) == 0
    assert reminders_send(now=starts - timedelta(hours=23)) == 1
    assert reminders_send(now=starts - timedelta(hours=22)) == 0
    assert [m.subject for m in mail.outbox] == [f"Reminder: {settings_.activity.title}"] * 2
    assert "events/registration/" in mail.outbox[0].body


def test_someone_registering_after_a_reminder_day_gets_only_the_later_one() -> None:
    settings_ = RegistrationSettingsFactory(
        reminder_days=[7, 1], activity__starts_at=timezone.now() + timedelta(days=3)
    )
    _quick(settings_, 1)
    starts = settings_.activity.starts_at
    mail.outbox.clear()
    assert reminders_send(now=timezone.now() + timedelta(minutes=1)) == 0
    assert reminders_send(now=starts - timedelta(hours=20)) == 1


def test_erasing_a_person_takes_their_details_out_of_their_registrations() -> None:
    from chorus.directory.rights import person_erase
    from chorus.events.jobs import registrations_of_erased_people_blank

    settings_ = RegistrationSettingsFactory(questions=["dietary"])
    registration, _ = services.registration_create(
        activity=settings_.activity,
        name="Gwen Morgan",
        email="gwen@example.org",
        language="en",
        answers={"dietary": "Vegan"},
    )
    registration.refresh_from_db()
    person_erase(actor=None, person=registration.person)
    # Blanked in the erasure itself (core's person_erased hook): the hourly sweep finds nothing.
    registration.refresh_from_db()
    assert (registration.name, registration.email, registration.answers) == ("", "", {})
    assert registration.checkin_code is None
    assert registrations_of_erased_people_blank() == 0
    assert services.registration_counts(settings_).taken == 1


def test_registrations_waiting_for_approval_are_on_the_officers_staff_home(officer, viewer) -> None:
    from chorus.core.registry import attention_for

    settings_ = RegistrationSettingsFactory(needs_approval=True, activity__team=officer.teams.first())
    _quick(settings_, 2)
    [item] = [i for i in attention_for(officer) if i.title == "Registrations to approve"]
    assert item.count == 2 and settings_.activity.title in item.description
    assert not [i for i in attention_for(viewer) if i.title == "Registrations to approve"]


def test_declining_is_asked_first_then_done(officer_client: Client, officer) -> None:
    settings_ = RegistrationSettingsFactory(activity__team=officer.teams.first())
    [registration] = _quick(settings_, 1)
    url = reverse("events:registration_decline", kwargs={"code": registration.code})
    page = officer_client.get(url).content.decode()
    assert "Decline Person 0\N{RIGHT SINGLE QUOTATION MARK}s registration?" in page
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert officer_client.post(url, {"decision": "decline"}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == "declined"


def test_places_cannot_be_cut_below_the_people_who_hold_them(officer_client: Client, officer) -> None:
    settings_ = RegistrationSettingsFactory(capacity=3, activity__team=officer.teams.first())
    _quick(settings_, 2)
    response = officer_client.post(
        reverse("events:registration_settings", kwargs={"code": settings_.activity.code}),
        {"is_open": "yes", "capacity": "1", "mode": "in_person", "needs_approval": "no", "offer_hours": "48"},
    )
    assert "2 people already have places. Enter 2 or more" in response.content.decode()
    settings_.refresh_from_db()
    assert settings_.capacity == 3


def test_one_new_person_registering_for_two_events_at_once_is_added_once() -> None:
    from chorus.events.matching import registration_match_directory

    first, second = RegistrationSettingsFactory(), RegistrationSettingsFactory()
    for settings_ in (first, second):
        Registration.objects.create(
            activity=settings_.activity,
            name="Ifan Price",
            email="ifan@example.org",
            email_normalised="ifan@example.org",
            status="confirmed",
        )
    assert registration_match_directory() == 2
    assert Person.objects.count() == 1
    assert set(Registration.objects.values_list("match", flat=True)) == {"created", "linked"}
    assert Attendance.objects.filter(person=Person.objects.get()).count() == 2
    assert registration_match_directory() == 0


def test_an_event_taking_registrations_keeps_its_joining_link_for_those_with_a_place(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(
        activity__online_link="https://meet.example.org/secret-room", activity__place=None
    )
    page = client.get(reverse("engagement:public_event", kwargs={"code": settings_.activity.code})).content
    assert b"secret-room" not in page and b"How to join" not in page
    assert b"Register for this event" in page


# Found on a first walk through (#25) ----------------------------------------------------


def test_moving_someone_to_the_waiting_list_offers_their_place_to_the_next_person(
    officer_client: Client, officer
) -> None:
    settings_ = RegistrationSettingsFactory(capacity=1, activity__team=officer.teams.first())
    first, second = _quick(settings_, 2)
    mail.outbox.clear()
    officer_client.post(
        reverse("events:registration_decide", kwargs={"code": first.code}), {"decision": "to_waiting_list"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    # The freed place went to the person waiting, not straight back to the one moved.
    assert (first.status, second.status) == ("waiting", "offered")
    assert second.offer_expires_at is not None
    assert any(m.to == ["p1@example.org"] and "A place is free" in m.subject for m in mail.outbox)


def test_moving_the_only_person_to_the_waiting_list_does_not_offer_them_their_place_back(officer) -> None:
    settings_ = RegistrationSettingsFactory(capacity=1)
    [only] = _quick(settings_, 1)
    services.registration_decide(actor=officer, request=None, registration=only, decision="to_waiting_list")
    only.refresh_from_db()
    assert only.status == "waiting"


def test_opening_registration_is_filled_in_from_the_activity(officer_client: Client, officer) -> None:
    online = ActivityFactory(
        team=officer.teams.first(),
        kind="webinar",
        online_link="https://meet.example.org/webinar",
        starts_at=timezone.now() + timedelta(days=10),
    )
    page = officer_client.get(
        reverse("events:registration_settings", kwargs={"code": online.code})
    ).content.decode()
    assert re.search(r'value="online"[^>]*checked', page)
    assert 'value="https://meet.example.org/webinar"' in page
    # What people need to take part is asked unless staff untick it.
    assert re.search(r'value="adjustments"[^>]*checked', page)
    assert "filled in what we could from the activity" in page


def test_an_activity_at_a_place_opens_registration_in_person(officer_client: Client, officer) -> None:
    from chorus.directory.models import Place

    activity = ActivityFactory(
        team=officer.teams.first(),
        place=Place.objects.create(name="Cardiff Civil Justice Centre"),
        starts_at=timezone.now() + timedelta(days=10),
    )
    page = officer_client.get(
        reverse("events:registration_settings", kwargs={"code": activity.code})
    ).content.decode()
    assert re.search(r'value="in_person"[^>]*checked', page)
    assert not re.search(r'value="online"[^>]*checked', page)


def test_the_registrations_list_has_few_columns_that_stack_on_a_phone(
    officer_client: Client, officer
) -> None:
    settings_ = RegistrationSettingsFactory(activity__team=officer.teams.first())
    _quick(settings_, 1)
    page = officer_client.get(
        reverse("events:registration_list", kwargs={"code": settings_.activity.code})
    ).content.decode()
    table = page[page.index("<table") : page.index("</table>")]
    assert "chorus-stacked-table" in table
    assert table.count('scope="col"') == 3  # name (with email), status (with date), actions
    assert 'data-label="Name"' in table and 'data-label="Status"' in table
    assert "p0@example.org" in table and "Registered " in table


def test_both_pages_that_show_registrants_audit_it_the_same_way(officer_client: Client, officer) -> None:
    settings_ = RegistrationSettingsFactory(activity__team=officer.teams.first())
    _quick(settings_, 2)
    code = settings_.activity.code
    officer_client.get(reverse("events:registration_list", kwargs={"code": code}))
    officer_client.get(reverse("events:checkin", kwargs={"code": code}))
    entries = AuditEntry.objects.filter(object_type="events.registration", actor=officer, action="view")
    assert [e.detail for e in entries] == [{"registrants shown": 2}, {"registrants shown": 2}]


def test_the_questions_page_of_an_online_event_does_not_speak_of_a_visit_or_venue(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(
        mode="online", joining_link="https://meet.example.org/x", questions=["adjustments"]
    )
    code = settings_.activity.code
    response = client.post(
        reverse("events:register_details", kwargs={"code": code}),
        {"name": "A B", "email": "a@example.org", "agree": "on"},
    )
    page = client.get(response["Location"]).content.decode()
    main = page[page.index("<main") : page.index("</main>")].lower()
    assert "about you and taking part online" in main
    assert "visit" not in main and "venue" not in main
    in_person = RegistrationSettingsFactory(questions=["adjustments"])
    other = Client()
    response = other.post(
        reverse("events:register_details", kwargs={"code": in_person.activity.code}),
        {"name": "A B", "email": "a@example.org", "agree": "on"},
    )
    page = other.get(response["Location"]).content.decode()
    assert "About you and your visit" in page and "The venue" in page


def test_a_person_sees_a_banner_after_accepting_turning_down_or_cancelling(client: Client) -> None:
    settings_ = RegistrationSettingsFactory(capacity=1)
    first, second, third = _quick(settings_, 3)
    cancel = reverse("events:manage_cancel", kwargs={"token": services.registration_token(first)})
    page = client.post(cancel, {"confirm": "yes"}, follow=True).content.decode()
    assert "govuk-notification-banner--success" in page and "Your registration is cancelled" in page
    second.refresh_from_db()
    assert second.status == "offered"
    manage = reverse("events:manage", kwargs={"token": services.registration_token(second)})
    assert "Turn down the place" in client.get(manage).content.decode()
    page = client.post(manage, {"action": "accept"}, follow=True).content.decode()
    assert "govuk-notification-banner--success" in page and "You have accepted the place" in page
    services.registration_cancel(registration=second)
    third.refresh_from_db()
    assert third.status == "offered"
    turn_down = reverse("events:manage_cancel", kwargs={"token": services.registration_token(third)})
    page = client.post(turn_down, {"confirm": "yes"}, follow=True).content.decode()
    assert "You have turned down the place" in page
    third.refresh_from_db()
    assert third.status == "cancelled"


def test_the_public_event_page_starts_registering_with_a_start_button(client: Client) -> None:
    settings_ = RegistrationSettingsFactory()
    page = client.get(
        reverse("engagement:public_event", kwargs={"code": settings_.activity.code})
    ).content.decode()
    start = re.search(
        r'<a [^>]*class="govuk-button govuk-button--start"[^>]*>Register for this event<svg', page
    )
    assert start and reverse("events:register_details", kwargs={"code": settings_.activity.code}) in start[0]
