"""An officer opens the emerging issues in their team's cases from the staff home, follows a
case to its page, and reads feedback by region on the service excellence dashboard. Every
page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chorus.analysis.emerging import cases_emerging_detect
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from tests.analysis.test_case_emerging import _burst, _history
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import _sign_in
from tests.factories import PageFeedbackFactory, ServiceFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_follows_an_emerging_issue_to_its_cases(page: Page, live_server) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(role="engagement_officer", email="officer@example.gov.uk", teams=[team])
    _history(team)
    burst = _burst(team)
    cases_emerging_detect()
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Emerging issues in enquiries and complaints").click()
    expect(page.locator("h1")).to_have_text("Emerging issues in cases")
    assert_accessible(page)
    page.get_by_role("link", name=str(burst[-1])).first.click()
    expect(page.locator("h1")).to_contain_text(str(burst[-1]))
    # The service's own emerging issues page shows those in the cases that name it.
    service = ServiceFactory(name="Apply for probate", team=team)
    page.goto(f"{live_server.url}/staff/analysis/emerging/{service.code}/")
    expect(page.get_by_role("heading", name="In enquiries and complaints")).to_be_visible()
    assert_accessible(page)


def test_the_dashboard_shows_feedback_by_region(page: Page, live_server) -> None:
    regions_ensure()
    team = TeamFactory(name="Family justice")
    UserFactory(role="engagement_officer", email="officer@example.gov.uk", teams=[team])
    service = ServiceFactory(name="Apply for probate", team=team)
    PageFeedbackFactory(service=service, region=Region.objects.get(ons_code="W92000004"))
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.goto(f"{live_server.url}/staff/data/services/")
    table = page.locator("table", has=page.locator("caption", has_text="Each region"))
    expect(table.locator("tbody th")).to_have_text(["Wales"])
    assert_accessible(page)
