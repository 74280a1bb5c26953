"""The invitations page when many were invited (paged), and filing an email whose address is
a typo away from a person's, in Chromium, in English and Welsh, with axe."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.core.mailbox import mailbox_read
from chorus.engagement.models import LoggedEmail
from chorus.events.invitations import invitations_send
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.core.mail_fixtures import build, drop
from tests.factories import RegistrationSettingsFactory, TeamFactory, UserFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_pages_through_everyone_invited(
    page: Page, live_server: Any, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Civil")
    officer = UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    activity = RegistrationSettingsFactory(
        activity__team=team, activity__is_public=False, activity__starts_at=timezone.now() + timedelta(days=9)
    ).activity
    people = [
        make_person(first_name=f"Guest{n}", last_name="Jones", emails=[f"g{n}@example.org"], team=team)
        for n in range(55)
    ]
    invitations_send(actor=officer, request=None, activity=activity, people=people)
    _sign_in(page, live_server.url, prefix, officer.email)
    page.goto(f"{live_server.url}{prefix}/staff/activities/{activity.code}/invitations/")
    expect(page.locator(".govuk-pagination")).to_be_visible()
    assert page.locator("main tbody tr").count() == 50
    assert_accessible(page)
    page.locator(".govuk-pagination__next a").click()
    page.wait_for_url("**page=2")
    assert page.locator("main tbody tr").count() == 5
    assert_accessible(page)
    page.reload()
    assert page.locator("main tbody tr").count() == 5
    text = page.locator("main").inner_text()
    assert "None" not in text and "{" not in text


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_files_an_email_to_the_person_its_address_nearly_matches(
    page: Page, live_server: Any, tmp_path: Path, settings: Any, prefix: str, lang: str
) -> None:
    settings.CHORUS_PEOPLE_IMAP_HOST = ""
    settings.CHORUS_PEOPLE_MAILBOX = str(tmp_path / "people")
    settings.CHORUS_PEOPLE_ADDRESS = "Chorus <people@chorus.test>"
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys.jones@contact.example"])
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    drop(
        tmp_path / "people",
        "one",
        build(sender="Carys <carys.jomes@contact.example>", to="people@chorus.test"),
    )
    mailbox_read("people")
    email = LoggedEmail.objects.get()
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/emails/{email.code}/file/")
    expect(page.locator("main")).to_contain_text("carys.jones@contact.example")
    assert_accessible(page)
    page.locator("main form[method=post] button[type=submit]").click()  # nobody chosen
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=people]").first.check()
    page.locator("main form[method=post] button[type=submit]").dblclick()
    page.wait_for_url(f"**/staff/emails/{email.code}/")
    assert list(LoggedEmail.objects.get().people.all()) == [carys]
    assert_accessible(page)
