"""Data access requests: asked publicly, reviewed by a panel, decided with reasons, published."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from chorus.core.models import AuditEntry
from chorus.insights.models import DataAccessRequest, PanelReview
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Dr Ann Researcher",
    "email": "ann@university.example.ac.uk",
    "organisation": "University of Example",
    "purpose": "To study whether people who respond by post differ from those online.",
    "data_wanted": "Response channel and region for consultations in 2026, no names.",
    "legal_basis": "UK GDPR article 6(1)(e); Digital Economy Act 2017.",
    "safeguards": "Held in the university's secure research environment for two years.",
}


def test_a_researcher_asks_the_panel_reviews_and_the_decision_is_published(
    client: Client, officer_client: Client, officer, django_capture_on_commit_callbacks
) -> None:
    url = reverse("insights:request_new")
    page = client.post(url, GOOD | {"safeguards": ""})
    assert "Say how you will keep the data safe" in page.content.decode()
    assert not DataAccessRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, GOOD)
    found = DataAccessRequest.objects.get()
    assert found.reference in page.content.decode() and mail.outbox[-1].to == [GOOD["email"]]

    detail = reverse("insights:request_detail", args=[found.code])
    refused = officer_client.post(detail, {"what": "decide", "decision": "approved", "reasons": "Fine"})
    assert "The panel has not reviewed this request yet" in refused.content.decode()
    analyst = sign_in(Client(), UserFactory(role="analyst", email="analyst@example.gov.uk"))
    analyst.post(
        detail, {"what": "review", "recommendation": "conditions", "comments": "Only region, not postcode."}
    )
    assert analyst.post(detail, {"what": "decide", "decision": "approved", "reasons": "x"}).status_code == 403
    officer_client.post(detail, {"what": "review", "recommendation": "approve", "comments": "Low risk."})
    assert PanelReview.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            detail, {"what": "decide", "decision": "approved", "reasons": "Aggregated by region only."}
        )
    found.refresh_from_db()
    assert found.status == "approved" and found.decided_by == officer
    assert "Aggregated by region only." in mail.outbox[-1].body
    register = client.get(reverse("insights:register")).content.decode()
    assert found.reference in register and "Aggregated by region only." in register
    assert GOOD["email"] not in register and GOOD["name"] not in register
    assert AuditEntry.objects.filter(object_id=str(found.code), action="view").exists()


def test_a_bot_filling_the_hidden_field_makes_no_request(client: Client) -> None:
    client.post(reverse("insights:request_new"), GOOD | {"website": "http://spam"})
    assert not DataAccessRequest.objects.exists()
