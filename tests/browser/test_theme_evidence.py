"""An analyst reads a theme's evidence (varied quotes, who responded, stance) in English and
Welsh; small numbers are never shown and the page passes axe-core."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from tests.analysis.evidence_world import evidence_run
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_analyst_reads_a_themes_evidence(page: Page, live_server, prefix: str, lang: str) -> None:
    team = TeamFactory()
    UserFactory(email="analyst@example.gov.uk", role=Role.ANALYST, teams=[team])
    run, theme = evidence_run(team)
    _sign_in(page, live_server.url, prefix, "analyst@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/analysis/{run.code}/themes/{theme.key}/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator(".govuk-inset-text").first).to_have_text("The queue at court was long 0")
    tables = page.locator("table.govuk-table").filter(has=page.locator("caption"))
    expect(tables.first).to_be_visible()
    assert tables.count() >= 4
    evidence = page.locator("main").inner_text().split("\n")
    assert not any(line.strip().startswith(("1 (", "2 (")) for line in evidence)
    assert "None" not in evidence
    if os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['CHORUS_SCREENSHOTS']}/theme-evidence-{lang}.png", full_page=True)
    assert_accessible(page)
