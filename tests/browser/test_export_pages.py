"""An officer downloads a consultation's responses: the file is prepared by a task, the
page shows it ready, and the download is the complete file; the pages pass axe-core in
English and Welsh."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import ConsultationFactory, ResponseFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_downloads_the_responses_once_they_are_prepared(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory()
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court visits", opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=30), team=team
    )
    for number in range(3):
        ResponseFactory(consultation=consultation, reference=f"REF{number:05d}")
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/consultations/{consultation.code}/responses/")
    page.get_by_role("link", name="Download as Excel" if lang == "en" else "Lawrlwytho fel Excel").click()
    # Tasks run at once here, so the page finds the file ready.
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    with page.expect_download() as waited:
        page.locator("#export-status a.govuk-button").click()
    download = waited.value
    assert download.suggested_filename == f"responses-{consultation.code}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    references = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(references) == ["REF00000", "REF00001", "REF00002"]
    page.locator(f'.chorus-header__links a[href="{prefix}/staff/downloads/"]').click()
    expect(page.locator("td a")).to_contain_text("Court visits")
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_downloads_the_organisations_and_activities_with_their_added_fields(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    import csv

    from chorus.core.models import CustomField
    from tests.factories import ActivityFactory, OrganisationFactory

    CustomField.objects.create(
        applies_to="organisation", key="funder", label_en="Funder", label_cy="Cyllidwr", kind="text"
    )
    OrganisationFactory(name="Citizens Advice Cardiff", custom={"funder": "Lottery"})
    ActivityFactory(title="Tenants forum")
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    csv_link = "Download as CSV" if lang == "en" else "Lawrlwytho fel CSV"
    for listing, expected, header in (
        ("/staff/directory/organisations/", "Citizens Advice Cardiff", "Funder"),
        ("/staff/activities/", "Tenants forum", "title"),
    ):
        page.goto(f"{live_server.url}{prefix}{listing}")
        assert_accessible(page)
        page.locator("main").get_by_role("link", name=csv_link).click()
        expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
        assert_accessible(page)
        with page.expect_download() as waited:
            page.locator("#export-status a.govuk-button").click()
        rows = list(csv.reader(io.StringIO(waited.value.path().read_text(encoding="utf-8-sig"))))
        assert header in rows[0] and any(expected in row for row in rows[1:]), rows[:3]
