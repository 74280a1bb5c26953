"""Rate limits on the public and sign-in forms, and the headers every response carries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import User
from chorus.consultations.models import Consultation, HelpRequest, Response, ResponseDraft
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the one reverse proxy every request comes through


def _behind_proxy(visitor: str) -> Client:
    """A browser at ``visitor``, reaching Chorus through the proxy as deploying.md sets up."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor)


@pytest.fixture
def one_proxy(settings) -> None:
    settings.AXES_IPWARE_PROXY_COUNT = 1


# Consultation responses ---------------------------------------------------------------


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        summary="We propose to change some court fees.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        is_published=True,
    )
    section = SectionFactory(consultation=consultation, title="The proposal", order=1)
    QuestionFactory(section=section, kind="text", text="Anything to add?")
    return consultation


def _begin(client: Client, consultation: Consultation, *, seconds_ago: int = 300) -> str:
    client.post(reverse("consultations:respond_start", args=[consultation.code]))
    client.post(
        reverse("consultations:respond_about", args=[consultation.code]),
        {"respondent_type": "individual", "publish": "anonymous"},
    )
    ResponseDraft.objects.filter(response__isnull=True).update(
        created_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return reverse("consultations:respond_check", args=[consultation.code])


def test_one_respondent_behind_the_proxy_does_not_use_up_everyone_elses_limit(
    one_proxy: None, consultation: Consultation
) -> None:
    for _ in range(10):
        busy = _behind_proxy("203.0.113.5")
        assert busy.post(_begin(busy, consultation)).status_code == 302
    assert Response.objects.count() == 10
    busy = _behind_proxy("203.0.113.5")
    eleventh = busy.post(_begin(busy, consultation))
    assert eleventh.status_code == 429 and "Please wait before sending" in eleventh.content.decode()

    neighbour = _behind_proxy("198.51.100.7")
    sent = neighbour.post(_begin(neighbour, consultation))
    assert sent.status_code == 302 and sent.url.endswith("/respond/done/")
    assert Response.objects.count() == 11


def test_robots_turned_away_do_not_use_up_the_limit_of_real_respondents(
    one_proxy: None, consultation: Consultation
) -> None:
    robot = _behind_proxy("203.0.113.5")
    url = _begin(robot, consultation, seconds_ago=0)
    for _ in range(12):
        assert robot.post(url).status_code == 429  # too fast
    for _ in range(3):
        robot.post(url, {"website": "http://spam.example"})
    assert not Response.objects.exists()

    person = _behind_proxy("203.0.113.5")  # the same café wifi as the robot
    sent = person.post(_begin(person, consultation))
    assert sent.status_code == 302 and Response.objects.count() == 1


# Signing in ---------------------------------------------------------------------------


def test_trying_many_accounts_from_one_address_is_slowed(one_proxy: None, officer: User) -> None:
    sprayer = _behind_proxy("203.0.113.5")
    url = reverse("accounts:sign_in")
    statuses = [
        sprayer.post(url, {"email": f"person{n}@example.gov.uk", "password": "Summer2024!"}).status_code
        for n in range(25)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 5

    # Even the right password is refused from that address, with a message that says why.
    refused = sprayer.post(url, {"email": officer.email, "password": PASSWORD})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "too many failed attempts to sign in from your network" in body
    assert "There is a problem" in body
    assert "_auth_user_id" not in sprayer.session
    assert AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).exists()

    # The real user, elsewhere, is not locked out by what was done with their address.
    at_home = _behind_proxy("198.51.100.7")
    assert at_home.post(url, {"email": officer.email, "password": PASSWORD}).status_code == 302


# Password reset -----------------------------------------------------------------------


def test_password_reset_requests_are_limited_per_address(
    one_proxy: None, officer: User, django_capture_on_commit_callbacks
) -> None:
    asker = _behind_proxy("203.0.113.5")
    url = reverse("accounts:password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            asker.post(url, {"email": officer.email if n % 3 == 0 else f"p{n}@x.gov.uk"}) for n in range(30)
        ]
    assert [r.status_code for r in responses[:5]] == [200] * 5
    assert {r.status_code for r in responses[5:]} == {429}
    assert len(mail.outbox) <= 2  # only the officer's two within the first five were sent
    limited = responses[-1].content.decode()
    assert "There have been too many requests to reset a password. Wait" in limited
    assert 'class="govuk-error-summary"' in limited

    # Someone else, behind the same proxy, can still ask.
    elsewhere = _behind_proxy("198.51.100.7")
    assert "Check your email" in elsewhere.post(url, {"email": officer.email}).content.decode()


def test_password_reset_requests_are_limited_per_email_without_saying_if_it_has_an_account(
    one_proxy: None, officer: User, django_capture_on_commit_callbacks
) -> None:
    url = reverse("accounts:password_reset")
    pages: dict[str, list] = {}
    with django_capture_on_commit_callbacks(execute=True):
        for email in (officer.email, "nobody@example.gov.uk"):
            pages[email] = [_behind_proxy(f"203.0.113.{n}").post(url, {"email": email}) for n in range(1, 6)]
    assert len(mail.outbox) == 3
    existing, unknown = pages[officer.email], pages["nobody@example.gov.uk"]
    assert [r.status_code for r in existing] == [r.status_code for r in unknown] == [200, 200, 200, 429, 429]
    # The same page, token and nonce aside, whether or not the address has an account.
    assert _page(existing[-1]) == _page(unknown[-1])
    assert "There have been too many requests to reset a password" in _page(unknown[-1])
    assert "nobody@example.gov.uk" not in _page(unknown[-1])


def _page(response) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


# Getting help to respond --------------------------------------------------------------


def test_requests_for_help_are_limited_per_address(one_proxy: None, consultation: Consultation) -> None:
    url = reverse("consultations:help_request", args=[consultation.code])
    flooder = _behind_proxy("203.0.113.5")
    responses = [
        flooder.post(url, {"way": "phone", "name": f"Person {n}", "phone": f"01632 960 {n:03d}"})
        for n in range(30)
    ]
    assert HelpRequest.objects.count() == 10
    assert [r.status_code for r in responses[:10]] == [200] * 10
    limited = responses[-1]
    assert limited.status_code == 429
    assert "We already have your request for help" in limited.content.decode()
    assert "try again tomorrow" in limited.content.decode()

    other = _behind_proxy("198.51.100.7")
    other.post(url, {"way": "phone", "name": "Megan", "phone": "07700 900 982"})
    assert HelpRequest.objects.count() == 11


def test_requests_for_help_are_limited_per_person_and_consultation(
    one_proxy: None, consultation: Consultation
) -> None:
    url = reverse("consultations:help_request", args=[consultation.code])
    statuses = [
        _behind_proxy(f"203.0.113.{n}")
        .post(url, {"way": "phone", "name": "Megan", "phone": "01632 960 001"})
        .status_code
        for n in range(1, 6)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert HelpRequest.objects.count() == 3


# Headers ------------------------------------------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_staff_pages_and_downloads_are_never_stored(officer_client: Client) -> None:
    assert _no_store(officer_client.get(reverse("core:staff_home")))
    assert _no_store(officer_client.get("/cy/staff/"))
    download = officer_client.get(reverse("engagement:report_csv"))
    assert download.status_code == 200 and _no_store(download)
    # A public page, seen by someone signed in, may show their name in the header.
    assert _no_store(officer_client.get(reverse("core:public_home")))


def test_staff_addresses_are_never_stored_even_before_signing_in(client: Client) -> None:
    assert _no_store(client.get(reverse("core:staff_home")))
    assert _no_store(client.get(reverse("accounts:sign_in")))


def test_a_response_being_written_is_never_stored(client: Client, consultation: Consultation) -> None:
    url = _begin(client, consultation)
    assert _no_store(client.get(url))


def test_public_pages_stay_cacheable_and_every_response_refuses_browser_features(client: Client) -> None:
    home = client.get(reverse("core:public_home"))
    assert home.status_code == 200 and not _no_store(home)
    for response in (home, client.get("/healthz"), client.get(reverse("core:staff_home"))):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_gets_a_page_that_says_what_to_do() -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    reply = client.post("/cy/sign-in/", {"email": "someone@example.org", "password": "x"})
    assert reply.status_code == 403
    body = reply.content.decode()
    assert 'lang="cy"' in body and "govuk-heading-l" in body
    assert "CSRF" not in body and "Forbidden" not in body
