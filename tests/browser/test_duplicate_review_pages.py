"""Reviewing a possible duplicate in the browser: the list (likeliest first, chances in
words), the pair with its reasons in words, then the merge page where one field takes the
other record's value; every page passes axe-core in English and Welsh."""

from __future__ import annotations

import os

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.directory.duplicates import likelihood
from chorus.directory.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import DuplicateCandidateFactory, UserFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CHORUS_SCREENSHOTS", "")


def _shot(page: Page, name: str, lang: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/duplicates-{name}-{lang}.png", full_page=True)


def _words(lang: str) -> dict[str, str]:
    # From the catalogue, so the Welsh run checks whatever Welsh the catalogue holds.
    with translation.override(lang):
        return {
            "likely": likelihood(0.97),
            "reason": gettext("Same email address"),
            "continue": gettext("Continue to merge"),
            "merge": gettext("Merge the records"),
        }


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_a_reviewer_merges_a_pair_choosing_a_field(page: Page, live_server, prefix: str, lang: str) -> None:
    kept = make_person(
        first_name="Jonathan", last_name="Smith", postcode="CF10 1AA", emails=["js@example.org"]
    )
    other = make_person(first_name="Jon", last_name="Smith", postcode="CF24 3AA", emails=["js@example.org"])
    DuplicateCandidateFactory(
        person_a=make_person(first_name="Ann", last_name="Bell"),
        person_b=make_person(first_name="Anne", last_name="Bell"),
        match_probability=0.55,
        match_weight=1,
        agreement={"first_name": "jaro-Winkler distance of first_name >= 0.9", "surname": "same"},
    )
    candidate = DuplicateCandidateFactory(
        person_a=kept,
        person_b=other,
        match_probability=0.97,
        match_weight=20,
        agreement={"first_name": "nickname", "surname": "same", "email": "same", "postcode": "different"},
    )
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    words = _words(lang)

    page.goto(f"{live_server.url}{prefix}/staff/directory/duplicates/")
    assert page.locator("html").get_attribute("lang") == lang
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Jonathan Smith")
    expect(rows.first).to_contain_text(words["likely"])
    expect(rows.nth(1)).to_contain_text("Ann Bell")
    assert_accessible(page)
    _shot(page, "list", lang)

    page.locator(f"a[href$='/duplicates/{candidate.code}/']").click()
    expect(page.locator("main")).to_contain_text(words["reason"])
    expect(page.locator("main")).not_to_contain_text("first_name")
    assert_accessible(page)
    _shot(page, "review", lang)
    page.locator(f"input[name=survivor][value='{kept.code}']").check()
    page.get_by_role("button", name=words["continue"]).click()

    expect(page).to_have_url(
        f"{live_server.url}{prefix}/staff/directory/duplicates/{candidate.code}/merge/?keep={kept.code}"
    )
    expect(page.locator("input[name=postcode][value=kept]")).to_be_checked()
    assert_accessible(page)
    _shot(page, "merge", lang)
    page.locator("input[name=first_name][value=other]").check()
    page.get_by_role("button", name=words["merge"]).click()
    expect(page.locator("h1")).to_contain_text("Jon Smith")
    assert_accessible(page)

    kept.refresh_from_db()
    assert (kept.first_name, kept.postcode) == ("Jon", "CF10 1AA")
    assert Person.objects.get(pk=other.pk).merged_into == kept
