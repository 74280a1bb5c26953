from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Role, Team, User
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_invites_a_user_who_gets_an_email(
    admin_client: Client, team: Team, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("accounts:user_create"),
            {
                "full_name": "Nia Jones",
                "email": "Nia.Jones@example.gov.uk",
                "role": Role.ANALYST,
                "teams": [team.pk],
            },
        )
    user = User.objects.get(email="nia.jones@example.gov.uk")
    assert response.url == reverse("accounts:user_detail", kwargs={"code": user.code})
    assert list(user.teams.all()) == [team]
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia.jones@example.gov.uk"]
    assert "/account/set-password/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(user.code)).exists()


def test_an_invitation_with_bad_input_says_what_to_fix_and_creates_nothing(
    admin_client: Client, officer: User
) -> None:
    before = User.objects.count()
    response = admin_client.post(
        reverse("accounts:user_create"), {"full_name": "", "email": officer.email.upper(), "role": "wizard"}
    )
    body = response.content.decode()
    assert "Enter the person&#x27;s full name" in body
    assert "A staff account already uses this email address" in body
    assert "Select a valid choice" in body
    assert User.objects.count() == before


def test_only_administrators_manage_users(officer_client: Client, viewer: User) -> None:
    assert officer_client.get(reverse("accounts:user_list")).status_code == 403
    assert (
        officer_client.get(reverse("accounts:user_detail", kwargs={"code": viewer.code})).status_code == 403
    )


def test_viewing_a_staff_account_is_audited(admin_client: Client, admin: User, viewer: User) -> None:
    assert admin_client.get(reverse("accounts:user_detail", kwargs={"code": viewer.code})).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, object_id=str(viewer.code))
    assert entry.actor == admin
    assert entry.ip_address == "127.0.0.1"


def test_a_role_change_is_recorded_with_before_and_after(
    admin_client: Client, viewer: User, team: Team
) -> None:
    admin_client.post(
        reverse("accounts:user_edit", kwargs={"code": viewer.code}),
        {"full_name": viewer.full_name, "email": viewer.email, "role": Role.ANALYST, "teams": [team.pk]},
    )
    viewer.refresh_from_db()
    assert viewer.role == Role.ANALYST
    entry = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(viewer.code))
    assert entry.detail["role"] == [Role.VIEWER, Role.ANALYST]


def test_the_last_administrator_cannot_be_deactivated_or_demote_themselves(
    admin_client: Client, admin: User
) -> None:
    response = admin_client.post(
        reverse("accounts:user_edit", kwargs={"code": admin.code}),
        {"full_name": admin.full_name, "email": admin.email, "role": Role.VIEWER},
    )
    assert "You cannot remove your own administrator role" in response.content.decode()
    other = UserFactory(role=Role.ADMINISTRATOR)
    admin_client.post(reverse("accounts:user_set_active", kwargs={"code": other.code}), {"active": "0"})
    other.refresh_from_db()
    assert not other.is_active
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR


def test_a_deactivated_user_loses_access_at_once(client: Client, admin: User, officer: User) -> None:
    officer_client = Client()
    sign_in(officer_client, officer)
    sign_in(client, admin).post(
        reverse("accounts:user_set_active", kwargs={"code": officer.code}), {"active": "0"}
    )
    assert officer_client.get(reverse("core:staff_home")).status_code == 302


def test_an_administrator_creates_and_renames_a_team(admin_client: Client) -> None:
    admin_client.post(reverse("accounts:team_create"), {"name": "  Youth   justice ", "description": ""})
    team = Team.objects.get(name="Youth justice")
    duplicate = admin_client.post(reverse("accounts:team_create"), {"name": "youth justice"})
    assert "A team with this name already exists" in duplicate.content.decode()
    admin_client.post(reverse("accounts:team_edit", kwargs={"code": team.code}), {"name": "Youth courts"})
    team.refresh_from_db()
    assert team.name == "Youth courts"


def test_listing_staff_accounts_is_audited(admin_client: Client, admin: User, viewer: User) -> None:
    body = admin_client.get(reverse("accounts:user_list"), {"q": "viewer"}).content.decode()
    assert viewer.email in body and admin.email not in body
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, object_repr="Staff account list")
    assert entry.detail["q"] == "viewer" and entry.detail["shown"] == 1
