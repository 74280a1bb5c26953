from __future__ import annotations

from django.contrib import admin

from chorus.directory.models import Place, Region, StakeholderGroup, Topic


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(admin.ModelAdmin[StakeholderGroup]):
    list_display = ["name", "parent", "is_panel"]
    list_filter = ["is_panel"]
    search_fields = ["name"]
    fields = ["name", "parent", "description", "is_panel", "target_by_region"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name_en", "name_cy"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin[Place]):
    list_display = ["name", "postcode", "region", "step_free", "hearing_loop"]
    search_fields = ["name", "other_names", "postcode"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["name_en", "name_cy", "ons_code", "kind"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
