"""The pages of ADR 6: the "try again shortly" page while the database is away, and a failed
analysis tried again from its page; each passes axe-core in English and Welsh."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.analysis.models import AnalysisRun
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import AnalysisRunFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_page_for_a_database_outage_is_kind_and_accessible(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    gone = OperationalError("connection refused")
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=gone):
        response = page.goto(f"{live_server.url}{prefix}/accessibility/")
        assert response is not None and response.status == 503
        assert response.headers["retry-after"] == "30"
        assert page.locator("html").get_attribute("lang") == lang
        expect(page.locator("h1")).to_be_visible()
        # The page asks the server for its assets only, never the database.
        page.console_problems.clear()  # type: ignore[attr-defined]  # the 503 itself is logged
        assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_analyst_tries_a_failed_analysis_again(page: Page, live_server, prefix: str, lang: str) -> None:
    team = TeamFactory()
    UserFactory(email="analyst@example.gov.uk", role=Role.ANALYST, teams=[team])
    run = AnalysisRunFactory(team=team, status=AnalysisRun.Status.FAILED, error="The worker stopped.")
    _sign_in(page, live_server.url, prefix, "analyst@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/analysis/{run.code}/")
    expect(page.get_by_text("The worker stopped.")).to_be_visible()
    assert_accessible(page)

    with mock.patch("chorus.analysis.services.runs.enqueue_after_commit"):
        page.locator("#run-status form button").click()
        expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.QUEUED
    assert_accessible(page)
