"""Tokens: issued by administrators and shown once, stored hashed, refused when unknown,
expired or revoked, limited to their scopes, counted against a rate limit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from chorus.accounts.models import Role, User
from chorus.api.models import ApiToken
from chorus.api.services import secret_hash
from chorus.core.models import AuditAction, AuditEntry
from tests.api.conftest import Api, Issue
from tests.conftest import sign_in
from tests.factories import TeamFactory, make_person

pytestmark = pytest.mark.django_db


def test_an_administrator_issues_a_token_and_sees_its_secret_once(admin: User) -> None:
    team = TeamFactory(name="Family")
    client = sign_in(Client(), admin)
    page = client.post(
        "/staff/api-tokens/new/",
        {
            "name": "Data platform",
            "scopes": ["people:read", "organisations:write"],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "teams": [team.pk],
        },
    )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = re.search(r'value="(chorus_[^"]+)"', page.content.decode())
    assert secret is not None
    token = ApiToken.objects.get()
    # Only the hash is kept; the secret works once given.
    assert token.secret_hash == secret_hash(secret.group(1))
    assert secret.group(1) not in str(ApiToken.objects.values().get())
    assert token.scopes == ["organisations:write", "people:read"]
    assert list(token.teams.all()) == [team]
    assert Api(secret.group(1)).get("/people").status_code == 200
    listed = client.get("/staff/api-tokens/").content.decode()
    assert "Data platform" in listed and f"chorus_{token.prefix}" in listed
    assert secret.group(1) not in listed
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="api.apitoken").exists()


def test_the_form_sent_again_issues_no_second_token_and_shows_no_secret(admin: User) -> None:
    client = sign_in(Client(), admin)
    form = client.get("/staff/api-tokens/new/").content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', form)
    assert submission is not None
    data = {
        "submission": submission.group(1),
        "name": "Data platform",
        "scopes": ["people:read"],
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    first = client.post("/staff/api-tokens/new/", data).content.decode()
    # Reloaded, or the button clicked twice.
    again = client.post("/staff/api-tokens/new/", data).content.decode()
    assert ApiToken.objects.count() == 1
    assert 'value="chorus_' in first and "chorus_" + ApiToken.objects.get().prefix not in again
    assert 'id="secret"' not in again and "no second token was issued" in again
    # A new form issues a new token.
    client.post("/staff/api-tokens/new/", {**data, "submission": "x" * 32})
    assert ApiToken.objects.count() == 2


def test_the_form_says_what_is_wrong(admin: User) -> None:
    client = sign_in(Client(), admin)
    page = client.post(
        "/staff/api-tokens/new/",
        {"name": "", "scopes": ["adjustments:read"], "expires_on": "2001-01-01"},
    ).content.decode()
    assert "Enter the name of the system that will use the token" in page
    assert "choose People too" in page
    assert "The expiry date must be in the future" in page
    assert not ApiToken.objects.exists()


def test_only_administrators_may_issue_tokens(officer: User) -> None:
    client = sign_in(Client(), officer)
    assert client.get("/staff/api-tokens/").status_code == 403
    assert client.post("/staff/api-tokens/new/", {"name": "Mine"}).status_code == 403


def test_a_revoked_token_stops_working_with_a_clear_error(admin: User, issue: Issue) -> None:
    secret = issue()
    token = ApiToken.objects.get()
    client = sign_in(Client(), admin)
    assert client.post(f"/staff/api-tokens/{token.code}/revoke/").status_code == 302
    refused = Api(secret).get("/people")
    assert refused.status_code == 401
    assert refused.json() == {
        "errors": {"token": ["This token was revoked. Ask an administrator for a new one."]}
    }
    assert "Revoked" in client.get("/staff/api-tokens/").content.decode()


def test_an_expired_token_is_refused(issue: Issue) -> None:
    secret = issue(expires_in=timedelta(seconds=-1))
    refused = Api(secret).get("/people")
    assert refused.status_code == 401
    assert "expired" in refused.json()["errors"]["token"][0]


def test_an_unknown_or_missing_token_is_refused(issue: Issue) -> None:
    secret = issue()
    assert Api(secret[:-2] + "xx").get("/people").status_code == 401
    assert (
        Api("not-a-token").get("/people").json()["errors"]["token"][0].startswith("This token is not known")
    )
    missing = Client().get("/api/v1/people")
    assert missing.status_code == 401
    assert "Authorization header" in missing.json()["errors"]["token"][0]


def test_a_signed_in_session_is_not_a_token(admin: User) -> None:
    assert sign_in(Client(), admin).get("/api/v1/people").status_code == 401


def test_a_token_stops_working_when_its_issuer_is_no_longer_an_administrator(
    admin: User, issue: Issue
) -> None:
    secret = issue()
    admin.role = Role.ENGAGEMENT_OFFICER
    admin.save()
    assert Api(secret).get("/people").status_code == 401


def test_a_scope_not_given_is_a_403_naming_the_scope(issue: Issue) -> None:
    api = Api(issue(scopes=["people:read"]))
    person = make_person(first_name="Ann", last_name="Lee")
    assert api.get(f"/people/{person.code}").status_code == 200
    refused = api.patch(f"/people/{person.code}", {"job_title": "Chair"})
    assert refused.status_code == 403
    assert "people:write" in refused.json()["errors"]["scope"][0]
    assert api.get("/organisations").status_code == 403


@override_settings(CHORUS_API_CALLS_PER_MINUTE=3)
def test_a_token_over_its_rate_limit_gets_429_with_retry_after(issue: Issue) -> None:
    api = Api(issue())
    other = Api(issue(name="Another"))
    assert [api.get("/people").status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("/people")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "Too many calls" in limited.json()["errors"]["rate"][0]
    # Each token has its own allowance.
    assert other.get("/people").status_code == 200


def test_every_call_is_audited_naming_the_token(issue: Issue) -> None:
    api = Api(issue(name="Reporting"))
    make_person(first_name="Ann", last_name="Lee")
    api.get("/people")
    entry = AuditEntry.objects.filter(
        action=AuditAction.VIEW, object_type="directory.person", object_repr="API list of people"
    ).get()
    assert entry.detail["integration"] == "Reporting" and entry.detail["shown"] == 1
    # ... and the person listed, in their own trail, naming the token too.
    listed = AuditEntry.objects.filter(action=AuditAction.VIEW, object_repr="Ann Lee").get()
    assert listed.detail["integration"] == "Reporting"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_restricted_to_a_team_may_not_be_issued_by_a_non_administrator(officer: User) -> None:
    # Tokens belong to administrators: an officer's would never authenticate.
    from chorus.api.services import token_issue

    _token, secret = token_issue(
        actor=officer,
        request=None,
        name="Sneaky",
        scopes=["people:read"],
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert Api(secret).get("/people").status_code == 401


def test_the_openapi_document_is_served_and_valid() -> None:
    import schemathesis

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    # Checked against the OpenAPI specification's own schema (raises when it breaks it).
    schemathesis.openapi.from_dict(document).validate()
    assert "/api/v1/people" in document["paths"]
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert Client().get("/api/v1/docs").status_code == 200


def test_changes_are_offered_only_where_the_api_makes_them(admin: User) -> None:
    client = sign_in(Client(), admin)
    page = client.post(
        "/staff/api-tokens/new/",
        {
            "name": "Survey tool",
            "scopes": ["cases:write"],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    ).content.decode()
    assert "cases:write is not one of the available choices" in page
    assert 'value="feedback:write"' in page and 'value="cases:write"' not in page
    assert not ApiToken.objects.exists()
