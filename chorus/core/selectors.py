from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from chorus.core.audit_text import record_kind_name
from chorus.core.models import AuditEntry, SitePage
from chorus.core.site_page_defaults import DEFAULTS as SITE_PAGE_DEFAULTS


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


def audit_object_types() -> list[tuple[str, str]]:
    """Each kind of record the log mentions, once, as (label, translated name), by name."""
    # order_by() drops the model's ordering, which would otherwise make DISTINCT per entry.
    labels = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(
        ((label, record_kind_name(label)) for label in labels if label),
        key=lambda kind: (kind[1].casefold(), kind[0]),
    )


def site_page_get(slug: str) -> SitePage:
    """The stored page, or one made from the default text if nobody has edited it yet."""
    page = SitePage.objects.filter(slug=slug).first()
    if page is not None:
        return page
    if slug not in SITE_PAGE_DEFAULTS:
        raise SitePage.DoesNotExist(slug)
    title_en, body_en, title_cy, body_cy = SITE_PAGE_DEFAULTS[slug]
    return SitePage(slug=slug, title_en=title_en, body_en=body_en, title_cy=title_cy, body_cy=body_cy)
