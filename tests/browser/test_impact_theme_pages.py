""" "You said, we did" records answer the themes of an analysis (#24): an officer ticks the
themes a record answers, sees them on the project page, finds the record from the theme on
the theme's and the analysis's pages, and the public page names the themes of a signed-off analysis; the
consultation record lists them too. Every page passes axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.analysis.models import ReviewStage
from chorus.engagement.models import ImpactRecord
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    AnalysisRunFactory,
    ConsultationFactory,
    ImpactRecordFactory,
    ProjectFactory,
    QuestionFactory,
    SectionFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_links_a_record_to_the_themes_it_answers(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    lead = UserFactory(role=Role.ANALYST, full_name="Ana Lyst")
    project = ProjectFactory(name="Court fees", team=team)
    # Open to everyone, so the public page may name its signed-off themes.
    consultation = ConsultationFactory(title="Court fees review", project=project, is_published=True)
    question = QuestionFactory(
        section=SectionFactory(consultation=consultation), text="What do you think of the fees?"
    )
    run = AnalysisRunFactory(
        title=question.text,
        question=question,
        status="done",
        review_stage=ReviewStage.SIGNED_OFF,
        signed_off_by=lead,
        signed_off_at=timezone.now(),
        finished_at=timezone.now(),
    )
    cost = ThemeFactory(run=run, label="Cost of applying", level="broad", size=12, share=0.4)
    ThemeFactory(run=run, label="Waiting times", level="broad", size=8, share=0.3)

    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}{reverse('engagement:impact_create', args=[project.code])}")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("main")).to_contain_text("Cost of applying — What do you think of the fees?")
    page.locator("#id_you_said").fill("The fees are too high for people on low incomes")
    page.locator("#id_we_did").fill("We extended help with fees")
    page.locator("#id_decided_on_day").fill("1")
    page.locator("#id_decided_on_month").fill("6")
    page.locator("#id_decided_on_year").fill("2026")
    _look(page, f"{lang}-1-form")
    page.get_by_label("Court fees review").check()
    page.get_by_label("Cost of applying — What do you think of the fees?").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('engagement:project_detail', args=[project.code])}")
    record = ImpactRecord.objects.get()
    assert list(record.themes.all()) == [cost]
    card = page.locator(f"#impact-{record.code}")
    expect(card.get_by_role("link", name="Cost of applying")).to_be_visible()
    _look(page, f"{lang}-2-project")

    card.get_by_role("link", name="Cost of applying").click()
    page.wait_for_url(f"**{reverse('analysis:theme_detail', args=[run.code, cost.key])}")
    expect(page.locator("main")).to_contain_text("We extended help with fees")
    _look(page, f"{lang}-3-theme")
    page.goto(f"{live_server.url}{prefix}{reverse('analysis:run_detail', args=[run.code])}")
    expect(page.locator("main")).to_contain_text("We extended help with fees")
    _look(page, f"{lang}-4-analysis")

    ImpactRecord.objects.filter(pk=record.pk).update(is_published=True, published_at=timezone.now())
    page.goto(f"{live_server.url}{prefix}{reverse('engagement:public_impact', args=[project.code])}")
    expect(page.locator("main")).to_contain_text("Cost of applying")
    _look(page, f"{lang}-5-public")

    page.goto(f"{live_server.url}{prefix}{reverse('insights:consultation_record', args=[consultation.code])}")
    expect(page.locator("main")).to_contain_text("Cost of applying")
    _look(page, f"{lang}-6-record")


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_form_says_how_to_get_themes_when_there_are_none(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    project = ProjectFactory(name="Court fees", team=team)
    ImpactRecordFactory(project=project)
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}{reverse('engagement:impact_create', args=[project.code])}")
    expect(page.locator("main")).not_to_contain_text("Cost of applying")
    assert page.locator("input[name=themes]").count() == 0
    _look(page, f"{lang}-7-form-without-themes")
