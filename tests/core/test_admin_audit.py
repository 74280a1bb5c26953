"""Django's admin site writes Chorus audit entries for every change, and never deletes a user."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Role, Team, User
from chorus.core.admin import AuditedAdminMixin, AuditedModelAdmin, admin_snapshot, describe_admin_change
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Place
from chorus.engagement.models import Stage
from tests.factories import PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user_form(user: User, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "teams": [t.pk for t in user.teams.all()],
        "is_active": "on" if user.is_active else "",
    }
    return {key: value for key, value in {**values, **changes}.items() if value != ""}


def test_every_model_in_the_admin_site_is_audited() -> None:
    assert admin.site._registry, "nothing is registered"
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_chorus_registers_its_own_models_with_the_audited_base() -> None:
    """Chorus's ModelAdmins derive from AuditedModelAdmin themselves (the site only wraps
    other packages' ones), so a new registration without it fails here."""
    ours = {
        model._meta.label: type(model_admin)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("chorus.")
    }
    assert "accounts.User" in ours and "engagement.Stage" in ours
    assert [label for label, cls in ours.items() if not issubclass(cls, AuditedModelAdmin)] == []


def test_promoting_a_viewer_to_administrator_is_audited_with_what_changed(
    admin_client: Client, admin: User, viewer: User, other_team: Team
) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[viewer.pk]),
        _user_form(viewer, role=Role.ADMINISTRATOR, teams=[other_team.pk]),
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == Role.ADMINISTRATOR
    entry = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(viewer.code))
    assert entry.actor == admin and entry.object_type == "accounts.user"
    assert entry.detail["change"] == (
        "Role changed from Viewer to Administrator; teams changed from Family justice to Crime."
    )


def test_adding_and_deleting_through_the_admin_is_audited(admin_client: Client, admin: User) -> None:
    admin_client.post(reverse("admin:accounts_team_add"), {"name": "Tribunals", "description": ""})
    added = Team.objects.get(name="Tribunals")
    created = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(added.code))
    assert created.actor == admin and "name Tribunals" in created.detail["change"]
    admin_client.post(reverse("admin:accounts_team_delete", args=[added.pk]), {"post": "yes"})
    assert not Team.objects.filter(name="Tribunals").exists()
    deleted = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(added.code))
    assert deleted.object_repr == "Tribunals" and deleted.actor == admin


def test_bulk_deletes_and_list_edits_are_audited(admin_client: Client) -> None:
    places = [PlaceFactory(name=name) for name in ("Old hall", "Old library")]
    admin_client.post(
        reverse("admin:directory_place_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in places], "post": "yes"},
    )
    assert not Place.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="directory.place").count() == 2
    stages = list(Stage.objects.order_by("order"))
    form: dict[str, object] = {
        "form-TOTAL_FORMS": len(stages),
        "form-INITIAL_FORMS": len(stages),
        "_save": "Save",
    }
    for i, stage in enumerate(stages):
        form[f"form-{i}-slug"] = stage.slug
        form[f"form-{i}-order"] = stage.order + (10 if i == 0 else 0)
    admin_client.post(reverse("admin:engagement_stage_changelist"), form)
    entry = AuditEntry.objects.get(action=AuditAction.CHANGE, object_type="engagement.stage")
    assert entry.detail["change"] == "Order changed."


def test_viewing_a_change_page_of_personal_data_is_audited(
    admin_client: Client, admin: User, viewer: User
) -> None:
    admin_client.get(reverse("admin:accounts_user_change", args=[viewer.pk]))
    assert AuditEntry.objects.filter(
        actor=admin, action=AuditAction.VIEW, object_type="accounts.user", object_id=str(viewer.code)
    ).exists()
    admin_client.get(reverse("admin:engagement_stage_change", args=["alpha"]))
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="engagement.stage").exists()


def test_deleting_a_user_with_audit_entries_deactivates_them_instead(
    admin_client: Client, officer: User
) -> None:
    audit_record(
        actor=officer, action=AuditAction.VIEW, object_type="directory.person", object_repr="Someone"
    )
    url = reverse("admin:accounts_user_delete", args=[officer.pk])
    offer = admin_client.get(url)
    assert offer.status_code == 200
    page = offer.content.decode()
    assert "Users who have done anything in Chorus are deactivated, not deleted" in page
    assert "Yes, deactivate" in page
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert AuditEntry.objects.filter(actor=officer).exists()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("so the audit log stays complete" in m for m in shown)


def test_the_bulk_action_deactivates_users_and_delete_is_not_offered(
    admin_client: Client, admin: User, officer: User, viewer: User
) -> None:
    audit_record(actor=viewer, action=AuditAction.VIEW, object_type="directory.person", object_repr="Someone")
    url = reverse("admin:accounts_user_changelist")
    page = admin_client.get(url).content.decode()
    assert 'value="delete_selected"' not in page and 'value="deactivate_selected"' in page
    response = admin_client.post(
        url,
        {"action": "deactivate_selected", "_selected_action": [officer.pk, viewer.pk, admin.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert User.objects.filter(pk__in=[officer.pk, viewer.pk], is_active=True).count() == 0
    admin.refresh_from_db()
    assert admin.is_active  # you cannot deactivate yourself, and are told so
    text = response.content.decode()
    assert "2 users deactivated." in text and "was not deactivated" in text
    # A forged delete action is refused without an error page, and deletes nobody.
    forged = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": [viewer.pk], "post": "yes"}
    )
    assert forged.status_code in (200, 302)
    assert User.objects.filter(pk=viewer.pk).exists()


def test_a_user_never_signed_in_is_not_deleted_either(admin_client: Client) -> None:
    newcomer = UserFactory(role=Role.VIEWER)
    admin_client.post(reverse("admin:accounts_user_delete", args=[newcomer.pk]), {"post": "yes"})
    newcomer.refresh_from_db()
    assert not newcomer.is_active


def test_secret_values_are_never_written_only_that_they_changed(officer: User) -> None:
    before = admin_snapshot(officer)
    officer.set_password("a-brand-new-password")
    officer.full_name = "Olwen Officer"
    phrases = describe_admin_change(before, admin_snapshot(officer))
    assert "password changed" in phrases
    assert any(p.startswith("full name changed from ") and p.endswith(" to Olwen Officer") for p in phrases)
    assert not any(officer.password in p for p in phrases)


def test_deleting_a_user_who_is_not_there_explains_instead_of_failing(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:accounts_user_delete", args=[999999]), follow=True)
    assert response.status_code == 200
    assert "There is no such user" in response.content.decode()
