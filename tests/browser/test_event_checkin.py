"""Checking people in at the door on a phone, in English and Welsh: the code box, searching,
marking arrived and undoing it, adding a walk-in (a mistake first); and the registrant's
own page with their QR code. Every page passes axe-core and fits a narrow screen."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.events import checkin, services
from chorus.events.models import Registration
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import RegistrationFactory, RegistrationSettingsFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "checkin-shots"
PHONE = {"width": 390, "height": 844}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page: Page, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling at the door."""
    page.set_viewport_size({"width": width, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size(PHONE)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_checking_people_in_on_a_phone(page: Page, live_server, prefix: str, lang: str) -> None:
    page.set_viewport_size(PHONE)
    team = TeamFactory(name="Family justice")
    officer = UserFactory(role=Role.ENGAGEMENT_OFFICER, email="officer@example.gov.uk", teams=[team])
    settings_ = RegistrationSettingsFactory(
        activity__team=team,
        activity__title="Court users' forum",
        activity__starts_at=timezone.now() + timedelta(hours=1),
    )
    activity = settings_.activity
    rhian, _ = services.registration_create(
        activity=activity, name="Rhian Jones", email="rhian@example.org", language=lang, answers={}
    )
    alun, _ = services.registration_create(
        activity=activity, name="Alun Hughes", email="alun@example.org", language="en", answers={}
    )
    rhian.refresh_from_db()
    alun.refresh_from_db()

    # The registrant's own page: the code and its QR code.
    page.goto(f"{live_server.url}{prefix}/events/registration/{services.registration_token(rhian)}/")
    expect(page.locator("#checkin-code")).to_have_text(checkin.code_shown(rhian.checkin_code))
    expect(page.locator(".chorus-checkin-qr svg")).to_be_visible()
    assert_accessible(page)
    _fits(page, 320)
    _shot(page, f"{lang}-1-personal-page")

    _sign_in(page, live_server.url, prefix, officer.email)
    url = f"{live_server.url}{prefix}/staff/activities/{activity.code}/check-in/"
    page.goto(url)
    expect(page.locator("#checkin-counts")).to_contain_text("0")
    assert_accessible(page)
    _fits(page, 320)
    _shot(page, f"{lang}-2-check-in")

    # A scanner app types the code into the box.
    page.locator("#checkin_code").fill(checkin.code_shown(alun.checkin_code))
    page.locator("#checkin_code").press("Enter")
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("Alun Hughes")
    assert_accessible(page)
    _shot(page, f"{lang}-3-scanned")

    # Found by name, marked arrived, then undone.
    page.locator("#q").fill("rhian")
    page.locator("#q").press("Enter")
    card = page.locator(".chorus-checkin-list li")
    expect(card).to_have_count(1)
    card.locator("button").click()
    expect(page.locator(".chorus-checkin-list .govuk-tag--green")).to_have_count(1)
    assert_accessible(page)
    _shot(page, f"{lang}-4-arrived")
    page.locator(".chorus-checkin-list button").click()
    expect(page.locator(".chorus-checkin-list .govuk-tag--green")).to_have_count(0)

    # A walk-in: agreeing is needed first.
    page.goto(url)
    page.locator(f"a[href$='/staff/activities/{activity.code}/check-in/walk-in/']").click()
    page.locator("input[name=name]").fill("Ifan Rees")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    _fits(page, 320)
    _shot(page, f"{lang}-5-walk-in-error")
    page.locator("input[name=consent]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#checkin-counts")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"{lang}-6-after-walk-in")
    assert Registration.objects.filter(activity=activity, arrived_at__isnull=False).count() == 2


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_files_from_an_event_on_a_phone(page: Page, live_server, prefix: str, lang: str, tmp_path) -> None:
    """Staff upload a file (a wrong kind first) and tell those who did not come; the public
    find it from the event page."""
    page.set_viewport_size(PHONE)
    officer = UserFactory(role=Role.ENGAGEMENT_OFFICER, email="officer@example.gov.uk")
    activity = RegistrationSettingsFactory(
        activity__title="Court users' forum", activity__starts_at=timezone.now() - timedelta(days=1)
    ).activity
    RegistrationFactory(activity=activity, name="Missed It", email="missed@example.org")
    _sign_in(page, live_server.url, prefix, officer.email)
    page.goto(f"{live_server.url}{prefix}/staff/activities/{activity.code}/material-files/")
    wrong, right = tmp_path / "run.exe", tmp_path / "slides.pdf"
    wrong.write_bytes(b"MZ")
    right.write_bytes(b"%PDF-1.4")
    page.locator("input[name=title]").fill("Slides")
    page.locator("input[name=file]").set_input_files(str(wrong))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    _fits(page, 320)
    _shot(page, f"{lang}-7-materials-error")
    page.locator("input[name=file]").set_input_files(str(right))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    page.locator("form[action$='/material-files/tell/'] button").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"{lang}-8-materials-told")

    page.goto(f"{live_server.url}{prefix}/events/{activity.code}/")
    page.locator(f"a[href$='/events/{activity.code}/materials/']").click()
    expect(page.locator("main .govuk-list a")).to_have_text("Slides")
    assert_accessible(page)
    _fits(page, 320)
    _shot(page, f"{lang}-9-public-materials")
