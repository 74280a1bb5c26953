"""A person whose complaint was closed follows the emailed link, is told what is missing,
answers once, and is thanked again on a second visit; staff then read the answers on the
case. In English and Welsh, every page passing axe-core."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from chorus.cases import services
from chorus.cases.models import Outcome, SatisfactionSurvey
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.cases.conftest import open_case
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "case-survey-shots"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_person_answers_the_survey_once_and_staff_read_it(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    officer = UserFactory(role="engagement_officer", email="officer@example.gov.uk", teams=[team])
    case = open_case(team=team, language=lang, name="Gwen Morgan", email="gwen@example.org")
    services.case_close(actor=officer, case=case, outcome=Outcome.PARTLY_UPHELD, lesson_learned="")
    found = re.search(r"https?://\S+/contact-us/how-did-we-do/\S+/", mail.outbox[-1].body)
    assert found
    link = "/" + found.group(0).split("/", 3)[3]
    assert link.startswith(f"{prefix}/contact-us/how-did-we-do/")

    page.goto(f"{live_server.url}{link}")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary__list li")).to_have_count(3)
    assert_accessible(page)
    _shot(page, f"{lang}-1-errors")
    page.locator(".govuk-error-summary__list a").first.click()
    expect(page.locator("#id_satisfaction")).to_be_focused()
    page.locator("input[name=satisfaction][value=dissatisfied]").check()
    page.locator("input[name=resolved][value=no]").check()
    page.locator("input[name=timely][value=no]").check()
    page.locator("textarea[name=improve]").fill("Reply to <emails> sooner")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}{link}")
    expect(page.locator(".govuk-panel--confirmation")).to_have_count(0)
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"{lang}-2-already")
    survey = SatisfactionSurvey.objects.get()
    assert (survey.satisfaction, survey.resolved, survey.timely) == ("dissatisfied", "no", "no")

    page.goto(f"{live_server.url}{prefix}/contact-us/how-did-we-do/not-a-link/")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)

    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/cases/{case.code}/")
    expect(page.locator("main")).to_contain_text("Reply to <emails> sooner")
    assert_accessible(page)
    _shot(page, f"{lang}-3-case")
