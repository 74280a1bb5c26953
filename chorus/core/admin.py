from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from chorus.core.models import AuditEntry, DemoDataset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
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
class DemoDatasetAdmin(admin.ModelAdmin[DemoDataset]):
    list_display = ["builder", "scale", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: DemoDataset | None = None) -> bool:
        return False
