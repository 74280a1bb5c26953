"""A lead reviews and signs off an analysis's themes as a framework, and a second analyst
codes a sample blind; every page on the way passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.analysis.models import AnalysisRun, QualitySample, SampleEntry
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import _sign_in
from tests.factories import (
    AnalysisRunFactory,
    AssignmentFactory,
    ItemFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEMES = ["Parking", "Staff attitude", "Waiting times"]


def _run() -> AnalysisRun:
    team = TeamFactory()
    UserFactory(email="lead@example.gov.uk", full_name="Lee Lead", role=Role.ANALYST, teams=[team])
    UserFactory(email="second@example.gov.uk", full_name="Sam Second", role=Role.ANALYST, teams=[team])
    run = AnalysisRunFactory(title="Court visits", team=team, status=AnalysisRun.Status.DONE, item_count=9)
    themes = [
        ThemeFactory(run=run, key=n, label=label, description=f"About {label.lower()}")
        for n, label in enumerate(THEMES, start=1)
    ]
    for n in range(9):
        item = ItemFactory(run=run, text=f"Response {n}: it was about {THEMES[n % 3].lower()}.")
        AssignmentFactory(item=item, theme=themes[n % 3])
    return run


def test_a_lead_signs_off_the_themes_and_a_second_analyst_checks_the_coding(page: Page, live_server) -> None:
    run = _run()
    base = live_server.url
    _sign_in(page, base, "", "lead@example.gov.uk")
    page.goto(f"{base}/staff/analysis/{run.code}/")
    page.get_by_role("link", name="Review, sign-off and quality checks").click()
    expect(page.locator("h1")).to_have_text("Review and sign-off")
    assert_accessible(page)
    page.get_by_role("button", name="Start the review").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("In review")
    page.get_by_role("link", name="Sign off the framework").first.click()
    expect(page.locator("h1")).to_have_text("Sign off the framework")
    assert_accessible(page)
    page.get_by_role("button", name="Sign off the framework").click()
    expect(page.locator(".govuk-panel")).to_contain_text("By Lee Lead on")
    assert_accessible(page)

    page.get_by_role("link", name="Go to review and sign-off").click()
    page.get_by_role("link", name="Draw a sample for a second analyst").click()
    page.get_by_label("How many responses to sample").fill("")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter how many responses to sample.")
    assert_accessible(page)
    page.get_by_label("How many responses to sample").fill("3")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator("h1")).to_have_text("Quality check")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Another analyst must do the second coding")
    assert_accessible(page)
    sample = QualitySample.objects.get()

    page.context.clear_cookies()
    _sign_in(page, base, "", "second@example.gov.uk")
    page.goto(f"{base}/staff/analysis/quality/{sample.code}/")
    page.get_by_role("link", name="Start coding").click()
    expect(page.locator("h1")).to_have_text("Which themes does this response belong to?")
    expect(page.locator("input[type=checkbox]:checked")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("None of these themes")
    assert_accessible(page)
    page.get_by_label("None of these themes").check()
    page.get_by_role("button", name="Save and continue").click()
    for position in (2, 3):
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"Response {position} of 3")
        page.get_by_label("Parking").check()
        page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("How far the codings agree")
    assert_accessible(page)
    page.get_by_role("button", name="Accept the second coding for response 1").click()
    expect(page.locator("#response-1")).to_contain_text("Second coding accepted")
    assert_accessible(page)
    assert SampleEntry.objects.get(sample=sample, position=1).resolution == "second"
