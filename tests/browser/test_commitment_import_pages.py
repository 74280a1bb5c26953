"""An officer imports a spreadsheet of recommendations: a file with a wrong row is refused
with what to fix, the fixed file is reviewed and imported. Every page passes axe-core in
English and Welsh."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.engagement.models import Commitment
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Ref,Recommendation,Made by,Team,Due date,Status,Reason\n"
ROWS = "R1,Publish the fees review,Justice Select Committee,Family justice,31/03/2027,on track,\n"


def _choose(page: Page, text: str) -> None:
    page.locator("#id_file").set_input_files(
        files=[{"name": "recommendations.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_imports_recommendations_after_fixing_the_file(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/commitments/")
    page.locator("a.govuk-button[href$='/staff/commitments/import/']").click()
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)

    _choose(page, HEADER + ROWS + "R2,Open on Saturdays,,,31/02/2027,,\n")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("main")).to_contain_text("31/02/2027")
    assert_accessible(page)
    assert not Commitment.objects.exists()

    _choose(page, HEADER + ROWS + "R2,Open on Saturdays,,,31/03/2027,,\n")
    expect(page.locator("tbody tr")).to_have_count(2)
    assert_accessible(page)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("tbody")).to_contain_text("Publish the fees review")
    assert sorted(Commitment.objects.values_list("reference", flat=True)) == ["R1", "R2"]
