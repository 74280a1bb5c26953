"""Registering for an event in the browser, in English and Welsh: the mistakes people make
(nothing typed, a wrong email address, an unanswered question), check your answers,
registering (clicked twice), the confirmation, and the personal page from the email link;
every page passes axe-core."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.events.models import CustomQuestion, Registration
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES
from tests.factories import RegistrationSettingsFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "eventsreg-shots"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_registering_for_an_event(page: Page, live_server, prefix: str, lang: str) -> None:
    settings_ = RegistrationSettingsFactory(
        capacity=1,
        questions=["organisation", "adjustments"],
        activity__title="Court users' forum",
        activity__title_cy="Fforwm defnyddwyr llys",
        activity__kind="user_forum",
        activity__starts_at=timezone.now() + timedelta(days=12),
    )
    CustomQuestion.objects.create(
        settings=settings_,
        label="What should we discuss?",
        label_cy="Beth ddylen ni ei drafod?",
        required=True,
    )
    code = settings_.activity.code
    page.goto(f"{live_server.url}{prefix}/events/{code}/")
    _shot(page, f"{lang}-1-event")
    page.locator(f"a[href$='/events/{code}/register/']").click()

    # Nothing typed, then a wrong address: each said plainly, what was typed kept.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary__list li")).to_have_count(3)
    assert_accessible(page)
    page.locator("input[name=name]").fill("Rhian Jones")
    page.locator("input[name=email]").fill("rhian@example")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary__list li")).to_have_count(2)
    expect(page.locator("input[name=name]")).to_have_value("Rhian Jones")
    _shot(page, f"{lang}-2-details-errors")
    page.locator("input[name=email]").fill("rhian@example.org")
    page.locator("input[name=agree]").check()
    page.locator("main form button[type=submit]").click()

    # The questions: the required one left out, then answered.
    expect(page).to_have_url(re.compile(r"/register/questions/$"))
    page.locator("input[name=organisation]").fill("Shelter Cymru")
    page.locator("input[name=adjustment_categories][value=hearing_loop]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"{lang}-3-questions-error")
    page.locator(f"textarea[name=q{settings_.custom_questions.get().pk}]").fill("Waiting times")
    page.locator("main form button[type=submit]").click()

    # Check your answers, then register (twice, as an impatient click would).
    expect(page).to_have_url(re.compile(r"/register/check/$"))
    expect(page.locator("main")).to_contain_text("Shelter Cymru")
    expect(page.locator("main")).to_contain_text("Waiting times")
    assert_accessible(page)
    _shot(page, f"{lang}-4-check")
    page.locator("main form button[type=submit]").dblclick()
    expect(page).to_have_url(re.compile(r"/register/done/$"))
    expect(page.locator(".govuk-panel")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"{lang}-5-done")
    registration = Registration.objects.get()
    assert registration.status == "confirmed" and registration.language == lang

    # The link in the email, a day later in a fresh browser: the registration, with a way to cancel.
    link = re.search(r"https?://[^\s]+/events/registration/[^\s/]+/", mail.outbox[0].body).group(0)
    page.context.clear_cookies()
    page.goto(live_server.url + "/" + link.split("/", 3)[3])
    expect(page.locator("main")).to_contain_text("Rhian Jones")
    assert_accessible(page)
    _shot(page, f"{lang}-6-manage")
    page.locator("a[href$='/cancel/']").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=confirm][value=yes]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("a[href$='/cancel/']")).to_have_count(0)
    _shot(page, f"{lang}-7-cancelled")
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_closed_registration_says_so(page: Page, live_server) -> None:
    settings_ = RegistrationSettingsFactory(is_open=False, activity__title="Closed forum")
    page.goto(f"{live_server.url}/events/{settings_.activity.code}/register/")
    expect(page.locator("h1")).to_have_text("Registration has closed")
    assert_accessible(page)
    _shot(page, "en-8-closed")


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_opens_registration_and_approves_people(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    from chorus.accounts.models import Role
    from chorus.engagement.models import stages_ensure
    from chorus.events import services
    from tests.browser.test_accessibility import _sign_in
    from tests.factories import ActivityFactory, TeamFactory, UserFactory

    stages_ensure()
    team = TeamFactory(name="Family services")
    UserFactory(
        email="officer@example.gov.uk", full_name="Ceri Officer", role=Role.ENGAGEMENT_OFFICER, teams=[team]
    )
    activity = ActivityFactory(
        kind="webinar", title="Fees webinar", team=team, starts_at=timezone.now() + timedelta(days=20)
    )
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/activities/{activity.code}/")
    page.locator(f"a[href$='/staff/activities/{activity.code}/registration/']").click()
    # Online without a joining link, and no number of places: both said plainly.
    page.locator("input[name=is_open][value=yes]").check()
    page.locator("input[name=mode][value=online]").check()
    page.locator("input[name=needs_approval][value=yes]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary__list li")).to_have_count(2)
    assert_accessible(page)
    _shot(page, f"{lang}-9-settings-errors")
    page.locator("input[name=capacity]").fill("1")
    page.locator("input[name=joining_link]").fill("https://meet.example.org/fees")
    page.locator("input[name=questions][value=adjustments]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/registrations/$"))
    for i in range(2):
        services.registration_create(
            activity=activity, name=f"Person {i}", email=f"p{i}@example.org", language="en", answers={}
        )
    page.reload()
    assert_accessible(page)
    page.locator("button[name=decision][value=approve]").click()
    expect(
        page.locator(".govuk-notification-banner, .govuk-notification-banner--success").first
    ).to_be_visible()
    _shot(page, f"{lang}-10-registrations")
    assert list(activity.registrations.order_by("id").values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
    ]
