"""The check-in page at the door, on a phone: what each person's card shows."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from chorus.events import services
from tests.factories import RegistrationSettingsFactory

pytestmark = pytest.mark.django_db


def test_a_long_email_address_wraps_inside_its_card_on_a_phone(officer_client: Client, team) -> None:
    """An address with nowhere to break (name.surname123@example.net) is wider than a card on a
    375px screen: unwrapped, it pushed the whole page sideways."""
    activity = RegistrationSettingsFactory(activity__team=team).activity
    services.registration_create(
        activity=activity,
        name="Catherine Richardson",
        email="catherine.richardson246@example.net",
        language="en",
        answers={},
    )
    page = officer_client.get(reverse("events:checkin", kwargs={"code": activity.code})).content.decode()
    at = page.index("catherine.richardson246@example.net")
    paragraph = page[page.rindex("<p ", 0, at) : at]
    classes = re.match(r'<p class="([^"]*)"', paragraph)
    assert classes is not None and "</p>" not in paragraph
    assert "govuk-!-text-break-word" in classes.group(1).split()


def test_a_full_event_counts_one_arrival_as_one_person(officer_client: Client, team) -> None:
    """“1 people have arrived” read wrongly: the arrivals are counted in their own sentence."""
    activity = RegistrationSettingsFactory(activity__team=team, capacity=2).activity
    for n in range(2):
        registration, _ = services.registration_create(
            activity=activity, name=f"Person {n}", email=f"p{n}@example.org", language="en", answers={}
        )
    officer_client.post(
        reverse("events:checkin_mark", kwargs={"code": registration.code}), {"arrived": "yes"}
    )
    page = officer_client.get(
        reverse("events:checkin_walk_in", kwargs={"code": activity.code})
    ).content.decode()
    assert "All 2 places are taken." in page
    assert "1 person has arrived so far." in page
    assert "1 people" not in page
