"""An officer records a recommendation, gets its input wrong once, adds progress and
publishes it; the public read it. Every page passes axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.engagement.models import Commitment
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import ActivityFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_tracks_a_recommendation_to_the_public_page(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(
        email="officer@example.gov.uk", full_name="Olwen Officer", role=Role.ENGAGEMENT_OFFICER, teams=[team]
    )
    project = ProjectFactory(name="Court fees", team=team)
    forum = ActivityFactory(title="Fees users' forum", starts_at=timezone.now() - timedelta(days=20))
    forum.projects.add(project)
    Commitment.objects.create(
        kind="action",
        title="Hold a forum in north Wales",
        source_body="Engagement strategy 2026",
        team=team,
        due_on=timezone.localdate() - timedelta(days=3),
        status="on_track",
    )
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/commitments/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("tbody")).to_contain_text("Hold a forum in north Wales")
    expect(page.locator("tbody .govuk-tag--red")).to_be_visible()
    _look(page, f"{lang}-1-list")

    page.locator("a.govuk-button[href$='/staff/commitments/new/']").click()
    page.locator("#id_title").fill("Publish the fees review in plain English")
    page.locator("#id_due_on_day").fill("31")
    page.locator("#id_due_on_month").fill("2")
    page.locator("#id_due_on_year").fill("2027")
    page.locator("#id_status").select_option("not_doing")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _look(page, f"{lang}-2-form-errors")

    page.locator("#id_kind").check()
    page.locator("#id_source_body").fill("Justice Select Committee")
    page.locator("#id_source").fill("Court fees report, recommendation 4")
    page.locator("#id_due_on_day").fill("28")
    page.locator("#id_status").select_option("not_started")
    page.locator("#id_owner").select_option(label="Olwen Officer <officer@example.gov.uk>")
    page.locator("#id_team").select_option(label="Family justice")
    page.locator("#id_project").select_option(label="Court fees")
    page.get_by_label("Fees users' forum").check()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Publish the fees review in plain English")
    _look(page, f"{lang}-3-detail")

    page.locator("#id_status-1").check()  # on track
    page.locator("#id_note").fill("The first draft is with the plain English team")
    page.locator("form[action$='/updates/'] button").click()
    expect(page.locator("ol.govuk-list")).to_contain_text("The first draft is with the plain English team")
    page.locator("form[action$='/publish/'] button").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    _look(page, f"{lang}-4-detail-updated")

    page.goto(f"{live_server.url}{prefix}/commitments/")
    expect(page.locator("h2.govuk-heading-l")).to_have_text("Justice Select Committee")
    expect(page.locator(".govuk-summary-card")).to_contain_text(
        "The first draft is with the plain English team"
    )
    _look(page, f"{lang}-5-public")
