"""An officer shares a "you said, we did" record back by email: from the project page to
the page that says who will get it and shows both emails, adds a topic's subscribers,
sends, and sees the result on the record. Every page passes axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.bulletins.models import Subscriber
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    ImpactRecordFactory,
    ProjectFactory,
    SubscriberFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
    make_person,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_shares_a_change_back_with_the_people_who_took_part(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    project = ProjectFactory(name="Court forms", team=team)
    record = ImpactRecordFactory(
        project=project,
        you_said="The forms were hard to find",
        you_said_cy="Roedd y ffurflenni'n anodd dod o hyd iddynt",
        we_did="We linked them from the start page",
        we_did_cy="Rydym wedi'u cysylltu o'r dudalen gychwyn",
        is_published=True,
        published_at=timezone.now(),
    )
    forum = ActivityFactory(title="Forms users' forum", team=team)
    record.activities.add(forum)
    for email, language in (("english@example.org", "en"), ("cymraeg@example.org", "cy")):
        person = make_person(last_name="Attendee", emails=[email], preferred_language=language)
        AttendanceFactory(activity=forum, person=person, attended=True)
    topic = TopicFactory(name_en="Courts", name_cy="Llysoedd")
    SubscriberFactory(email="reader@example.org", status=Subscriber.Status.ACTIVE).topics.add(topic)

    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/projects/{project.code}/")
    page.locator(f"a[href$='/staff/bulletins/share-back/{record.code}/']").click()
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("main button.govuk-button:not(.govuk-button--secondary)")).to_contain_text("2")
    expect(page.locator("main")).to_contain_text("Roedd y ffurflenni'n anodd dod o hyd iddynt")
    expect(page.locator("main")).to_contain_text("The forms were hard to find")
    _look(page, f"{lang}-1-shareback")

    page.get_by_label("Courts" if lang == "en" else "Llysoedd").check()
    page.locator("main form[method=get] button").click()
    expect(page.locator("main button.govuk-button:not(.govuk-button--secondary)")).to_contain_text("3")
    _look(page, f"{lang}-2-with-subscribers")

    page.locator("main form[method=post] button").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    expect(page.locator(".govuk-summary-card table")).to_be_visible()
    _look(page, f"{lang}-3-project-with-result")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "cymraeg@example.org",
        "english@example.org",
        "reader@example.org",
    ]
