"""Core's own export: the audit log, for administrators."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.http import QueryDict

from chorus.core.audit_text import audit_sentences
from chorus.core.exports import Exporter, Params, Table, register_exporter
from chorus.core.forms import AuditFilterForm
from chorus.core.selectors import audit_entries_filtered

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from chorus.accounts.models import User
    from chorus.core.models import AuditEntry

AUDIT_HEADER = [
    "when",
    "who",
    "action",
    "kind of record",
    "record id",
    "record",
    "from address",
    "what happened",
    "detail",
]


def _entries(params: Params) -> QuerySet[AuditEntry]:
    form = AuditFilterForm(data=QueryDict(params.get("query", "")))
    return audit_entries_filtered(form.cleaned_data if form.is_valid() else {})


def _may_export(user: User, params: Params) -> bool:
    return user.is_active and user.is_administrator


def _rows(user: User, params: Params) -> Table:
    rows = (
        [
            e.at.isoformat(),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            e.ip_address or "",
            " ".join(audit_sentences(e)),
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
        ]
        for e in _entries(params).iterator(chunk_size=2000)
    )
    return AUDIT_HEADER, rows


def _count(user: User, params: Params) -> int | None:
    return _entries(params).count()


AUDIT_LOG = register_exporter(
    Exporter(name="core.audit_log", rows=_rows, may_export=_may_export, count=_count, sheet="Audit log")
)
