from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def _link_from_last_email() -> str:
    match = re.search(r"https?://\S+/account/set-password/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).split("testserver", 1)[1]


def test_a_password_reset_email_lets_the_user_choose_a_strong_password(
    client: Client, officer: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": officer.email})
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    link = _link_from_last_email()

    common = client.post(link, {"new_password": "password123456", "confirm_password": "password123456"})
    assert "This password is too common" in common.content.decode()
    mismatch = client.post(link, {"new_password": "a-Long-unusual-phrase-42", "confirm_password": "other"})
    assert "The passwords do not match" in mismatch.content.decode()

    done = client.post(
        link, {"new_password": "a-Long-unusual-phrase-42", "confirm_password": "a-Long-unusual-phrase-42"}
    )
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-Long-unusual-phrase-42")
    # The link works once.
    assert client.get(link).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(officer.code)).exists()


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.gov.uk"})
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
