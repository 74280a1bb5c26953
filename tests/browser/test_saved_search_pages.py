"""Saved searches in the browser: an officer saves the directory's filters, finds the search
with what it finds now, changes and deletes it, and chooses it to invite people and as a
bulletin's audience; every page passes axe-core in English and Welsh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.directory.models import Region, SavedSearch
from chorus.directory.reference import regions_ensure
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import RegistrationSettingsFactory, TeamFactory, UserFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_saves_uses_changes_and_deletes_a_search(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    regions_ensure()
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    wales = Region.objects.get(ons_code="W92000004")
    make_person(first_name="Megan", last_name="Rees", region=wales, emails=["megan@example.org"], team=team)
    activity = RegistrationSettingsFactory(
        activity__team=team, activity__is_public=False, activity__starts_at=timezone.now() + timedelta(days=9)
    ).activity
    base = live_server.url
    _sign_in(page, base, prefix, "officer@example.gov.uk")
    page.goto(f"{base}{prefix}/staff/directory/?q=rees&region={wales.pk}")
    assert_accessible(page)
    page.locator("a[href*='/saved-searches/new/']").click()
    expect(page.locator("input[name=name]")).to_be_visible()
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=name]").fill("Rees family in Wales")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Rees family in Wales")
    assert_accessible(page)
    saved = SavedSearch.objects.get()
    page.goto(f"{base}{prefix}/staff/directory/saved-searches/")
    expect(page.locator("main table")).to_contain_text("Rees family in Wales")
    assert_accessible(page)
    page.goto(f"{base}{prefix}/staff/directory/saved-searches/{saved.code}/edit/")
    assert_accessible(page)
    page.goto(f"{base}{prefix}/staff/activities/{activity.code}/invitations/")
    page.locator("select[name=saved_search]").select_option(str(saved.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base}{prefix}/staff/bulletins/new/")
    expect(page.locator("input[name=saved_searches]")).to_have_count(1)
    assert_accessible(page)
    page.goto(f"{base}{prefix}/staff/directory/saved-searches/{saved.code}/delete/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    assert_accessible(page)
    assert not SavedSearch.objects.exists()
