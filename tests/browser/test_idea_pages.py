"""Ideas in the browser: proposing (with similar ideas shown while typing), supporting,
moderating and responding; every page passes axe-core in English and Welsh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.ideas import services
from chorus.ideas.models import Challenge, Idea, Moderation, Participant
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import ChallengeFactory, ParticipantFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _challenge() -> Challenge:
    now = timezone.now()
    return ChallengeFactory(
        title="How could we make our courts easier to use?",
        title_cy="Sut gallem wneud ein llysoedd yn haws eu defnyddio?",
        description="Tell us your ideas.",
        description_cy="Dywedwch wrthym eich syniadau.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        team=TeamFactory(),
    )


def _participant(email: str = "sam@example.org") -> Participant:
    return ParticipantFactory(email=email, name="Sam", confirmed_at=timezone.now())


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_public_idea_pages_are_accessible(
    page: Page, live_server, prefix: str, lang: str, settings
) -> None:
    settings.CHORUS_RESPOND_LEAST_SECONDS = 0
    challenge = _challenge()
    someone = _participant("a@example.org")
    idea = services.idea_propose(
        challenge=challenge, participant=someone, title="Text reminders", body="A text the day before."
    )
    services.comment_add(idea=idea, participant=someone, body="I would use this.")
    base = f"{live_server.url}{prefix}"
    for path in ("/ideas/", f"/ideas/{challenge.code}/", f"/ideas/idea/{idea.code}/", "/ideas/take-part/"):
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    if lang == "cy":
        page.goto(f"{base}/ideas/{challenge.code}/")
        expect(page.locator("h1")).to_have_text("Sut gallem wneud ein llysoedd yn haws eu defnyddio?")
    page.goto(f"{base}/ideas/take-part/")
    page.locator("form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    me = _participant()
    page.goto(f"{base}/ideas/take-part/{me.token}/?next={prefix}/ideas/{challenge.code}/propose/")
    assert_accessible(page)  # the link opens a page with a button: a mail scanner confirms nothing
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form textarea")).to_be_visible()
    assert_accessible(page)
    page.locator("form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base}/ideas/idea/{idea.code}/")
    assert_accessible(page)


def test_someone_proposes_sees_a_similar_idea_and_supports_it(page: Page, live_server, settings) -> None:
    settings.CHORUS_RESPOND_LEAST_SECONDS = 0
    challenge = _challenge()
    existing = services.idea_propose(
        challenge=challenge,
        participant=_participant("a@example.org"),
        title="Text message reminders before hearings",
        body="Texts",
    )
    me = _participant()
    page.goto(f"{live_server.url}/ideas/take-part/{me.token}/?next=/ideas/{challenge.code}/propose/")
    page.get_by_role("button", name="Confirm").click()
    # htmx listens for typing only once the page has loaded: a slow machine can be typed into before.
    page.wait_for_url(f"**/ideas/{challenge.code}/propose/")
    page.wait_for_load_state("load")
    page.get_by_label("Give your idea a short title").fill("reminders by text before my hearing")
    expect(page.locator("#similar")).to_contain_text("Text message reminders before hearings")
    assert_accessible(page)
    page.locator("#similar a").first.click()
    page.get_by_role("button", name="Support this idea").click()
    expect(page.locator("main")).to_contain_text("You support this idea.")
    existing.refresh_from_db()
    assert existing.support_count == 1
    # Then proposes an idea of their own.
    page.goto(f"{live_server.url}/ideas/{challenge.code}/propose/")
    page.get_by_label("Give your idea a short title").fill("Quiet rooms for witnesses")
    page.get_by_label("Describe your idea").fill("A quiet room where vulnerable witnesses can wait.")
    page.get_by_role("button", name="Send your idea").click()
    expect(page.locator("h1")).to_have_text("Quiet rooms for witnesses")
    expect(page.locator("main")).to_contain_text("Your idea is published.")
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_staff_moderate_and_respond(page: Page, live_server, prefix: str, lang: str) -> None:
    challenge = _challenge()
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[challenge.team])
    held = services.idea_propose(
        challenge=challenge, participant=_participant(), title="The usher", body="Call me on 07700 900123"
    )
    idea = services.idea_propose(
        challenge=challenge, participant=_participant("b@example.org"), title="Wifi", body="Free wifi"
    )
    assert held.moderation == Moderation.HELD
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    for path in (
        "/staff/ideas/",
        "/staff/ideas/new/",
        f"/staff/ideas/{challenge.code}/",
        f"/staff/ideas/idea/{idea.code}/",
        "/staff/ideas/moderation/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    if lang == "en":
        page.goto(f"{live_server.url}/staff/ideas/moderation/")
        page.get_by_label("Hide").check()
        page.get_by_label("Reason").fill("Names a member of staff and a phone number")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator("main")).to_contain_text("Nothing is waiting.")
        page.goto(f"{live_server.url}/staff/ideas/idea/{idea.code}/")
        page.get_by_label("Taken forward", exact=True).check()
        page.get_by_label("Official response").fill("Free wifi arrives in every building in March.")
        page.get_by_role("button", name="Publish the response").click()
        expect(page.locator("main")).to_contain_text("Response published")
        assert Idea.objects.get(pk=idea.pk).status == Idea.Status.TAKEN_FORWARD
