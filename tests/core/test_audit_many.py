"""An import records thousands of audit entries at once; each reads as ``audit_record`` writes it."""

from __future__ import annotations

import pytest

from chorus.accounts.models import User
from chorus.core.audit import audit_record, audit_record_many
from chorus.core.models import AuditAction, AuditEntry
from tests.factories import make_person

pytestmark = pytest.mark.django_db

FIELDS = ("actor", "actor_label", "action", "object_type", "object_id", "object_repr", "ip_address", "detail")


def _last() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_entries_recorded_at_once_read_as_entries_recorded_one_by_one(officer: User) -> None:
    people = [
        make_person(first_name="Alys", last_name="Hopkins"),
        make_person(first_name="Bryn", last_name="Jones"),
    ]
    detail = {"import": "abc", "file": "forum.csv"}
    start = _last()
    count = audit_record_many(
        actor=officer,
        records=[(AuditAction.CREATE, people[0]), (AuditAction.CHANGE, people[1])],
        detail=detail,
    )
    many = list(AuditEntry.objects.filter(pk__gt=start).order_by("pk").values(*FIELDS))
    one = [
        audit_record(actor=officer, action=action, obj=person, detail=detail)
        for action, person in ((AuditAction.CREATE, people[0]), (AuditAction.CHANGE, people[1]))
    ]
    assert count == 2
    assert many == list(AuditEntry.objects.filter(pk__in=[e.pk for e in one]).order_by("pk").values(*FIELDS))
    assert many[0]["object_type"] == "directory.person" and many[0]["object_id"] == str(people[0].code)


def test_an_import_without_its_uploader_records_no_actor() -> None:
    person = make_person(first_name="Ceri", last_name="Lloyd")
    start = _last()
    audit_record_many(actor=None, records=[(AuditAction.CREATE, person)])
    entry = AuditEntry.objects.get(pk__gt=start)
    assert entry.actor is None and entry.actor_label == "" and entry.detail == {}
