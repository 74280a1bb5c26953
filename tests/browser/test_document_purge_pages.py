"""An administrator deletes a published document version's file with personal data in it:
the confirm page refuses an empty reason, then the history and the record say when, by
whom and why in place of the file. Every page passes axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.consultations.models import SupportingDocument
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import ConsultationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_administrator_deletes_a_versions_file_with_a_reason(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    opens = timezone.now() - timedelta(weeks=2)
    consultation = ConsultationFactory(
        title="Court fees review", is_published=True, opens_at=opens, closes_at=opens + timedelta(weeks=12)
    )
    document = SupportingDocument(
        consultation=consultation, title="The full proposal", original_name="proposal.pdf", size=20
    )
    document.file.save("proposal.pdf", ContentFile(b"%PDF-1.4 an address"), save=False)
    document.save()
    admin = UserFactory(email="admin@example.gov.uk", full_name="Ada Admin", role=Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    _sign_in(page, live_server.url, prefix, "admin@example.gov.uk")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.locator("#id_code").fill(f"{code:06d}")
    page.locator("main form button[type=submit]").click()

    page.goto(f"{live_server.url}{prefix}/staff/consultations/{consultation.code}/")
    assert page.locator("html").get_attribute("lang") == lang
    _look(page, f"{lang}-1-history")
    page.locator("a[href$='/delete-file/']").click()
    expect(page.locator("h1")).to_be_visible()
    _look(page, f"{lang}-2-confirm")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _look(page, f"{lang}-3-no-reason")
    page.locator("#id_reason").fill("It held a respondent's home address")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("It held a respondent's home address")
    expect(page.locator("main")).to_contain_text("Ada Admin")
    _look(page, f"{lang}-4-deleted")

    page.goto(f"{live_server.url}{prefix}/staff/consultations/{consultation.code}/documents/{document.code}/")
    expect(page.locator("h1")).to_be_visible()
    # Answered 404 on purpose (the file is gone), which Chromium logs as a console error.
    page.console_problems.clear()  # type: ignore[attr-defined]
    _look(page, f"{lang}-5-gone")
    page.goto(f"{live_server.url}{prefix}/staff/data/consultations/{consultation.code}/record/")
    expect(page.locator("main")).to_contain_text("It held a respondent's home address")
    _look(page, f"{lang}-6-record")
