from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.http import HttpRequest

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction, CustomField, SitePage

if TYPE_CHECKING:
    from chorus.accounts.models import User

R = TypeVar("R", bound=models.Model)


def record_save(
    *,
    actor: User,
    request: HttpRequest | None,
    record: R,
    fields: dict[str, Any],
    relations: dict[str, Iterable[Any] | None] | None = None,
) -> R:
    """Create or change ``record``: set its fields, validate, save, set its many-to-many
    relations (a None value leaves one as it is) and audit it as created or changed.
    Call inside the caller's transaction."""
    created = record.pk is None
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    for name, values in (relations or {}).items():
        if values is not None:
            getattr(record, name).set(values)
    audit_record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.CHANGE, obj=record, request=request
    )
    return record


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


def custom_field_save(*, actor: User, request: HttpRequest, field: CustomField) -> CustomField:
    """Create or change the definition of a field administrators add (checked by
    ``CustomFieldForm``, which keeps the kind of a field with values)."""
    with transaction.atomic():
        return record_save(actor=actor, request=request, record=field, fields={})
