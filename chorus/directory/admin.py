from __future__ import annotations

from django.contrib import admin

from chorus.core.admin import AuditedModelAdmin
from chorus.directory.models import Place, Region, StakeholderGroup, Topic


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(AuditedModelAdmin[StakeholderGroup]):
    list_display = ["name", "parent", "is_panel"]
    list_filter = ["is_panel"]
    search_fields = ["name"]
    fields = ["name", "parent", "description", "is_panel", "target_by_region"]


@admin.register(Topic)
class TopicAdmin(AuditedModelAdmin[Topic]):
    list_display = ["name_en", "name_cy"]


@admin.register(Place)
class PlaceAdmin(AuditedModelAdmin[Place]):
    list_display = ["name", "postcode", "region", "step_free", "hearing_loop"]
    # The facilities that the check of people's adjustments before an event reads.
    list_filter = [
        "step_free",
        "hearing_loop",
        "quiet_room",
        "accessible_toilet",
        "accessible_parking",
        "accessible_seating",
        "bsl_bookable",
    ]
    search_fields = ["name", "other_names", "postcode"]


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin[Region]):
    list_display = ["name_en", "name_cy", "ons_code", "kind"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
