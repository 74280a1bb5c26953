"""What registrants ask for reaches their adjustments record, with the sharing they chose,
adding to what they had; and support staff book counts as meeting needs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.core.registry import attention_for
from chorus.directory.adjustments import adjustments_save, record_of
from chorus.directory.models import AdjustmentsRecord
from chorus.engagement.briefing import unmet_for_activity
from chorus.engagement.models import Attendance
from chorus.events import services
from chorus.events.adjustments import REGISTRANT_ACTOR
from chorus.events.models import Registration
from tests.factories import ActivityFactory, PlaceFactory, RegistrationSettingsFactory, make_person

pytestmark = pytest.mark.django_db(transaction=True)


def _needs(person) -> dict[str, str]:
    record = record_of(person)
    return {n.category: n.details for n in record.needs.all()} if record else {}


def test_a_registrants_needs_and_sharing_reach_their_record_once_matched() -> None:
    person = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    settings_ = RegistrationSettingsFactory(questions=["adjustments"])
    services.registration_create(
        activity=settings_.activity,
        name="Rhian Jones",
        email="rhian@example.org",
        language="en",
        answers={},
        adjustments="Please reserve a seat near the interpreter",
        adjustment_categories=["bsl_interpreter", "seating"],
        adjustments_share=["event_team"],
    )
    record = AdjustmentsRecord.objects.get(person=person)
    assert _needs(person) == {"bsl_interpreter": "Please reserve a seat near the interpreter", "seating": ""}
    assert (record.share_event_team, record.share_venue, record.recorded_via) == (True, False, "registration")
    entry = AuditEntry.objects.filter(object_id=str(person.code), detail__adjustments=True).latest("id")
    assert entry.actor is None and entry.actor_label == REGISTRANT_ACTOR


def test_registering_adds_to_needs_already_recorded_and_keeps_other_sharing(team) -> None:
    person = make_person(first_name="Huw", last_name="Price", emails=["huw@example.org"], team=team)
    review = timezone.localdate() + timedelta(days=200)
    adjustments_save(
        person=person,
        needs={"step_free": "Uses a wheelchair", "other": "Needs the papers a week before"},
        share_with={"other_services", "venue"},
        review_on=review,
        via="staff",
        actor=None,
    )
    settings_ = RegistrationSettingsFactory(questions=["adjustments"], activity__team=team)
    services.registration_create(
        activity=settings_.activity,
        name="Huw Price",
        email="huw@example.org",
        language="en",
        answers={},
        adjustments="And a quiet room at lunch",
        adjustment_categories=["other", "step_free"],
        adjustments_share=["event_team"],
    )
    record = AdjustmentsRecord.objects.get(person=person)
    assert _needs(person) == {
        "step_free": "Uses a wheelchair",
        "other": "Needs the papers a week before\nAnd a quiet room at lunch",
    }
    # What they chose now for the event team and venue; other services as they agreed before.
    assert (record.share_event_team, record.share_venue, record.share_other_services) == (True, False, True)
    assert record.review_on == review


def test_a_registration_without_needs_leaves_the_record_alone() -> None:
    person = make_person(first_name="Ann", last_name="Bell", emails=["ann@example.org"])
    settings_ = RegistrationSettingsFactory()
    services.registration_create(
        activity=settings_.activity, name="Ann Bell", email="ann@example.org", language="en", answers={}
    )
    assert Registration.objects.get().person == person
    assert record_of(person) is None


def test_the_public_form_asks_who_may_see_the_needs_and_wants_words_for_something_else(
    client: Client,
) -> None:
    settings_ = RegistrationSettingsFactory(questions=["adjustments"])
    code = settings_.activity.code
    client.post(
        reverse("events:register_details", kwargs={"code": code}),
        {"name": "Gwen Morgan", "email": "gwen@example.org", "agree": "on"},
    )
    questions = reverse("events:register_questions", kwargs={"code": code})
    page = client.get(questions).content.decode()
    assert "Who may we share what you need with?" in page and "The venue" in page
    refused = client.post(questions, {"adjustment_categories": ["other"]})
    assert "Tell us what else you need" in refused.content.decode()
    client.post(
        questions,
        {"adjustment_categories": ["hearing_loop"], "adjustments_share": ["event_team", "venue"]},
    )
    check = reverse("events:register_check", kwargs={"code": code})
    page = client.get(check).content.decode()
    assert "Who we may share what you need with" in page and "The team running the event" in page
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    client.post(check, {"submission": submission})
    registration = Registration.objects.get()
    assert registration.adjustments_share == ["event_team", "venue"]
    record = AdjustmentsRecord.objects.get(person=registration.person)
    assert record.share_event_team and record.share_venue
    assert _needs(registration.person) == {"hearing_loop": ""}


# Booked support


def test_support_booked_on_the_settings_page_counts_as_meeting_needs(
    officer_client: Client, officer, team
) -> None:
    activity = ActivityFactory(
        team=team, organiser=officer, starts_at=timezone.now() + timedelta(days=5), place=PlaceFactory()
    )
    person = make_person(first_name="Dai", last_name="Evans", team=team)
    adjustments_save(
        person=person,
        needs={"bsl_interpreter": "", "hearing_loop": ""},
        share_with={"event_team"},
        review_on=None,
        via="staff",
        actor=None,
    )
    Attendance.objects.create(activity=activity, person=person, invitation=Attendance.Invitation.ACCEPTED)
    assert [u.category for u in unmet_for_activity(activity, officer)] == ["bsl_interpreter", "hearing_loop"]
    assert [i for i in attention_for(officer) if str(i.title) == "Adjustments not yet met"]
    url = reverse("events:registration_settings", kwargs={"code": activity.code})
    assert "Support booked for the event" in officer_client.get(url).content.decode()
    response = officer_client.post(
        url,
        {
            "is_open": "yes",
            "capacity": "30",
            "mode": "in_person",
            "needs_approval": "no",
            "offer_hours": "48",
            "reminder_days": "",
            "booked_support": ["bsl_interpreter", "hearing_loop"],
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.booked_support == ["bsl_interpreter", "hearing_loop"]
    assert unmet_for_activity(activity, officer) == []
    assert not [i for i in attention_for(officer) if str(i.title) == "Adjustments not yet met"]
    entry = AuditEntry.objects.filter(object_type="events.registrationsettings").latest("id")
    assert entry.detail["support booked"] == ["bsl_interpreter", "hearing_loop"]
    page = officer_client.get(url).content.decode()
    assert re.search(r'value="bsl_interpreter"[^>]*checked', page)
