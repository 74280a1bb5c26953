"""An analyst starts an analysis in the browser, watches it finish and reviews its themes;
every analysis page passes axe-core in English and Welsh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.analysis.models import AnalysisRun, SocialSource
from chorus.consultations.models import Question
from tests.analysis.corpus import corpus
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    SocialSourceFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _consultation() -> Question:
    team = TeamFactory()
    UserFactory(email="analyst@example.gov.uk", role=Role.ANALYST, teams=[team])
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court visits",
        summary="Tell us.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
        team=team,
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    question = QuestionFactory(section=section, kind="text", text="What happened?", order=1)
    texts, _ = corpus(per_topic=15)
    for i, text in enumerate(texts):
        response = ResponseFactory(
            consultation=consultation, reference=f"R{i:06d}", email=f"p{i}@example.com"
        )
        AnswerFactory(response=response, question=question, value=text)
    SocialSourceFactory(name="Courts Twitter export", team=team)
    return question


def test_an_analyst_starts_an_analysis_and_reviews_a_theme(page: Page, live_server) -> None:
    question = _consultation()
    _sign_in(page, live_server.url, "", "analyst@example.gov.uk")
    page.get_by_role("link", name="Analysis", exact=True).click()
    page.get_by_role("link", name="Start an analysis").click()
    page.get_by_role("button", name="Start the analysis").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what to analyse")
    assert_accessible(page)
    page.get_by_label("What to analyse").select_option(f"question:{question.code}")
    page.get_by_role("button", name="Start the analysis").click()
    expect(page.locator("h2", has_text="Themes")).to_be_visible(timeout=60000)
    run = AnalysisRun.objects.get()
    expect(page.locator("main table").first).to_be_visible(timeout=60000)
    assert run.themes.filter(level="fine").exists()
    assert_accessible(page)
    theme = run.themes.filter(level="fine").order_by("-size").first()
    assert theme is not None
    page.goto(f"{live_server.url}/staff/analysis/{run.code}/themes/{theme.key}/")
    expect(page.locator("h1")).to_contain_text(theme.label)
    assert_accessible(page)
    page.get_by_text("Review this theme").click()
    page.get_by_label("Name", exact=True).fill("Waiting at court")
    page.get_by_role("button", name="Save name and description").click()
    expect(page.locator("h1")).to_contain_text("Waiting at court")
    page.goto(f"{live_server.url}/staff/analysis/{run.code}/changes/")
    expect(page.locator("main")).to_contain_text("Waiting at court")


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_analysis_pages_are_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    from chorus.accounts.models import User
    from chorus.analysis import services

    question = _consultation()
    analyst = User.objects.get(email="analyst@example.gov.uk")
    run = services.run_create(actor=analyst, subject="question", target=question, mode="fast", framework=[])
    services.run_execute(run)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE
    theme = run.themes.filter(level="fine").order_by("-size").first()
    assert theme is not None
    source = SocialSource.objects.get()
    _sign_in(page, live_server.url, prefix, "analyst@example.gov.uk")
    for path in (
        "/staff/analysis/",
        "/staff/analysis/new/",
        f"/staff/analysis/{run.code}/",
        f"/staff/analysis/{run.code}/?level=fine",
        f"/staff/analysis/{run.code}/responses/?q=phone&sentiment=negative",
        f"/staff/analysis/{run.code}/themes/{theme.key}/",
        f"/staff/analysis/{run.code}/changes/",
        "/staff/analysis/social/",
        f"/staff/analysis/social/{source.code}/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
