"""Writing to the append-only audit log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.bulk import db_value, insert_rows
from chorus.core.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from chorus.accounts.models import User


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return getattr(request, "client_address", None) or request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: AuditAction,
    obj: Model | None = None,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (to ``obj``), from the request's address.

    ``actor_label`` names who did it when no staff user did (a person through their own
    emailed link, say)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
        object_repr = object_repr or str(obj)
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=getattr(user, "email", "") if user else actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        ip_address=client_address(request),
        detail=detail or {},
    )


AUDIT_COLUMNS = (
    "at",
    "actor",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "ip_address",
    "detail",
)


def audit_record_many(
    *,
    actor: User | AnonymousUser | None,
    records: Iterable[tuple[AuditAction, Model]],
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Record ``actor`` doing each (action, object) of ``records`` at once, for an import
    that writes thousands of records: the entries are what ``audit_record`` would write,
    sent as plain rows. Returns how many were recorded."""
    user = actor if actor is not None and actor.is_authenticated else None
    at = db_value(AuditEntry, "at", timezone.now())
    shared = db_value(AuditEntry, "detail", detail or {})
    address = client_address(request)
    return insert_rows(
        AuditEntry,
        AUDIT_COLUMNS,
        (
            (
                at,
                getattr(user, "pk", None),
                getattr(user, "email", "") if user else "",
                action,
                obj._meta.label_lower,
                str(getattr(obj, "code", None) or obj.pk),
                str(obj)[:200],
                address,
                shared,
            )
            for action, obj in records
        ),
    )
