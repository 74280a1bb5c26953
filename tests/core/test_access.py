"""The access helper, through a test-only model that is restricted to a team."""

from __future__ import annotations

import pytest
from django.test import Client

from chorus.accounts.models import Team, User
from chorus.core.models import AuditAction, AuditEntry
from tests.accessapp.models import Dossier
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accessapp.urls")]


@pytest.fixture
def restricted(team: Team) -> Dossier:
    return Dossier.objects.create(title="Family dossier", team=team)


@pytest.fixture
def open_dossier(db: None) -> Dossier:
    return Dossier.objects.create(title="Open dossier")


def test_a_team_member_sees_and_changes_their_teams_record(
    client: Client, officer: User, restricted: Dossier
) -> None:
    sign_in(client, officer)
    assert client.get(f"/test-dossiers/{restricted.code}/").content == b"Family dossier"
    assert client.get(f"/test-dossiers/{restricted.code}/edit/").status_code == 200


def test_an_outsider_gets_404_for_another_teams_record(
    client: Client, outsider: User, restricted: Dossier
) -> None:
    sign_in(client, outsider)
    assert client.get(f"/test-dossiers/{restricted.code}/").status_code == 404
    assert client.get(f"/test-dossiers/{restricted.code}/edit/").status_code == 404


def test_a_viewer_sees_but_may_not_change(client: Client, viewer: User, restricted: Dossier) -> None:
    sign_in(client, viewer)
    assert client.get(f"/test-dossiers/{restricted.code}/").status_code == 200
    assert client.get(f"/test-dossiers/{restricted.code}/edit/").status_code == 403


def test_lists_hold_only_what_the_user_may_see(
    client: Client, outsider: User, admin: User, restricted: Dossier, open_dossier: Dossier
) -> None:
    sign_in(client, outsider)
    assert client.get("/test-dossiers/").content == b"Open dossier"
    sign_in(client, admin)
    assert client.get("/test-dossiers/").content == b"Family dossier,Open dossier"


def test_an_unrestricted_record_is_open_to_all_staff(
    client: Client, outsider: User, open_dossier: Dossier
) -> None:
    sign_in(client, outsider)
    assert client.get(f"/test-dossiers/{open_dossier.code}/").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, restricted: Dossier) -> None:
    response = client.get(f"/test-dossiers/{restricted.code}/")
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_viewing_a_personal_record_is_audited_with_who_and_where(
    client: Client, officer: User, restricted: Dossier
) -> None:
    sign_in(client, officer)
    client.get(f"/test-dossiers/{restricted.code}/", REMOTE_ADDR="203.0.113.9")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, object_id=str(restricted.code))
    assert (entry.actor, entry.ip_address, entry.object_type) == (officer, "203.0.113.9", "accessapp.dossier")


def test_a_refused_view_is_not_recorded_as_a_view(
    client: Client, outsider: User, restricted: Dossier
) -> None:
    sign_in(client, outsider)
    client.get(f"/test-dossiers/{restricted.code}/")
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()
