from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation, HelpRequest, Response
from chorus.core.models import AuditEntry
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(closes_at=timezone.now() + timedelta(days=9), is_published=True)


def test_a_person_asks_for_help_and_staff_complete_their_response(
    client: Client, officer_client: Client, consultation
) -> None:
    url = reverse("consultations:help_request", args=[consultation.code])
    bad = client.post(url, {"way": "phone", "name": "Megan", "phone": "call me"}).content.decode()
    assert "Enter a phone number, like 01632 960 001" in bad
    paper = client.post(url, {"way": "paper", "name": "Megan"}).content.decode()
    assert "Enter the address to post the paper copy to" in paper
    assert not HelpRequest.objects.exists()
    client.post(url, {"way": "phone", "name": "Megan Evans", "phone": "01632 960 001", "in_welsh": "on"})
    client.post(url, {"way": "phone", "name": "Bot", "phone": "01632 960 001", "website": "spam"})
    help_request = HelpRequest.objects.get()
    assert help_request.in_welsh

    queue = officer_client.get(reverse("consultations:help_queue")).content.decode()
    assert "Megan Evans" in queue and "in Welsh" in queue
    assert AuditEntry.objects.filter(object_type="consultations.helprequest", action="view").exists()
    officer_client.post(
        reverse("consultations:help_update", args=[help_request.code]), {"status": "in_progress"}
    )
    help_request.refresh_from_db()
    assert help_request.status == "in_progress" and help_request.assigned_to is not None

    enter = reverse("consultations:response_enter", args=[consultation.code]) + f"?help={help_request.code}"
    page = officer_client.get(enter).content.decode()
    assert "Completing the response for Megan Evans" in page
    officer_client.post(
        enter,
        {
            "channel": "assisted",
            "received_on": timezone.localdate().isoformat(),
            "respondent_type": "individual",
            "publish": "no",
            "name": "Megan Evans",
            "submission_key": str(uuid.uuid4()),
        },
    )
    help_request.refresh_from_db()
    response = Response.objects.get()
    assert (help_request.status, help_request.response, response.channel) == ("done", response, "assisted")
    assert "Megan Evans" not in officer_client.get(reverse("consultations:help_queue")).content.decode()
