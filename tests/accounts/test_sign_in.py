from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts.models import Role, User
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post_sign_in(client: Client, email: str, password: str):
    return client.post(reverse("accounts:sign_in"), {"email": email, "password": password})


def _current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    return f"{totp.token():06d}"


def test_an_officer_signs_in_and_reaches_the_staff_home(client: Client, officer: User) -> None:
    response = _post_sign_in(client, "Officer@Example.gov.uk ", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:staff_home")
    home = client.get(reverse("core:staff_home"))
    assert home.status_code == 200
    assert "Needs your attention" in home.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN, actor=officer).count() == 1


def test_a_wrong_password_and_an_unknown_account_get_the_same_message(client: Client, officer: User) -> None:
    wrong = _post_sign_in(client, officer.email, "not-the-password")
    unknown = _post_sign_in(client, "nobody@example.gov.uk", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    message = "The email address or password is not right"
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 2


def test_an_empty_form_says_what_to_enter(client: Client) -> None:
    body = client.post(reverse("accounts:sign_in"), {"email": "", "password": ""}).content.decode()
    assert "There is a problem" in body
    assert "Enter your email address" in body
    assert "Enter your password" in body
    assert 'href="#id_email"' in body


def test_repeated_failures_lock_the_address_whether_or_not_it_has_an_account(
    client: Client, officer: User
) -> None:
    for email in (officer.email, "ghost@example.gov.uk"):
        for _ in range(5):
            _post_sign_in(client, email, "wrong-password")
    existing = _post_sign_in(client, officer.email, PASSWORD)
    ghost = _post_sign_in(client, "ghost@example.gov.uk", "anything")
    assert existing.status_code == ghost.status_code == 429
    text = "too many attempts to sign in with this email address"
    assert text in existing.content.decode()
    assert text in ghost.content.decode()
    # Even the right password does not get in while locked.
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).count() >= 2


def test_the_lockout_grows_longer_with_further_failures(client: Client, officer: User) -> None:
    from chorus.accounts.lockout import cooloff_time

    for _ in range(5):
        _post_sign_in(client, officer.email, "wrong-password")
    from axes.models import AccessAttempt

    first = cooloff_time(type("R", (), {"POST": {"email": officer.email}})())
    AccessAttempt.objects.filter(username=officer.email).update(failures_since_start=8)
    later = cooloff_time(type("R", (), {"POST": {"email": officer.email}})())
    assert later > first


def test_an_administrator_must_set_up_two_factor_before_anything_else(client: Client, admin: User) -> None:
    response = _post_sign_in(client, admin.email, PASSWORD)
    assert response.url == reverse("accounts:totp_setup")
    # Going straight to the staff home is refused until two-factor is set up.
    assert client.get(reverse("core:staff_home")).url == reverse("accounts:totp_setup")
    page = client.get(reverse("accounts:totp_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(
        reverse("accounts:totp_setup"), {"code": "000000" if _current_code(device) != "000000" else "111111"}
    )
    assert "The security code is not right" in wrong.content.decode()
    ok = client.post(reverse("accounts:totp_setup"), {"code": _current_code(device)})
    assert ok.url == reverse("core:staff_home")
    assert client.get(reverse("core:staff_home")).status_code == 200
    assert admin.has_totp()


def test_a_user_with_two_factor_enters_a_code_after_the_password(client: Client, officer: User) -> None:
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    response = _post_sign_in(client, officer.email, PASSWORD)
    assert response.url.startswith(reverse("accounts:verify"))
    assert client.get(reverse("core:staff_home")).url.startswith(reverse("accounts:sign_in"))
    bad = client.post(reverse("accounts:verify"), {"code": "12ab56"})
    assert "must only include numbers" in bad.content.decode()
    good = client.post(reverse("accounts:verify"), {"code": _current_code(device)})
    assert good.status_code == 302
    assert client.get(reverse("core:staff_home")).status_code == 200


def test_the_next_address_must_be_on_this_site(client: Client, officer: User) -> None:
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": officer.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("core:staff_home")


def test_signing_out_needs_a_post_and_ends_the_session(client: Client, officer: User) -> None:
    client.force_login(officer)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    client.post(reverse("accounts:sign_out"))
    assert client.get(reverse("core:staff_home")).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_OUT, actor=officer).exists()


def test_a_deactivated_user_cannot_sign_in(client: Client) -> None:
    user = UserFactory(role=Role.ANALYST, is_active=False)
    response = _post_sign_in(client, user.email, PASSWORD)
    assert "The email address or password is not right" in response.content.decode()
