"""The open-data catalogue and a dataset page pass axe-core in English and Welsh; staff
preview and publish in the browser."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.feedback.models import PageFeedback
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    ConsultationFactory,
    DataAccessRequestFactory,
    ResponseFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_staff_publish_and_the_public_read_a_dataset(page: Page, live_server, prefix: str, lang: str) -> None:
    service = ServiceFactory(name="Apply for probate", slug="probate")
    now = timezone.now()
    PageFeedback.objects.bulk_create(
        [
            PageFeedback(service=service, kind="useful", page="https://example.gov.uk/a", created_at=now)
            for _ in range(25)
        ]
    )
    from datetime import timedelta

    consultation = ConsultationFactory(
        title="Court hours", summary="s", opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=9)
    )
    for i in range(3):
        ResponseFactory(
            consultation=consultation, reference=f"B{i:05d}", submitted_at=now - timedelta(days=7 * i)
        )
    UserFactory(email="analyst@example.gov.uk", role=Role.ANALYST)
    _sign_in(page, live_server.url, prefix, "analyst@example.gov.uk")
    for path in (
        "/staff/data/",
        "/staff/data/inventory/",
        "/staff/data/quality/",
        "/staff/data/requests/",
        f"/staff/data/equality/?subject=service:{service.code}",
        "/staff/data/services/",
        "/staff/data/consultations/",
        f"/staff/data/consultations/?consultation={consultation.code}",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/staff/data/service-feedback/")
    expect(page.locator("main table")).to_contain_text("Apply for probate")
    assert_accessible(page)
    page.locator("#confirm").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("analyst@example.gov.uk")
    for path in ("/data/", "/data/service-feedback/"):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    if lang == "cy":
        expect(page.locator("h1")).to_have_text("Adborth ar wasanaethau fesul mis")


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_data_access_request_pages_are_accessible(
    page: Page, live_server, prefix: str, lang: str
) -> None:

    DataAccessRequestFactory(
        reference="DAR-ABC123",
        name="Ann",
        email="ann@example.ac.uk",
        organisation="University of Example",
        purpose="Research",
        data_wanted="Counts",
        legal_basis="Public task",
        safeguards="Secure room",
        status="approved",
        reasons="Counts only.",
        decided_at=timezone.now(),
    )
    page.goto(f"{live_server.url}{prefix}/data/requests/new/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/data/requests/register/")
    expect(page.locator("main")).to_contain_text("Counts only.")
    assert_accessible(page)
    # Past five requests an hour from one address, the form answers with a page of its own
    # (only requests that are otherwise complete count: someone correcting mistakes is never refused).
    for _attempt in range(6):
        page.goto(f"{live_server.url}{prefix}/data/requests/new/")
        for field in ("name", "organisation", "purpose", "data_wanted", "legal_basis", "safeguards"):
            page.locator(f"main form [name={field}]").fill("Research into local services")
        page.locator("main form [name=email]").fill("ann@example.ac.uk")
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        "Too many requests" if lang == "en" else "Gormod o geisiadau"
    )
    # The browser reports the page's 429 status as a console error: that status is the point.
    problems = page.console_problems  # type: ignore[attr-defined]
    problems[:] = [p for p in problems if "status of 429" not in p]
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_analyst_tracks_a_perception_survey(page: Page, live_server, prefix: str, lang: str) -> None:
    from tests.insights.test_perception import wave

    spring = wave("Spring survey", 300, {"listen": ["agree"] * 30 + ["disagree"] * 30, "rating": ["3"] * 60})
    autumn = wave("Autumn survey", 100, {"listen": ["agree"] * 45 + ["disagree"] * 15, "rating": ["4"] * 60})
    UserFactory(email="analyst@example.gov.uk", role=Role.ANALYST)
    _sign_in(page, live_server.url, prefix, "analyst@example.gov.uk")
    page.goto(f"{live_server.url}{prefix}/staff/data/perception/")
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/staff/data/perception/new/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_name").fill("Trust in us")
    page.locator(f"input[name=waves][value='{spring.pk}']").check()
    page.locator(f"input[name=waves][value='{autumn.pk}']").check()
    page.locator("#id_baseline").select_option(str(spring.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Trust in us")
    expect(page.locator("main")).to_contain_text("+25")
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_administrator_reads_the_retention_page(page: Page, live_server, prefix: str, lang: str) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = UserFactory(email="admin@example.gov.uk", role=Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    _sign_in(page, live_server.url, prefix, "admin@example.gov.uk")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.locator("#id_code").fill(f"{code:06d}")
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}{prefix}/staff/data/retention/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("main form")).not_to_have_count(0)  # the rules' form, past two-factor sign-in
    assert_accessible(page)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()  # saved, back on the page
    assert_accessible(page)
