"""Writing to the append-only audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.http import HttpRequest

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
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (to ``obj``), from the request's address."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
        object_repr = object_repr or str(obj)
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=getattr(user, "email", "") if user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        ip_address=client_address(request),
        detail=detail or {},
    )
