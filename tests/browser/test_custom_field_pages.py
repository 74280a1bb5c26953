"""Fields administrators add, in Chromium: an administrator adds one on the staff page (with
its errors), and an officer fills it in on a person's form and reads it on their page, in
English and Welsh, every page checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.core.models import CustomField
from chorus.directory.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import TeamFactory, UserFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_administrator_adds_a_field(page: Page, live_server: Any, prefix: str, lang: str) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = UserFactory(email="admin@example.gov.uk", role=Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    _sign_in(page, live_server.url, prefix, "admin@example.gov.uk")
    page.locator("#id_code").fill(
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{prefix}/staff/")
    page.goto(f"{live_server.url}{prefix}/staff/added-fields/")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    page.locator("main a.govuk-button").click()
    page.locator("input[name=applies_to][value=person]").check()
    page.locator("input[name=kind][value=choice]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_label_en").fill("Funding stream")
    page.locator("#id_label_cy").fill("Ffrwd ariannu")
    page.locator("#id_key").fill("stream")
    page.locator("#id_choices_text").fill("health | Health | Iechyd\nhousing | Housing | Tai")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("Ffrwd ariannu" if lang == "cy" else "Funding stream")
    assert_accessible(page)
    assert CustomField.objects.get().choices[0]["label_cy"] == "Iechyd"


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_fills_in_an_added_field(page: Page, live_server: Any, prefix: str, lang: str) -> None:
    CustomField.objects.create(
        applies_to="organisation", key="funded", label_en="Funded", label_cy="Wedi'i ariannu", kind="yes_no"
    )
    CustomField.objects.create(
        applies_to="person",
        key="stream",
        label_en="Funding stream",
        label_cy="Ffrwd ariannu",
        kind="choice",
        required=True,
        choices=[
            {"value": "health", "label_en": "Health", "label_cy": "Iechyd"},
            {"value": "housing", "label_en": "Housing", "label_cy": "Tai"},
        ],
    )
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[TeamFactory()])
    person = make_person(first_name="Siân", last_name="Evans")
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    page.wait_for_url(f"{live_server.url}{prefix}/staff/")
    page.goto(f"{live_server.url}{prefix}/staff/directory/people/{person.code}/edit/")
    page.locator("main form[novalidate] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=custom_stream][value=housing]").check()
    page.locator("main form[novalidate] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{prefix}/staff/directory/people/{person.code}/")
    expect(page.locator("main dl").first).to_contain_text("Tai" if lang == "cy" else "Housing")
    assert_accessible(page)
    assert Person.objects.get(pk=person.pk).custom == {"stream": "housing"}
    page.goto(f"{live_server.url}{prefix}/staff/directory/?custom_stream=housing")
    expect(page.locator("main table")).to_contain_text("Evans")
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/staff/directory/organisations/?custom_funded=yes")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
