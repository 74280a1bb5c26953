"""An editor removes an evidence link from a commitment in one click; the audit log keeps
what it linked to. Readers and other teams cannot."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Team, User
from chorus.core.models import AuditEntry
from chorus.engagement.models import Commitment, CommitmentEvidence
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment(team: Team) -> Commitment:
    commitment = Commitment.objects.create(
        kind=Commitment.Kind.RECOMMENDATION,
        title="Publish the fees review in plain English",
        source_body="Justice Select Committee",
        team=team,
    )
    CommitmentEvidence.objects.create(
        commitment=commitment, title="Published response", url="https://example.org/response"
    )
    return commitment


def _remove(client: Client, commitment: Commitment, evidence: CommitmentEvidence | int):
    pk = evidence if isinstance(evidence, int) else evidence.pk
    return client.post(
        reverse("engagement:commitment_evidence_remove", args=[commitment.code]),
        {"evidence": pk},
        follow=True,
    )


def test_an_editor_removes_an_evidence_link_and_the_audit_log_keeps_it(
    officer_client: Client, commitment: Commitment
) -> None:
    evidence = commitment.evidence.get()
    detail = reverse("engagement:commitment_detail", args=[commitment.code])
    page = officer_client.get(detail).content.decode()
    assert reverse("engagement:commitment_evidence_remove", args=[commitment.code]) in page

    page = _remove(officer_client, commitment, evidence).content.decode()

    assert "Evidence link removed." in page
    assert not commitment.evidence.exists()
    entry = AuditEntry.objects.get(object_id=str(commitment.code), detail__has_key="evidence removed")
    assert entry.detail["evidence removed"] == "Published response (https://example.org/response)"


def test_a_viewer_may_not_remove_evidence_and_sees_no_button(
    client: Client, viewer: User, commitment: Commitment
) -> None:
    sign_in(client, viewer)
    page = client.get(reverse("engagement:commitment_detail", args=[commitment.code])).content.decode()
    assert "Published response" in page
    assert reverse("engagement:commitment_evidence_remove", args=[commitment.code]) not in page

    assert _remove(client, commitment, commitment.evidence.get()).status_code == 403
    assert commitment.evidence.exists()


def test_another_teams_officer_gets_404(client: Client, outsider: User, commitment: Commitment) -> None:
    sign_in(client, outsider)
    assert _remove(client, commitment, commitment.evidence.get()).status_code == 404
    assert commitment.evidence.exists()


def test_only_the_commitments_own_links_can_be_removed(
    officer_client: Client, commitment: Commitment, team: Team
) -> None:
    other = Commitment.objects.create(
        kind=Commitment.Kind.RECOMMENDATION, title="Another", source_body="Board", team=team
    )
    theirs = CommitmentEvidence.objects.create(commitment=other, title="Minutes", url="https://example.org/m")

    page = _remove(officer_client, commitment, theirs).content.decode()

    assert "That link was already removed: look at the list again" in page
    assert CommitmentEvidence.objects.filter(pk=theirs.pk).exists()
    assert commitment.evidence.exists()


def test_a_get_of_the_removal_address_is_a_page_that_leads_back(
    officer_client: Client, commitment: Commitment
) -> None:
    response = officer_client.get(reverse("engagement:commitment_evidence_remove", args=[commitment.code]))
    assert response.status_code == 405
    detail = reverse("engagement:commitment_detail", args=[commitment.code])
    assert f'href="{detail}"'.encode() in response.content
    assert commitment.evidence.exists()
