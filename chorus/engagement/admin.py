from __future__ import annotations

from django.contrib import admin

from chorus.core.admin import AuditedModelAdmin
from chorus.engagement.models import Stage


@admin.register(Stage)
class StageAdmin(AuditedModelAdmin[Stage]):
    """Administrators configure the stages projects pass through."""

    list_display = ["name", "name_cy", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
