from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction, SitePage

if TYPE_CHECKING:
    from chorus.accounts.models import User


def site_page_update(
    *,
    actor: User,
    request: HttpRequest,
    page: SitePage,
    title_en: str,
    body_en: str,
    title_cy: str,
    body_cy: str,
) -> SitePage:
    with transaction.atomic():
        page.title_en, page.body_en, page.title_cy, page.body_cy = title_en, body_en, title_cy, body_cy
        page.updated_by = actor
        page.full_clean()
        page.save()
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=page, request=request)
    return page
