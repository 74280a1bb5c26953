"""Bulletin pages in the browser: the public sign-up journey and the staff pages pass
axe-core in English and Welsh; an officer composes with the live preview."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.bulletins.models import Bulletin, Delivery, Subscriber
from chorus.directory.reference import regions_ensure
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import ArmFactory, BulletinFactory, SubscriberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_public_bulletin_pages_are_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    regions_ensure()
    page.goto(f"{live_server.url}{prefix}/bulletins/subscribe/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.locator("form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address" if lang == "en" else "Cyfeiriad e-bost").fill("gwen@example.org")
    page.locator("input[name=regions]").first.check()
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Check your email" if lang == "en" else "Gwiriwch eich e-bost")
    assert_accessible(page)
    subscriber = Subscriber.objects.get()
    page.goto(f"{live_server.url}{prefix}/bulletins/confirm/{subscriber.token}/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel__title")).to_be_visible()
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    for path in (
        f"/bulletins/manage/{subscriber.token}/",
        f"/bulletins/unsubscribe/{subscriber.token}/",
        f"/bulletins/manage/{subscriber.token}/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_staff_bulletin_pages_are_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    SubscriberFactory(email="a@example.org", status=Subscriber.Status.ACTIVE, consented_at=timezone.now())
    bulletin = BulletinFactory(
        title="December", subject="News", body="**Hello**", is_trial=True, outcome="click"
    )
    ArmFactory(bulletin=bulletin, name="A", subject="News")
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    for path in (
        "/staff/bulletins/",
        "/staff/bulletins/new/",
        f"/staff/bulletins/{bulletin.code}/",
        f"/staff/bulletins/{bulletin.code}/?as=a@example.org",
        f"/staff/bulletins/{bulletin.code}/edit/",
        "/staff/bulletins/subscribers/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)


def test_an_officer_writes_a_bulletin_with_a_live_preview_and_sends_it(page: Page, live_server) -> None:
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    SubscriberFactory(email="a@example.org", status=Subscriber.Status.ACTIVE, consented_at=timezone.now())
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.get_by_role("link", name="Bulletins", exact=True).click()
    page.get_by_role("link", name="Write a bulletin").click()
    # htmx listens for typing only once the page has loaded: a slow machine can be typed into before.
    page.wait_for_url("**/staff/bulletins/new/")
    page.wait_for_load_state("load")
    page.get_by_label("Internal title").fill("December news")
    page.get_by_label("Subject line", exact=True).fill("What is happening in December")
    page.get_by_label("Message", exact=True).fill("**Come along** to the forum")
    expect(page.locator("#preview .govuk-inset-text strong")).to_have_text("Come along", timeout=15000)
    expect(page.locator("#preview")).to_contain_text("Reaches 1 subscriber")
    page.get_by_role("button", name="Save the bulletin").click()
    expect(page.locator("h1")).to_have_text("December news")
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Send to 1 person?")
    assert Bulletin.objects.get().status == Bulletin.Status.DRAFT
    page.get_by_role("button", name="Send to 1 person").click()
    expect(page.locator(".govuk-notification-banner, .govuk-caption-l").first).to_be_visible()
    bulletin = Bulletin.objects.get()
    assert bulletin.status in (Bulletin.Status.SENDING, Bulletin.Status.SENT)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_tests_then_confirms_a_send_to_welsh_speakers_without_welsh(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    """A test to yourself first; then "Send to N people?", which will not send to people who
    asked for Welsh until the officer ticks that they will get the English text."""
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    SubscriberFactory(email="a@example.org", status=Subscriber.Status.ACTIVE, consented_at=timezone.now())
    SubscriberFactory(
        email="gwen@example.org", status=Subscriber.Status.ACTIVE, language="cy", consented_at=timezone.now()
    )
    bulletin = BulletinFactory(title="Spring", subject="Spring news", body="# Spring\n\n**Come along**")
    english = lang == "en"
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/bulletins/{bulletin.code}/")
    assert_accessible(page)
    page.locator(f"form[action$='/staff/bulletins/{bulletin.code}/test/'] button").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("officer@example.gov.uk")
    assert not Delivery.objects.exists()
    page.locator("input[name=when][value=now]").check()
    page.locator(f"form[action$='/staff/bulletins/{bulletin.code}/send/'] button").click()
    # The Welsh wording comes with the catalogue; the count is the same in both.
    expect(page.locator("h1")).to_have_text("Send to 2 people?") if english else expect(
        page.locator("h1")
    ).to_contain_text("2")
    expect(page.locator(".govuk-warning-text")).to_contain_text("1")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    assert Bulletin.objects.get().status == Bulletin.Status.DRAFT
    page.locator("input[name=english_to_welsh]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner").first).to_be_visible()
    bulletin.refresh_from_db()
    assert bulletin.status in (Bulletin.Status.SENDING, Bulletin.Status.SENT)
