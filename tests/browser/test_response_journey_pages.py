"""Responding in several sittings in the browser: save a half-done page, come back from
the email link, see what is left on "check your answers", change an answer and return
there, reload the start; every page passes axe-core in English and Welsh."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.consultations.models import ResponseDraft
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_a_response_in_several_sittings(page: Page, live_server, prefix: str, lang: str) -> None:
    consultation = ConsultationFactory(
        title="Changes to court fees",
        title_cy="Newidiadau i ffioedd llys",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
        is_published=True,
    )
    first = SectionFactory(consultation=consultation, title="The proposal", title_cy="Y cynnig", order=1)
    QuestionFactory(
        section=first, kind="scale", text="Do you agree?", text_cy="Ydych chi'n cytuno?", required=True
    )
    QuestionFactory(section=first, kind="text", text="Why?", text_cy="Pam?")
    second = SectionFactory(consultation=consultation, title="Courts", title_cy="Llysoedd", order=2)
    QuestionFactory(section=second, kind="text", text="Which court?", text_cy="Pa lys?", required=True)
    base = f"{live_server.url}{prefix}/consultations/{consultation.code}"
    page.goto(f"{base}/")
    page.locator(".govuk-button--start").click()
    page.locator("input[name=respondent_type]").first.check()
    page.locator("input[name=publish]").first.check()
    # Asking to be told what changed, without an address: said plainly, and nothing lost.
    page.locator("input[name=may_contact]").check()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("input[name=may_contact]")).to_be_checked()
    assert_accessible(page)
    page.locator("input[name=email]").fill("alys@example.org")
    page.locator("main form button[type=submit]").first.click()
    # Half done, the required question left out: "Save and come back later" still saves.
    page.locator("textarea").fill("Fees are too high")
    page.locator("button[name=save]").click()
    expect(page).to_have_url(re.compile(r"/respond/save/$"))
    assert_accessible(page)
    draft = ResponseDraft.objects.get()
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))

    # The email link, in a fresh browser context: back on the page they left, as they left it.
    page.context.clear_cookies()
    page.goto(f"{base}/respond/return/{draft.code}/")
    expect(page).to_have_url(re.compile(r"/respond/questions/1/$"))
    expect(page.locator("textarea")).to_have_value("Fees are too high")
    # Reloading the start goes on with the response rather than a blank page.
    page.goto(f"{base}/respond/")
    expect(page).to_have_url(re.compile(r"/respond/questions/1/$"))

    # Check your answers lists what is left, with links, and will not send.
    page.goto(f"{base}/respond/check/")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-back-link")).to_be_visible()
    expect(page.locator("main form button[type=submit]")).to_be_disabled()
    assert_accessible(page)
    page.locator(".govuk-error-summary__list a").first.click()
    page.locator("input[type=radio]").first.check()
    page.locator("main form button[type=submit]").first.click()
    # Still something required on the next page: asked, then back to check your answers.
    expect(page).to_have_url(re.compile(r"/respond/questions/2/\?return=check$"))
    page.locator("textarea").fill("Cardiff")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/respond/check/$"))
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert_accessible(page)
    # Change one answer: straight back to check your answers.
    page.locator(".govuk-summary-list__actions a[href*='/questions/1/']").first.click()
    page.locator("textarea").fill("Much too high")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/respond/check/$"))
    expect(page.locator("main")).to_contain_text("Much too high")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel")).to_be_visible()
