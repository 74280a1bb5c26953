"""Moderating responses in the browser: the queue, one-click redaction, a decision refused
without its reason, publishing; every page passes axe-core in English and Welsh."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.consultations.models import Consultation, Response, ResponseModeration
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
        page.screenshot(path=f"{SHOTS}/moderation-{name}-{lang}.png", full_page=True)


def _consultation() -> tuple[Consultation, Response, Response]:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        title_cy="Newidiadau i ffioedd llys",
        summary="Fees.",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=1),
        is_published=True,
    )
    section = SectionFactory(consultation=consultation, title="Your views", order=1)
    stance = QuestionFactory(
        section=section,
        kind="yes_no",
        text="Do you agree with the proposal?",
        text_cy="Ydych chi'n cytuno â'r cynnig?",
        order=1,
    )
    why = QuestionFactory(section=section, kind="text", text="Why do you say that?", text_cy="Pam?", order=2)
    flagged = ResponseFactory(
        consultation=consultation, reference="AAAA1111", name="Alys Jones", publish="named"
    )
    AnswerFactory(response=flagged, question=stance, value="no")
    AnswerFactory(
        response=flagged,
        question=why,
        value="The fees are too high. Ring me on 01632 960001 if you want to know more.",
    )
    clean = ResponseFactory(consultation=consultation, reference="BBBB2222", publish="anonymous")
    AnswerFactory(response=clean, question=stance, value="yes")
    AnswerFactory(response=clean, question=why, value="Keep the paper forms for people offline.")
    return consultation, flagged, clean


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_a_moderator_redacts_a_passage_and_publishes(page: Page, live_server, prefix: str, lang: str) -> None:
    consultation, flagged, _clean = _consultation()
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    base = f"{live_server.url}{prefix}"
    page.goto(f"{base}/staff/consultations/{consultation.code}/")
    page.locator(f"a[href$='/staff/consultations/{consultation.code}/moderation/']").click()
    card = page.locator("#response-AAAA1111")
    expect(card.locator("mark")).to_have_text("01632 960001")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    _shot(page, "queue", lang)

    card.locator("form[action$='/redact/'] button").click()
    expect(card).to_contain_text("Ring me on [phone] if you want to know more.")
    expect(card.locator("mark")).to_have_count(0)
    assert_accessible(page)
    _shot(page, "redacted", lang)

    # "Do not publish" needs a reason: the response's own page says so.
    other = page.locator("#response-BBBB2222")
    other.locator("input[value=withhold]").check()
    other.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    _shot(page, "reason-needed", lang)

    page.goto(f"{base}/staff/consultations/{consultation.code}/moderation/")
    card.locator("input[value=publish]").check()
    card.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator("#response-AAAA1111")).to_have_count(0)
    expect(page.locator("#response-BBBB2222")).to_be_visible()
    page.locator("#response-BBBB2222 input[name=responses]").check()
    page.locator("#publish-clean button").click()
    expect(page.locator("#response-BBBB2222")).to_have_count(0)
    statuses = dict(ResponseModeration.objects.values_list("response__reference", "status"))
    assert statuses == {"AAAA1111": "redacted", "BBBB2222": "published"}

    page.goto(f"{base}/staff/consultations/{consultation.code}/moderation/?show=decided")
    assert_accessible(page)
    _shot(page, "decided", lang)
    page.goto(f"{base}/staff/consultations/{consultation.code}/moderation/{flagged.code}/")
    assert_accessible(page)
    _shot(page, "response", lang)

    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page.goto(f"{base}/consultations/{consultation.code}/responses/")
    main = page.locator("main")
    expect(main).to_contain_text("Ring me on [phone] if you want to know more.")
    expect(main).to_contain_text("Alys Jones")
    expect(main).not_to_contain_text("01632")
    assert_accessible(page)
    _shot(page, "public", lang)
