"""An officer replaces a published consultation's document and withdraws another; the
staff page shows every version, the record lists them, and the public page offers only the
current one. An officer removes an evidence link from a commitment. Every page passes
axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.consultations.models import SupportingDocument
from chorus.engagement.models import Commitment, CommitmentEvidence
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _document(consultation, title: str, name: str) -> SupportingDocument:
    document = SupportingDocument(consultation=consultation, title=title, original_name=name, size=20)
    document.file.save(name, ContentFile(b"%PDF-1.4 first draft"), save=False)
    document.save()
    return document


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_replaces_and_withdraws_documents_and_the_record_keeps_both(
    page: Page, live_server, prefix: str, lang: str, tmp_path
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    opens = timezone.now() - timedelta(weeks=2)
    consultation = ConsultationFactory(
        title="Court fees review", is_published=True, opens_at=opens, closes_at=opens + timedelta(weeks=12)
    )
    QuestionFactory(section=SectionFactory(consultation=consultation), text="Are the fees fair?")
    _document(consultation, "The full proposal", "proposal.pdf")
    _document(consultation, "Annex", "annex.pdf")
    upload = tmp_path / "proposal-v2.pdf"
    upload.write_bytes(b"%PDF-1.4 corrected")

    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/consultations/{consultation.code}/")
    _look(page, f"{lang}-1-documents")
    page.locator("a[href$='/replace/']").first.click()
    expect(page.locator("h1")).to_be_visible()
    _look(page, f"{lang}-2-replace")
    page.locator("input[name=title]").fill("The full proposal, corrected")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("proposal-v2.pdf")
    page.locator("form[action$='/remove/'] button").last.click()
    expect(page.locator(".govuk-tag--green").first).to_be_visible()
    _look(page, f"{lang}-3-history")

    page.goto(f"{live_server.url}{prefix}/staff/data/consultations/{consultation.code}/record/")
    expect(page.locator("main")).to_contain_text("proposal-v2.pdf")
    expect(page.locator("main")).to_contain_text("annex.pdf")
    _look(page, f"{lang}-4-record")

    page.goto(f"{live_server.url}{prefix}/consultations/{consultation.code}/")
    main = page.locator("main")
    expect(main).to_contain_text("The full proposal, corrected")
    expect(main).not_to_contain_text("Annex")
    assert main.locator("a[href*='/documents/']").count() == 1
    _look(page, f"{lang}-5-public")


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_removes_an_evidence_link_from_a_commitment(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    commitment = Commitment.objects.create(
        kind=Commitment.Kind.RECOMMENDATION,
        title="Publish the fees review in plain English",
        source_body="Justice Select Committee",
        team=team,
    )
    for title in ("Published response", "Wrong link"):
        CommitmentEvidence.objects.create(commitment=commitment, title=title, url="https://example.org/r")

    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/commitments/{commitment.code}/")
    _look(page, f"{lang}-6-commitment")
    page.locator("form[action$='/remove-evidence/'] button").last.click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Wrong link")
    expect(page.locator("main")).to_contain_text("Published response")
    _look(page, f"{lang}-7-evidence-removed")
