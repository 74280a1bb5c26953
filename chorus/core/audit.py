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


def through_integration(request: HttpRequest | None) -> dict[str, str]:
    """The integration a staff API call came through (its token's name and prefix), for
    every entry the call writes: a change made through the API says which system made it,
    not only the administrator who issued the token. Empty for pages."""
    token = getattr(request, "auth", None) if request is not None else None
    name, prefix = getattr(token, "name", None), getattr(token, "prefix", None)
    if not isinstance(name, str) or not isinstance(prefix, str):
        return {}
    return {"api_token": prefix, "integration": name}


def _actor_label(user: Any, through: dict[str, str]) -> str:
    email = str(getattr(user, "email", "")) if user else ""
    if through and email:
        return f"{email} (API: {through['integration']})"[:254]
    return email


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
    through = through_integration(request)
    return AuditEntry.objects.create(
        actor=user,
        actor_label=_actor_label(user, through) if user else actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        ip_address=client_address(request),
        detail={**(detail or {}), **through},
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
    through = through_integration(request)
    at = db_value(AuditEntry, "at", timezone.now())
    shared = db_value(AuditEntry, "detail", {**(detail or {}), **through})
    address = client_address(request)
    label = _actor_label(user, through)
    return insert_rows(
        AuditEntry,
        AUDIT_COLUMNS,
        (
            (
                at,
                getattr(user, "pk", None),
                label,
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
