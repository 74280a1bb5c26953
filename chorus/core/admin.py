"""Django's admin site: every change made through it goes in Chorus's audit log.

``AuditedModelAdmin`` (or ``AuditedAdminMixin`` in front of another ModelAdmin) is the base of
every ModelAdmin Chorus registers; ``ChorusAdminSite.register`` puts the mixin in front of the
ModelAdmins other packages register. A test checks every registration.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from chorus.core.audit import audit_record
from chorus.core.custom_fields import CustomFieldForm, has_values
from chorus.core.models import AuditAction, AuditEntry, CustomField, DemoDataset

if TYPE_CHECKING:
    from django.db.models.fields import Field

    _Base = admin.ModelAdmin[Any]
else:
    _Base = object

_M = TypeVar("_M", bound=models.Model)

# Fields whose values never go in the audit log, only the fact that they changed.
SECRET_FIELD_NAMES = ("password", "secret", "token", "key")
LONGEST_VALUE = 80
BEFORE = "_chorus_admin_before"


def _is_secret(field: Field[Any, Any]) -> bool:
    """Secrets, and structured values that would not read as a sentence: only say they changed."""
    if isinstance(field, models.JSONField | models.BinaryField):
        return True
    return any(part in field.name.lower() for part in SECRET_FIELD_NAMES)


def _audited_fields(obj: models.Model) -> list[Field[Any, Any]]:
    """The fields an admin form can change: editable columns and many-to-many relations."""
    return [
        f  # type: ignore[misc]
        for f in obj._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and not f.auto_created
        and not getattr(f, "primary_key", False)
        and getattr(f, "editable", False)
    ]


def _readable(obj: models.Model, field: Field[Any, Any]) -> str:
    """The field's value as a person would write it (in English, as the log is kept)."""
    if field.many_to_many:
        if obj.pk is None:
            return "none"
        names = sorted(str(related) for related in getattr(obj, field.name).all())
        return ", ".join(names) or "none"
    if field.is_relation:
        related = getattr(obj, field.name, None)
        return str(related) if related is not None else "none"
    value = getattr(obj, field.attname, None)
    if field.choices and value not in (None, ""):
        value = dict(field.flatchoices).get(value, value)
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {value:%b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    text = " ".join(str(value).split())
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def admin_snapshot(obj: models.Model) -> dict[str, tuple[str, str, bool]]:
    """Field name -> (label, readable value, secret) for every field the admin may change."""
    with translation.override(None):
        return {f.name: (str(f.verbose_name), _readable(obj, f), _is_secret(f)) for f in _audited_fields(obj)}


def describe_admin_change(
    before: dict[str, tuple[str, str, bool]], after: dict[str, tuple[str, str, bool]]
) -> list[str]:
    """One readable phrase per changed field: "role changed from Viewer to Administrator"."""
    phrases = []
    for name, (label, new, secret) in after.items():
        old = before.get(name, (label, "none", secret))[1]
        if old == new:
            continue
        phrases.append(f"{label} changed" if secret else f"{label} changed from {old} to {new}")
    return phrases


def describe_admin_message(message: Any, *, own_fields: bool = True) -> list[str]:
    """Django's change message (a list of {"added"|"changed"|"deleted": ...}) as phrases.
    ``own_fields=False`` leaves out the record's own changed fields, keeping its inline records."""
    if isinstance(message, str):
        return [message] if message else []
    phrases = []
    for part in message or []:
        for verb, what in part.items():
            name, shown = what.get("name"), what.get("object")
            thing = f"{name} “{shown}”" if name else ""
            if not thing and not own_fields:
                continue
            if verb == "changed" and what.get("fields"):
                fields = ", ".join(str(f) for f in what["fields"])
                phrases.append(f"{fields} changed" + (f" on {thing}" if thing else ""))
            elif verb in ("added", "deleted") and thing:
                phrases.append(f"{thing} {verb}")
    return phrases


def _sentence(phrases: Iterable[str], *, empty: str) -> str:
    found = [p for p in phrases if p]
    if not found:
        return empty
    text = "; ".join(found)
    return text[0].upper() + text[1:] + "."


class AuditedAdminMixin(_Base):
    """Write a Chorus audit entry for every add, change and delete through the admin site,
    naming the changed fields, and for every view of a change page of personal data."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Before the form changes it in place, so log_change can say what changed.
            setattr(obj, BEFORE, admin_snapshot(obj))
        return obj

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: models.Model | None = None,
    ) -> HttpResponse:
        if change and obj is not None and getattr(obj, "audit_views", False):
            audit_record(
                actor=request.user,
                action=AuditAction.VIEW,
                obj=obj,
                request=request,
                detail={"where": "Django admin site"},
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        values = [
            f"{label} {'set' if secret else value}"
            for label, value, secret in admin_snapshot(obj).values()
            if value != "none"
        ]
        audit_record(
            actor=request.user,
            action=AuditAction.CREATE,
            obj=obj,
            request=request,
            detail={
                "where": "Django admin site",
                "change": _sentence(
                    ["Added with " + ", ".join(values)] if values else [], empty="Added with no values."
                ),
            },
        )
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        before = getattr(obj, BEFORE, None)
        if before is not None:
            after = admin_snapshot(obj)
            setattr(obj, BEFORE, after)
            # The fields from the snapshot; inline records from Django's message.
            phrases = describe_admin_change(before, after) + describe_admin_message(message, own_fields=False)
        else:  # a list-page edit: Django's message names the fields
            phrases = describe_admin_message(message)
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE,
            obj=obj,
            request=request,
            detail={
                "where": "Django admin site",
                "change": _sentence(phrases, empty="Saved with no changes."),
            },
        )
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            audit_record(
                actor=request.user,
                action=AuditAction.DELETE,
                obj=obj,
                request=request,
                detail={"where": "Django admin site", "change": "Deleted."},
            )
        return entries


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin[_M]):
    """The base of every ModelAdmin in Chorus."""


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedModelAdmin[AuditEntry]):
    """Read only: the audit log is append-only."""

    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(DemoDataset)
class DemoDatasetAdmin(AuditedModelAdmin[DemoDataset]):
    list_display = ["builder", "scale", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: DemoDataset | None = None) -> bool:
        return False


@admin.register(CustomField)
class CustomFieldAdmin(AuditedModelAdmin[CustomField]):
    form = CustomFieldForm
    list_display = ["label_en", "applies_to", "key", "kind", "required", "active", "order"]
    list_filter = ["applies_to", "kind", "active"]
    search_fields = ["label_en", "label_cy", "key"]
    fields = [
        "applies_to",
        "key",
        "label_en",
        "label_cy",
        "help_en",
        "help_cy",
        "kind",
        "choices_text",
        "required",
        "roles",
        "order",
        "active",
    ]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # each one is checked for values on its own page
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: CustomField | None = None) -> bool:
        # Deleting would leave values that no field reads: a field with values is stopped
        # (unticked "in use") instead, which keeps them.
        if obj is not None and has_values(obj.applies_to, obj.key):
            return False
        return super().has_delete_permission(request, obj)
