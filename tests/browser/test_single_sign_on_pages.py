"""Single sign-on in Chromium: the sign-in page offers the provider (accessible, in English
and Welsh), the provider's own page signs the person in, and administrators map groups."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from chorus.accounts import sso
from chorus.accounts.models import Role, SSOGroupMapping
from tests.accounts.test_single_sign_on import _free_port
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVIDER_SCRIPT = Path(__file__).parents[1] / "accounts" / "oidc_provider.mjs"


@pytest.fixture
def provider(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Path]:
    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps(
            {"alice": {"email": "alice@example.gov.uk", "name": "Alice Adams", "groups": ["officers"]}}
        )
    )
    port = _free_port()
    node = shutil.which("node")
    assert node is not None
    process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        [
            node,
            str(PROVIDER_SCRIPT),
            str(port),
            str(accounts),
            f"{live_server.url}/sign-in/single-sign-on/callback/",
            f"{live_server.url}/sign-in/",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                time.sleep(0.1)
        settings.OIDC_ISSUER = issuer
        settings.OIDC_CLIENT_ID = "chorus"
        settings.OIDC_CLIENT_SECRET = "chorus-test-secret"
        settings.OIDC_SCOPES = "openid email profile groups"
        settings.OIDC_PROVIDER_NAME = "Microsoft"
        settings.OIDC_NEW_USERS = "first-sign-in"
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], issuer]
        settings.CONTENT_SECURITY_POLICY = policy
        sso._client_for.cache_clear()
        yield accounts
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_a_new_member_of_staff_signs_in_with_the_provider(
    page: Page, live_server: Any, provider: Path, prefix: str, lang: str
) -> None:
    SSOGroupMapping.objects.create(group="officers", role=Role.ENGAGEMENT_OFFICER)
    page.goto(f"{live_server.url}{prefix}/sign-in/")
    assert_accessible(page)
    page.get_by_role(
        "button", name="Sign in with Microsoft" if lang == "en" else "Mewngofnodi gyda Microsoft"
    ).click()
    page.get_by_label("Login name").fill("alice")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}{prefix}/staff/")
    assert page.locator("html").get_attribute("lang") == lang
    page.get_by_role("button", name="Sign out" if lang == "en" else "Allgofnodi").click()
    # The provider asks whether to sign out there too; Chorus has already signed out.
    expect(page.locator("body")).to_contain_text("sign-out", ignore_case=True)


def test_someone_the_provider_knows_but_chorus_refuses_is_told_what_to_do(
    page: Page, live_server: Any, provider: Path
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.get_by_label("Login name").fill("alice")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("None of your groups gives access to Chorus")
    # The refusal is a 403 on purpose, and the test provider has no favicon: the browser logs
    # both as failed loads, which are not faults of the page.
    page.console_problems[:] = [  # type: ignore[attr-defined]
        p
        for p in page.console_problems
        if "status of 403" not in p and "status of 404" not in p  # type: ignore[attr-defined]
    ]
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_administrator_maps_a_group(page: Page, live_server: Any, prefix: str, lang: str) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TeamFactory(name="East")
    admin = UserFactory(email="admin@example.gov.uk", role=Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    _sign_in(page, live_server.url, prefix, "admin@example.gov.uk")
    page.locator("#id_code").fill(
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{prefix}/staff/")
    page.goto(f"{live_server.url}{prefix}/staff/users/single-sign-on/")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    page.locator("main a.govuk-button").click()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_group").fill("3f2c1a6e-0000-4000-8000-000000000001")
    page.locator("#id_description").fill("Community engagement team")
    page.locator("input[name=role][value=engagement_officer]").check()
    page.locator("input[name=teams]").first.check()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main table")).to_contain_text("Community engagement team")
    assert_accessible(page)
    assert SSOGroupMapping.objects.get().role == Role.ENGAGEMENT_OFFICER
