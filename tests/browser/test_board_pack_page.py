"""An officer opens the board pack from the data page, gets the period wrong once, then
reads last quarter's pack and finds its downloads. Every page passes axe-core in English
and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.engagement.models import Commitment
from chorus.engagement.report import quarter_of
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    ActivityFactory,
    CheckpointFactory,
    ConsultationFactory,
    ProjectFactory,
    StakeholderGroupFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"board-pack-{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_reads_last_quarters_board_pack(page: Page, live_server, prefix: str, lang: str) -> None:
    start, _end = quarter_of(quarter_of(timezone.localdate())[0] - timedelta(days=1))
    middle = datetime.combine(start + timedelta(days=20), time(10), tzinfo=timezone.get_current_timezone())
    team = TeamFactory(name="Family justice")
    UserFactory(
        email="officer@example.gov.uk", full_name="Olwen Officer", role=Role.ENGAGEMENT_OFFICER, teams=[team]
    )
    project = ProjectFactory(name="Court fees", team=team)
    ActivityFactory(title="Fees users' forum", starts_at=middle).projects.add(project)
    CheckpointFactory(project=project, group=StakeholderGroupFactory(name="Judiciary"), due_on=middle.date())
    ConsultationFactory(
        title="Court fees review",
        title_cy="Adolygiad ffioedd llys",
        is_published=True,
        opens_at=middle,
        closes_at=middle + timedelta(days=30),
    )
    Commitment.objects.create(
        kind="action", title="Hold a forum in north Wales", team=team, status="on_track", created_at=middle
    )
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/data/")
    page.locator("a[href$='/staff/data/board-pack/']").click()
    expect(page.locator("h1")).to_have_text("Board pack" if lang == "en" else "Pecyn y bwrdd")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("main")).to_contain_text("Hold a forum in north Wales")
    expect(page.locator("main")).to_contain_text(
        "Court fees review" if lang == "en" else "Adolygiad ffioedd llys"
    )
    _look(page, f"{lang}-1-last-quarter")

    page.locator("#id_end_year").fill(str(start.year - 1))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _look(page, f"{lang}-2-errors")

    page.locator("main a[href*='start=']").first.click()  # this quarter
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main a[href*='board-pack.pdf'][href*='lang=cy']")).to_have_count(1)
    expect(page.locator("main a[href*='board-pack.docx'][href*='lang=en']")).to_have_count(1)
    _look(page, f"{lang}-3-this-quarter")
