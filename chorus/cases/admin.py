from __future__ import annotations

from django.contrib import admin

from chorus.cases.models import Category, ReplyTemplate, ServiceLevel
from chorus.core.admin import AuditedModelAdmin


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin[Category]):
    list_display = ["name_en", "name_cy", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_en", "name_cy"]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(AuditedModelAdmin[ServiceLevel]):
    list_display = ["kind", "stage", "working_days"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(AuditedModelAdmin[ReplyTemplate]):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "subject_en", "body_en"]
    fields = ["name", "kind", "subject_en", "subject_cy", "body_en", "body_cy", "is_active"]
