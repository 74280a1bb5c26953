"""Tagging a response and adding a note while reading it, in English and Welsh: a tag reused,
an empty note refused with the GOV.UK error summary, the list filtered by tag; every page
passes axe-core."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.consultations.models import Consultation, ResponseTag
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CHORUS_SCREENSHOTS", "")


def _shot(page: Page, name: str, lang: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/tags-{name}-{lang}.png", full_page=True)


def _consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        title_cy="Newidiadau i ffioedd llys",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        is_published=True,
    )
    section = SectionFactory(consultation=consultation, title="Your views", order=1)
    why = QuestionFactory(section=section, kind="text", text="Why do you say that?", text_cy="Pam?", order=1)
    for reference, text in (("AAAA1111", "The fees are too high."), ("BBBB2222", "Keep the paper forms.")):
        response = ResponseFactory(consultation=consultation, reference=reference)
        AnswerFactory(response=response, question=why, value=text)
    ResponseTag.objects.create(consultation=consultation, name="Fees")
    return consultation


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_tags_a_response_and_adds_a_note(page: Page, live_server, prefix: str, lang: str) -> None:
    consultation = _consultation()
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, full_name="Olwen Officer")
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    base = f"{live_server.url}{prefix}"
    page.goto(f"{base}/staff/consultations/{consultation.code}/responses/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.get_by_role("link", name="AAAA1111").click()
    expect(page.locator("h1")).to_contain_text("AAAA1111")
    expect(page.locator("main")).to_contain_text("The fees are too high.")
    assert_accessible(page)

    # Typing an existing tag in another case reuses it.
    page.locator("#id_name").fill("fees")
    page.locator("form[action$='/tags/'] button[type=submit]").click()
    expect(page.locator("main .govuk-tag")).to_have_text("Fees")
    assert ResponseTag.objects.count() == 1
    assert_accessible(page)

    # An empty note is refused, and says how to fix it.
    page.locator("form[action$='/notes/'] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    _shot(page, "note-needed", lang)
    page.locator("#id_text").fill("Rang them back; they want a reply by post.")
    page.locator("form[action$='/notes/'] button[type=submit]").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Rang them back")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Olwen Officer")
    assert_accessible(page)
    _shot(page, "response", lang)

    page.goto(f"{base}/staff/consultations/{consultation.code}/responses/")
    page.locator("#tag-filter").select_option("Fees")
    page.locator("#tag-filter").locator("xpath=ancestor::form").locator("button").click()
    table = page.locator("main table").last
    expect(table).to_contain_text("AAAA1111")
    expect(table).not_to_contain_text("BBBB2222")
    assert_accessible(page)
    _shot(page, "filtered", lang)

    # Removing the tag takes it off the response.
    page.get_by_role("link", name="AAAA1111").click()
    page.locator("form[action$='/remove/'] button").click()
    expect(page.locator("main .govuk-tag")).to_have_count(0)
    assert not ResponseTag.objects.get().responses.exists()

    # The public page never shows tags or notes.
    page.goto(f"{base}/consultations/{consultation.code}/")
    expect(page.locator("main")).not_to_contain_text("Rang them back")
