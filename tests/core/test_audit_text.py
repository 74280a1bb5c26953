"""Audit entries read as sentences; the log's filters name kinds of record in words."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.audit import audit_record
from chorus.core.audit_text import audit_heading, audit_sentences
from chorus.core.models import AuditAction

pytestmark = pytest.mark.django_db


def test_an_unknown_detail_is_left_out_rather_than_shown_as_data(officer: User) -> None:
    entry = audit_record(
        actor=officer,
        action=AuditAction.CHANGE,
        object_type="directory.person",
        detail={"mystery": {"directory.contactpoint": [789]}, "note": "added", "other": "x"},
    )
    assert audit_sentences(entry) == ["Note added."]
    assert audit_heading(entry) == f"Changed by {officer.full_name}"


def test_details_that_hold_ids_or_labels_never_show_them(officer: User) -> None:
    entry = audit_record(
        actor=officer,
        action=AuditAction.CHANGE,
        object_type="directory.person",
        detail={
            "merged": "0b7c1b9e-3c1b-4a55-9a9c-4b8f0c8e2a11",
            "into": "1f0e2d3c-4b5a-4968-8776-655443322110",
            "moved": {"engagement.attendance": 2, "nowhere.gone": 1},
            "kept": {"directory.contactpoint": [789]},
        },
    )
    text = " ".join(audit_sentences(entry))
    assert "2 attendance records moved from the duplicate record." in text
    assert "1 other record moved from the duplicate record." in text
    for internal in ("0b7c1b9e", "1f0e2d3c", "789", "engagement.", "directory.", "nowhere.", "{", "["):
        assert internal not in text


def test_the_kind_of_record_filter_names_each_kind_once_in_words(admin_client: Client, officer: User) -> None:
    for _ in range(3):
        audit_record(actor=officer, action=AuditAction.VIEW, object_type="accounts.user", object_repr="U")
    audit_record(actor=officer, action=AuditAction.VIEW, object_type="directory.person", object_repr="P")

    body = admin_client.get(reverse("core:audit_log")).content.decode()
    start = body.index('id="id_object_type"')
    select = body[start : body.index("</select>", start)]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)

    assert ("accounts.user", "User") in options
    assert ("directory.person", "Person") in options
    names = [name for value, name in options if value]
    assert len(names) == len(set(names))
    assert names == sorted(names, key=str.casefold)
    assert ">accounts.user<" not in select


def test_the_log_shows_what_happened_in_words(admin_client: Client, officer: User) -> None:
    audit_record(
        actor=officer,
        action=AuditAction.CHANGE,
        object_type="directory.person",
        object_repr="Jane Smith",
        detail={"note": "added"},
    )
    body = admin_client.get(reverse("core:audit_log")).content.decode()
    assert "Note added." in body
    assert "directory.person" not in body.split('id="id_object_type"')[1].split("</select>", 1)[1]
