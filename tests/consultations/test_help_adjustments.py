"""Asking for help to respond captures the adjustments the person needs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation, HelpRequest
from chorus.directory.models import AdjustmentsRecord
from tests.factories import ConsultationFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(closes_at=timezone.now() + timedelta(days=9), is_published=True)


def test_the_help_request_keeps_the_adjustments_asked_for_and_staff_see_them(
    client: Client, officer_client: Client, consultation: Consultation
) -> None:
    url = reverse("consultations:help_request", args=[consultation.code])
    form = client.get(url).content.decode()
    assert "British Sign Language interpreter" in form and "Easy read" in form
    client.post(
        url,
        {
            "way": "face_to_face",
            "name": "Megan Evans",
            "phone": "01632 960 001",
            "adjustments": ["bsl_interpreter", "step_free"],
            "needs": "I use a wheelchair",
        },
    )
    found = HelpRequest.objects.get()
    assert found.adjustments == ["bsl_interpreter", "step_free"]
    queue = officer_client.get(reverse("consultations:help_queue")).content.decode()
    assert "British Sign Language interpreter, Step-free access" in queue


def test_an_unknown_adjustment_is_refused(client: Client, consultation: Consultation) -> None:
    url = reverse("consultations:help_request", args=[consultation.code])
    client.post(url, {"way": "phone", "name": "Megan", "phone": "01632 960 001", "adjustments": ["jetpack"]})
    assert not HelpRequest.objects.exists()


def test_staff_add_the_adjustments_to_the_matching_person_after_checking(
    client: Client, officer_client: Client, consultation: Consultation, team
) -> None:
    person = make_person(first_name="Megan", last_name="Evans", emails=["megan@example.org"], team=team)
    client.post(
        reverse("consultations:help_request", args=[consultation.code]),
        {"way": "phone", "name": "Megan Evans", "email": "Megan@example.org", "adjustments": ["easy_read"]},
    )
    queue = officer_client.get(reverse("consultations:help_queue")).content.decode()
    link = (
        reverse("directory:person_adjustments", kwargs={"code": person.code})
        + "?from=help_request&amp;needs=easy_read"
    )
    assert link in queue
    form = officer_client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="easy_read" checked' in form
    officer_client.post(link.replace("&amp;", "&"), {"needs": ["easy_read"], "share_with": ["event_team"]})
    record = AdjustmentsRecord.objects.get(person=person)
    assert record.recorded_via == "help_request" and record.share_event_team
    assert [n.category for n in record.needs.all()] == ["easy_read"]
