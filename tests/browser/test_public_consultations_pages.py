"""The public list of consultations, walked from the home page in English and Welsh: an
empty search, words, a filter that finds nothing, and a closed consultation's "you said,
we did"; and a respondent downloading a copy of their answers. axe-core on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from chorus.consultations.models import ResponseDraft
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES
from tests.factories import (
    ConsultationFactory,
    ImpactRecordFactory,
    QuestionFactory,
    SectionFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in(lang: str, text: str) -> str:
    with translation.override(lang):
        return gettext(text)


@pytest.fixture
def consultations() -> None:
    regions_ensure()
    now = timezone.now()
    housing = TopicFactory(name_en="Housing", name_cy="Tai")
    homes = ConsultationFactory(
        title="Empty homes",
        title_cy="Cartrefi gwag",
        summary="How should we bring empty homes back into use?",
        summary_cy="Sut dylem ddod â chartrefi gwag yn ôl i ddefnydd?",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=20),
        is_published=True,
    )
    homes.topics.add(housing)
    homes.regions.add(Region.objects.get(name_en="England"))
    ConsultationFactory(
        title="Library opening hours",
        summary="Should libraries open on Sundays?",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=40),
        is_published=True,
    )
    courts = ConsultationFactory(
        title="Court sitting times",
        title_cy="Amseroedd eistedd llysoedd",
        summary="Should courts sit in the evening?",
        summary_cy="A ddylai llysoedd eistedd gyda'r nos?",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        is_published=True,
    )
    record = ImpactRecordFactory(
        you_said="Evening hearings would help people who work",
        you_said_cy="Byddai gwrandawiadau gyda'r nos yn helpu pobl sy'n gweithio",
        we_did="Two courts now sit until 7pm",
        we_did_cy="Mae dau lys bellach yn eistedd tan 7pm",
        is_published=True,
    )
    record.consultations.add(courts)
    ConsultationFactory(title="A draft nobody should see", is_published=False)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_public_find_search_and_filter_consultations(
    page: Page, live_server, consultations, prefix: str, lang: str
) -> None:
    page.goto(f"{live_server.url}{prefix}/")
    page.locator(f'main a[href="{prefix}/consultations/"]').click()
    expect(page).to_have_url(re.compile(r"/consultations/$"))
    results = page.locator("main li:has(h2)")
    expect(results).to_have_count(3)
    expect(page.locator("main")).not_to_contain_text("A draft nobody should see")
    if lang == "cy":
        expect(page.locator("main")).to_contain_text("Cartrefi gwag")
        # No Welsh title: the English one is there, marked as English.
        expect(page.locator('main h2 span[lang="en"]')).to_have_text("Library opening hours")
    else:
        expect(page.locator("main")).to_contain_text("Empty homes")
    assert_accessible(page)

    # An empty search shows everything again.
    page.locator('input[name="q"]').fill("")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?q=&"))
    expect(results).to_have_count(3)
    assert_accessible(page)

    # Words narrow it down.
    page.locator('input[name="q"]').fill("libraries sundays")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"q=libraries\+sundays"))
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Library opening hours")
    assert_accessible(page)

    # A filter with no results says so, and how to find more.
    page.locator('input[name="q"]').fill("")
    page.locator('input[name="status"][value="closed"]').check()
    page.locator('select[name="topic"]').select_option(label="Tai" if lang == "cy" else "Housing")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"status=closed"))
    expect(page.locator("main")).to_contain_text(_in(lang, "No consultations match your search or filters."))
    expect(results).to_have_count(0)
    assert_accessible(page)

    # A closed consultation: we asked, you said, we did, and the page that has them all.
    page.locator("main a", has_text=_in(lang, "Clear search and filters")).click()
    page.locator('input[name="status"][value="closed"]').check()
    page.locator("form[role=search] button[type=submit]").click()
    expect(results).to_have_count(1)
    said = "Byddai gwrandawiadau gyda'r nos" if lang == "cy" else "Evening hearings would help"
    expect(results.first).to_contain_text(said)
    assert_accessible(page)
    results.first.locator("a[href*='/you-said-we-did/']").click()
    expect(page).to_have_url(re.compile(r"/you-said-we-did/$"))
    expect(page.locator("main")).to_contain_text(said)
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_a_respondent_downloads_a_copy_of_their_answers(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    consultation = ConsultationFactory(
        title="Changes to court fees",
        title_cy="Newidiadau i ffioedd llys",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
        is_published=True,
    )
    section = SectionFactory(consultation=consultation, title="The proposal", title_cy="Y cynnig", order=1)
    QuestionFactory(section=section, kind="text", text="Why?", text_cy="Pam?", required=True)
    base = f"{live_server.url}{prefix}/consultations/{consultation.code}"
    page.goto(f"{base}/")
    page.locator(".govuk-button--start").click()
    page.locator("input[name=respondent_type]").first.check()
    page.locator("input[name=publish]").first.check()
    page.locator("main form button[type=submit]").first.click()
    page.locator("textarea").fill("Mae'r ffioedd yn rhy uchel")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/respond/check/$"))
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel")).to_be_visible()
    assert_accessible(page)
    link = page.locator("main a", has_text=_in(lang, "Download a copy of your answers (PDF)"))
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    text = "".join(p.extract_text() for p in PdfReader(str(saved)).pages)
    assert "Mae'r ffioedd yn rhy uchel" in text
    assert ("Pam?" if lang == "cy" else "Why?") in text
    # Another browser, with the same address, gets "not found".
    other = page.context.browser.new_context()
    assert other.request.get(f"{live_server.url}{link.get_attribute('href')}").status == 404
    other.close()
