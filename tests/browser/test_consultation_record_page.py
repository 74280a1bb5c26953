"""An officer opens a consultation's record from its page and reads its checklist, then
sees the warnings before publishing a draft. Every page passes axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.consultations.models import HelpRequest, Response
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    ConsultationFactory,
    HelpRequestFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_reads_the_record_and_the_warnings_before_publishing(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    opens = timezone.now() - timedelta(weeks=6)
    consultation = ConsultationFactory(
        title="Court fees review",
        team=team,
        is_published=True,
        opens_at=opens,
        closes_at=opens + timedelta(weeks=4),
    )
    QuestionFactory(section=SectionFactory(consultation=consultation))
    HelpRequestFactory(consultation=consultation, status=HelpRequest.Status.NEW)
    ResponseFactory(consultation=consultation, channel=Response.Channel.POST)
    draft = ConsultationFactory(
        title="Prison visits", team=team, closes_at=timezone.now() + timedelta(days=9)
    )

    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/consultations/{consultation.code}/")
    page.locator(f"a[href$='/staff/data/consultations/{consultation.code}/record/']").click()
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator(".govuk-task-list .govuk-tag--red").first).to_be_visible()
    expect(page.locator(".govuk-task-list .govuk-tag--green").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Court fees review")
    _look(page, f"{lang}-1-record")

    page.goto(f"{live_server.url}{prefix}/staff/consultations/{draft.code}/publish/")
    expect(page.locator("[data-gunning-warnings] li").first).to_be_visible()
    _look(page, f"{lang}-2-publish-warnings")
