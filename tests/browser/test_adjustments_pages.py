"""Reasonable adjustments in the browser: an officer records a person's needs (a need of
"something else" with no details is refused, the details revealed under the ticked box),
and the person sees, changes and removes their own through their emailed link. Every page
passes axe-core in English and Welsh; screenshots go to CHORUS_SCREENSHOTS (or
/tmp/adjust-shots)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.directory.adjustments import adjustments_save, link_token
from chorus.directory.models import AdjustmentsRecord, Person
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    PlaceFactory,
    TeamFactory,
    UserFactory,
    make_person,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("CHORUS_SCREENSHOTS") or "/tmp/adjust-shots")  # noqa: S108 (screenshots to look at)
OTHER = "#id_needs-11"  # "something else", the last need


def _shot(page: Page, name: str, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"adjustments-{name}-{lang}.png"), full_page=True)


def _no_internals(page: Page) -> None:
    shown = page.locator("main").inner_text()
    for leak in ("None", "{'", "[<", "share_event_team", "details_other", "bsl_interpreter", "directory."):
        assert leak not in shown, f"{page.url}: {leak!r} on the page"


def _person() -> Person:
    team = TeamFactory(name="Family services")
    UserFactory(
        email="officer@example.gov.uk", full_name="Ceri Officer", role=Role.ENGAGEMENT_OFFICER, teams=[team]
    )
    return make_person(first_name="Megan", last_name="Rees", emails=["megan@example.org"], team=team)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_records_adjustments_with_details_and_sharing(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    person = _person()
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    base = f"{live_server.url}{prefix}"
    page.goto(f"{base}/staff/directory/people/{person.code}/")
    assert page.locator("html").get_attribute("lang") == lang
    page.locator(f"a[href$='/people/{person.code}/adjustments/']").click()
    expect(page.locator("h1")).to_be_visible()
    details = page.locator("#id_details_other")
    expect(details).to_be_hidden()
    assert_accessible(page)
    _shot(page, "staff-form", lang)

    page.locator(OTHER).check()
    expect(details).to_be_visible()  # revealed under the ticked box
    page.locator("form[novalidate] button[type=submit]").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith("Error:" if lang == "en" else "Gwall:")
    if lang == "en":
        expect(summary).to_contain_text("Enter what else they need")
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "staff-form-error", lang)

    summary.locator("a").first.click()
    expect(details).to_be_focused()
    details.fill("A seat near the door")
    page.locator("#id_needs-2").check()  # hearing loop
    page.locator("#id_details_hearing_loop").fill("Left ear")
    page.locator("#id_share_with").check()  # the event team
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("A seat near the door")
    expect(page.locator("main")).to_contain_text("Left ear")
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "person-page", lang)
    record = AdjustmentsRecord.objects.get(person=person)
    assert record.share_event_team and not record.share_venue
    assert sorted(n.category for n in record.needs.all()) == ["hearing_loop", "other"]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_person_sees_changes_and_removes_their_own_adjustments(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    person = _person()
    base = f"{live_server.url}{prefix}"
    page.goto(f"{base}/your-adjustments/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    _shot(page, "public-request", lang)
    page.locator("#id_email").fill("megan@example.org")
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("megan@example.org")
    assert_accessible(page)
    _shot(page, "public-link-sent", lang)

    with translation.override(lang):
        token = link_token(person)
    page.goto(f"{base}/your-adjustments/{token}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    _shot(page, "public-empty", lang)
    page.locator("#id_needs-3").check()  # step-free access
    page.locator("#id_details_step_free").fill("I use a wheelchair")
    page.locator("#id_share_with-1").check()  # the venue
    page.locator("form[novalidate] button[type=submit]").first.click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert_accessible(page)
    _shot(page, "public-saved", lang)

    page.goto(f"{base}/your-adjustments/{token}/")
    expect(page.locator(".govuk-summary-list")).to_contain_text("I use a wheelchair")
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "public-held", lang)
    page.locator("button[name=withdraw]").click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert not AdjustmentsRecord.objects.filter(person=person).exists()

    page.goto(f"{base}/your-adjustments/{token}x/")
    expect(page.locator("h1")).to_be_visible()
    page.console_problems.clear()  # type: ignore[attr-defined]  # the browser reports the 410 it was sent
    assert_accessible(page)
    _shot(page, "public-expired", lang)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_organiser_sees_what_is_not_met_and_the_briefing(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    person = _person()
    team = person.team
    hall = PlaceFactory(name="Town hall", step_free=True)
    activity = ActivityFactory(
        title="Family court forum", team=team, place=hall, starts_at=timezone.now() + timedelta(days=3)
    )
    adjustments_save(
        person=person,
        needs={"hearing_loop": "Left ear"},
        share_with={"event_team"},
        review_on=None,
        via="staff",
        actor=None,
    )
    AttendanceFactory(activity=activity, person=person, invitation="accepted")
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    base = f"{live_server.url}{prefix}"
    page.goto(f"{base}/staff/activities/{activity.code}/")
    expect(page.locator(".govuk-warning-text")).to_be_visible()
    if lang == "en":
        expect(page.locator(".govuk-warning-text")).to_contain_text("Hearing loop: 1 person needs this")
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "activity", lang)
    page.locator(f"a[href$='/staff/activities/{activity.code}/briefing/']").click()
    expect(page.locator("tbody")).to_contain_text("Megan Rees")
    expect(page.locator("tbody")).to_contain_text("Left ear")
    expect(page.locator("main")).not_to_contain_text("megan@example.org")
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "briefing", lang)
