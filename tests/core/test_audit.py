from __future__ import annotations

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.audit import audit_record
from chorus.core.models import AppendOnlyError, AuditAction, AuditEntry
from tests.core.export_helpers import exported_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(officer: User) -> AuditEntry:
    return audit_record(
        actor=officer, action=AuditAction.VIEW, object_type="x.y", object_id="1", object_repr="Rec"
    )


def test_an_entry_cannot_be_changed_or_deleted_through_the_application(entry: AuditEntry) -> None:
    entry.object_repr = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Rec"


def test_the_database_refuses_an_update_even_in_raw_sql(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_repr = 'tampered' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Rec"


def test_the_admin_site_offers_no_way_to_change_entries(admin_client: Client, entry: AuditEntry) -> None:
    change = admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert admin_client.post(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403


def test_administrators_search_and_filter_the_log(admin_client: Client, officer: User, viewer: User) -> None:
    audit_record(
        actor=officer, action=AuditAction.EXPORT, object_type="directory.person", object_repr="Export A"
    )
    audit_record(
        actor=viewer, action=AuditAction.VIEW, object_type="directory.person", object_repr="Person B"
    )
    body = admin_client.get(reverse("core:audit_log"), {"action": "export"}).content.decode()
    assert "Export A" in body and "Person B" not in body
    body = admin_client.get(reverse("core:audit_log"), {"q": "viewer@"}).content.decode()
    assert "Person B" in body and "Export A" not in body


def test_a_bad_date_filter_says_how_to_fix_it(admin_client: Client) -> None:
    body = admin_client.get(reverse("core:audit_log"), {"date_from": "31/02/2026"}).content.decode()
    assert "Start date must be a real date" in body
    reversed_range = admin_client.get(
        reverse("core:audit_log"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )
    assert "The end date must be the same as or after the start date" in reversed_range.content.decode()


def test_exporting_the_log_is_itself_audited(admin_client: Client, admin: User, officer: User) -> None:
    audit_record(actor=officer, action=AuditAction.VIEW, object_type="x", object_repr="Seen")
    data = exported_bytes(admin_client, reverse("core:audit_log") + "?format=csv")
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0][:3] == ["when", "who", "action"]
    assert any(row[5] == "Seen" for row in rows[1:])
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=admin).exists()


def test_non_administrators_may_not_read_the_log(officer_client: Client) -> None:
    assert officer_client.get(reverse("core:audit_log")).status_code == 403
