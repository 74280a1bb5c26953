from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from chorus.core.models import AuditEntry


def audit_entries_filtered(filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Audit entries matching the cleaned filters of an ``AuditFilterForm``."""
    entries = AuditEntry.objects.select_related("actor")
    if query := filters.get("q"):
        entries = entries.filter(
            Q(actor_label__icontains=query)
            | Q(object_repr__icontains=query)
            | Q(object_id=query)
            | Q(ip_address__startswith=query)
        )
    if action := filters.get("action"):
        entries = entries.filter(action=action)
    if object_type := filters.get("object_type"):
        entries = entries.filter(object_type=object_type)
    zone = timezone.get_current_timezone()
    if start := filters.get("date_from"):
        entries = entries.filter(at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end := filters.get("date_to"):
        entries = entries.filter(at__lte=datetime.combine(end, time.max, tzinfo=zone))
    return entries.order_by("-at", "-id")


def audit_object_types() -> list[str]:
    return sorted(
        t for t in AuditEntry.objects.values_list("object_type", flat=True).distinct() if t
    )
