"""Single sign-on end to end, against a real OpenID Connect provider on loopback.

The provider is the npm package oidc-provider (tests/accounts/oidc_provider.mjs), so the
whole exchange is real: discovery, the authorisation code with PKCE, the signed ID token,
userinfo and the provider's own sign-out. Chorus is driven through Django's test client;
the provider's login page through ``requests``.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.test import Client

from chorus.accounts import sso
from chorus.accounts.models import Role, SSOGroupMapping, User
from chorus.core.access import SSO_SESSION_KEY
from chorus.core.models import AuditAction, AuditEntry
from tests.factories import TeamFactory, UserFactory

HERE = Path(__file__).parent
CALLBACK = "http://testserver/sign-in/single-sign-on/callback/"
AFTER_SIGN_OUT = "http://testserver/sign-in/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Provider:
    def __init__(self, issuer: str, accounts_path: Path) -> None:
        self.issuer = issuer
        self.accounts_path = accounts_path

    def accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        self.accounts_path.write_text(json.dumps(accounts))


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    accounts_path = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts_path.write_text("{}")
    port = _free_port()
    node = shutil.which("node")
    assert node is not None, "The single sign-on tests need Node.js, as the README's test command does."
    process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        [node, str(HERE / "oidc_provider.mjs"), str(port), str(accounts_path), CALLBACK, AFTER_SIGN_OUT],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if process.poll() is not None:
                    output = process.stdout.read() if process.stdout else ""
                    pytest.fail(
                        f"The test OpenID Connect provider did not start (npm ci installs it):\n{output}"
                    )
                time.sleep(0.1)
        yield Provider(issuer, accounts_path)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc(settings: Any, provider: Provider) -> Provider:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = "chorus"
    settings.OIDC_CLIENT_SECRET = "chorus-test-secret"
    settings.OIDC_SCOPES = "openid email profile groups"
    settings.OIDC_PROVIDER_NAME = "Test provider"
    settings.OIDC_NEW_USERS = "first-sign-in"
    settings.OIDC_PASSWORDS = "on"
    settings.OIDC_BREAK_GLASS = []
    sso._client_for.cache_clear()
    return provider


def _sign_in_at_provider(browser: requests.Session, authorize_url: str, login: str) -> str:
    """Follow the provider's pages as a person would, up to the redirect back to Chorus."""
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "<form" in response.text:
            action = re.search(r'action="([^"]+)"', response.text)
            assert action is not None
            response = browser.post(
                urljoin(url, action.group(1)), data={"login": login}, allow_redirects=False
            )
        assert response.status_code in (302, 303), response.text[:500]
        url = urljoin(url, response.headers["Location"])
        if url.startswith(CALLBACK):
            return url
    raise AssertionError("The provider never sent the browser back to Chorus")


def _sso(client: Client, browser: requests.Session, login: str, next_url: str = "") -> Any:
    start = client.get("/sign-in/single-sign-on/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(f"{sso.client().load_server_metadata()['authorization_endpoint']}?")
    back = _sign_in_at_provider(browser, start["Location"], login)
    return client.get(back.removeprefix("http://testserver"))


ALICE = {"email": "alice@example.gov.uk", "name": "Alice Adams", "groups": ["chorus-officers", "east-team"]}


@pytest.mark.django_db
def test_a_member_of_a_mapped_group_signs_in_and_gets_its_role_and_teams(oidc: Provider) -> None:
    east = TeamFactory(name="East")
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    SSOGroupMapping.objects.create(group="east-team").teams.set([east])
    SSOGroupMapping.objects.create(group="chorus-viewers", role=Role.VIEWER)
    oidc.accounts({"alice": ALICE})
    client = Client()

    response = _sso(client, requests.Session(), "alice", next_url="/staff/directory/")

    assert response.status_code == 302 and response["Location"] == "/staff/directory/"
    user = User.objects.get(email="alice@example.gov.uk")
    assert user.full_name == "Alice Adams"
    assert user.role == Role.ENGAGEMENT_OFFICER
    assert [team.name for team in user.teams.all()] == ["East"]
    assert user.sso_subject == f"{oidc.issuer} alice"
    assert not user.has_usable_password()
    assert client.get("/staff/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(user.code)).exists()
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN, object_id=str(user.code)).exists()


@pytest.mark.django_db
def test_an_administrator_from_single_sign_on_skips_chorus_two_factor(oidc: Provider) -> None:
    SSOGroupMapping.objects.create(group="chorus-admins", role=Role.ADMINISTRATOR)
    oidc.accounts({"root": {"email": "root@example.gov.uk", "name": "Rae Root", "groups": ["chorus-admins"]}})
    client = Client()

    _sso(client, requests.Session(), "root")

    # A password administrator without an app is sent to set one up; the provider's second
    # factor stands for Chorus's here.
    assert client.get("/staff/users/").status_code == 200


@pytest.mark.django_db
def test_groups_change_the_role_and_teams_at_the_next_sign_in_and_it_is_audited(oidc: Provider) -> None:
    east, west = TeamFactory(name="East"), TeamFactory(name="West")
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    SSOGroupMapping.objects.create(group="chorus-analysts", role=Role.ANALYST)
    SSOGroupMapping.objects.create(group="east-team").teams.set([east])
    SSOGroupMapping.objects.create(group="west-team").teams.set([west])
    oidc.accounts({"alice": ALICE})
    _sso(Client(), requests.Session(), "alice")

    oidc.accounts({"alice": {**ALICE, "groups": ["chorus-analysts", "west-team"]}})
    _sso(Client(), requests.Session(), "alice")

    user = User.objects.get(email="alice@example.gov.uk")
    assert user.role == Role.ANALYST
    assert [team.name for team in user.teams.all()] == ["West"]
    change = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(user.code)).latest("pk")
    assert change.detail["role"] == [Role.ENGAGEMENT_OFFICER, Role.ANALYST]
    assert change.detail["teams"] == [["East"], ["West"]]


@pytest.mark.django_db
def test_someone_in_no_mapped_group_is_refused_with_what_to_do(oidc: Provider) -> None:
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    oidc.accounts({"bob": {"email": "bob@example.gov.uk", "name": "Bob", "groups": ["finance"]}})
    client = Client()

    response = _sso(client, requests.Session(), "bob")

    assert response.status_code == 403
    assert "None of your groups gives access to Chorus" in response.content.decode()
    assert not User.objects.filter(email="bob@example.gov.uk").exists()
    assert client.get("/staff/").status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN_FAILED, object_repr="bob@example.gov.uk"
    ).exists()


@pytest.mark.django_db
def test_where_only_invited_people_may_sign_in_a_stranger_is_refused_and_an_invitee_is_let_in(
    oidc: Provider, settings: Any
) -> None:
    settings.OIDC_NEW_USERS = "invited"
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    oidc.accounts({"alice": ALICE, "carol": {"email": "Carol@Example.gov.uk", "name": "Carol", "groups": []}})

    refused = _sso(Client(), requests.Session(), "alice")
    assert refused.status_code == 403
    assert "Ask a Chorus administrator to invite you" in refused.content.decode()

    carol = UserFactory(email="carol@example.gov.uk", role=Role.ANALYST)
    client = Client()
    assert _sso(client, requests.Session(), "carol").status_code == 302
    carol.refresh_from_db()
    assert carol.role == Role.ANALYST  # no mapped group: what the administrator gave stays
    assert carol.sso_subject == f"{oidc.issuer} carol"


@pytest.mark.django_db
def test_a_switched_off_account_is_refused(oidc: Provider) -> None:
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    UserFactory(email="alice@example.gov.uk", is_active=False)
    oidc.accounts({"alice": ALICE})

    response = _sso(Client(), requests.Session(), "alice")

    assert response.status_code == 403
    assert "switched off" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_token_is_refused(oidc: Provider) -> None:
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    oidc.accounts({"alice": ALICE})
    client = Client()
    start = client.get("/sign-in/single-sign-on/")
    back = _sign_in_at_provider(requests.Session(), start["Location"], "alice")
    # The ID token lasts an hour: it reaches Chorus two hours later.
    later = time.time() + 7200
    with mock.patch("time.time", return_value=later):
        response = client.get(back.removeprefix("http://testserver"))

    assert response.status_code == 403
    assert "it may have expired" in response.content.decode()
    assert not User.objects.filter(email="alice@example.gov.uk").exists()
    assert client.get("/staff/").status_code == 302


@pytest.mark.django_db
def test_a_replayed_or_forged_callback_is_refused(oidc: Provider) -> None:
    response = Client().get("/sign-in/single-sign-on/callback/?code=made-up&state=made-up")
    assert response.status_code == 403
    assert "Sign in again" in response.content.decode()


@pytest.mark.django_db
def test_cancelling_at_the_provider_says_so(oidc: Provider) -> None:
    response = Client().get("/sign-in/single-sign-on/callback/?error=access_denied&state=x")
    assert response.status_code == 403
    assert "Signing in with Test provider did not finish" in response.content.decode()


@pytest.mark.django_db
def test_a_session_past_its_limit_goes_back_to_the_provider_and_a_removed_person_loses_access(
    oidc: Provider,
) -> None:
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    oidc.accounts({"alice": ALICE})
    client, browser = Client(), requests.Session()
    _sso(client, browser, "alice")
    session = client.session
    session[SSO_SESSION_KEY] = {**session[SSO_SESSION_KEY], "until": time.time() - 1}
    session.save()

    # A page load past the limit goes to the provider, which still knows her: straight back.
    response = client.get("/staff/directory/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/single-sign-on/?next=/staff/directory/")
    oidc.accounts({"alice": {**ALICE, "groups": []}})  # meanwhile she left every group
    start = client.get(response["Location"])
    back = _sign_in_at_provider(browser, start["Location"], "alice")
    refused = client.get(back.removeprefix("http://testserver"))
    assert refused.status_code == 403
    assert "None of your groups gives access to Chorus any more" in refused.content.decode()
    # Signed out here, and switched off, so that nothing she left behind keeps working.
    assert client.get("/staff/").status_code == 302
    assert not User.objects.get(email="alice@example.gov.uk").is_active


@pytest.mark.django_db
def test_past_the_limit_a_form_or_a_part_of_a_page_waits_for_the_provider(oidc: Provider) -> None:
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    oidc.accounts({"alice": ALICE})
    client = Client()
    _sso(client, requests.Session(), "alice")
    session = client.session
    session[SSO_SESSION_KEY] = {**session[SSO_SESSION_KEY], "until": time.time() - 1}
    session.save()

    part = client.get("/staff/directory/", headers={"HX-Request": "true"})
    posted = client.post("/staff/directory/people/new/", {"last_name": "Jones"})

    assert part.status_code == 401 and part["HX-Redirect"].startswith("/sign-in/single-sign-on/")
    assert posted.status_code == 401


@pytest.mark.django_db
def test_signing_out_ends_the_providers_session_too(oidc: Provider) -> None:
    SSOGroupMapping.objects.create(group="chorus-officers", role=Role.ENGAGEMENT_OFFICER)
    oidc.accounts({"alice": ALICE})
    client, browser = Client(), requests.Session()
    _sso(client, browser, "alice")
    id_token = client.session[SSO_SESSION_KEY]["id_token"]

    response = client.post("/sign-out/")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc.issuer}/session/end"
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [AFTER_SIGN_OUT]
    # The provider accepts it: it asks the person to confirm signing out.
    ended = browser.get(response["Location"], timeout=10)
    assert ended.status_code == 200 and "logout" in ended.text.lower()
    assert client.get("/staff/").status_code == 302


@pytest.mark.django_db
def test_with_passwords_switched_off_only_break_glass_administrators_use_one(
    oidc: Provider, settings: Any
) -> None:
    settings.OIDC_PASSWORDS = "break-glass"
    settings.OIDC_BREAK_GLASS = ["glass@example.gov.uk"]
    UserFactory(email="officer@example.gov.uk")
    UserFactory(email="glass@example.gov.uk", role=Role.ADMINISTRATOR)
    client = Client()

    refused = client.post(
        "/sign-in/", {"email": "officer@example.gov.uk", "password": "correct-horse-battery-staple"}
    )
    assert refused.status_code == 200
    assert "Sign in with Test provider instead" in refused.content.decode()
    nobody = client.post("/sign-in/", {"email": "nobody@example.gov.uk", "password": "whatever-it-is"})
    assert "Sign in with Test provider instead" in nobody.content.decode()  # the same for an unknown address
    reset = client.post("/account/password-reset/", {"email": "officer@example.gov.uk"})
    assert "Sign in with Test provider instead" in reset.content.decode()

    glass = client.post(
        "/sign-in/", {"email": "glass@example.gov.uk", "password": "correct-horse-battery-staple"}
    )
    assert glass.status_code == 302


@pytest.mark.django_db
def test_the_sign_in_page_offers_single_sign_on_only_when_it_is_on(settings: Any, oidc: Provider) -> None:
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Test provider" in page
    settings.OIDC_ISSUER = ""
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Test provider" not in page
    assert Client().get("/sign-in/single-sign-on/").status_code == 404


@pytest.mark.django_db
def test_an_account_is_linked_by_its_address_only_when_the_provider_vouches_for_it(
    oidc: Provider, settings: Any
) -> None:
    """Whoever controls a provider account's email claim must not get someone's Chorus account."""
    settings.OIDC_NEW_USERS = "invited"
    admin = UserFactory(email="root@example.gov.uk", role=Role.ADMINISTRATOR)
    SSOGroupMapping.objects.create(group="chorus-admins", role=Role.ADMINISTRATOR)
    oidc.accounts(
        {
            "mallory": {"email": "root@example.gov.uk", "name": "M", "groups": [], "email_verified": False},
            "upn": {"preferred_username": "root@example.gov.uk", "name": "U", "groups": []},
        }
    )

    for login in ("mallory", "upn"):
        client = Client()
        response = _sso(client, requests.Session(), login)
        assert response.status_code == 403
        assert client.get("/staff/").status_code == 302
    admin.refresh_from_db()
    assert admin.sso_subject == "" and admin.role == Role.ADMINISTRATOR
    assert AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN_FAILED, detail__reason="email not confirmed by the provider"
    ).exists()

    oidc.accounts({"root": {"email": "root@example.gov.uk", "name": "Rae Root", "groups": ["chorus-admins"]}})
    assert _sso(Client(), requests.Session(), "root").status_code == 302
    admin.refresh_from_db()
    assert admin.sso_subject == f"{oidc.issuer} root"


@pytest.mark.django_db
def test_a_break_glass_administrator_is_never_linked(oidc: Provider, settings: Any) -> None:
    settings.OIDC_BREAK_GLASS = ["glass@example.gov.uk"]
    glass = UserFactory(email="glass@example.gov.uk", role=Role.ADMINISTRATOR)
    SSOGroupMapping.objects.create(group="chorus-admins", role=Role.ADMINISTRATOR)
    oidc.accounts({"glass": {"email": "glass@example.gov.uk", "name": "G", "groups": ["chorus-admins"]}})

    assert _sso(Client(), requests.Session(), "glass").status_code == 403
    glass.refresh_from_db()
    assert glass.sso_subject == ""


@pytest.mark.django_db
def test_leaving_the_administrators_group_takes_the_role_away_even_with_a_team_left(oidc: Provider) -> None:
    east = TeamFactory(name="East")
    SSOGroupMapping.objects.create(group="chorus-admins", role=Role.ADMINISTRATOR)
    SSOGroupMapping.objects.create(group="east-team").teams.set([east])
    oidc.accounts(
        {"ada": {"email": "ada@example.gov.uk", "name": "Ada", "groups": ["chorus-admins", "east-team"]}}
    )
    _sso(Client(), requests.Session(), "ada")
    assert User.objects.get(email="ada@example.gov.uk").role == Role.ADMINISTRATOR

    oidc.accounts({"ada": {"email": "ada@example.gov.uk", "name": "Ada", "groups": ["east-team"]}})
    _sso(Client(), requests.Session(), "ada")

    ada = User.objects.get(email="ada@example.gov.uk")
    assert ada.role == Role.VIEWER and [t.name for t in ada.teams.all()] == ["East"]
