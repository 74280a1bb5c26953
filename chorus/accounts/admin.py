from __future__ import annotations

from django.contrib import admin

from chorus.accounts.models import Team, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    """Staff accounts are managed on Chorus's own pages; this is for support only."""

    list_display = ["email", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "role", "teams", "is_active", "last_login"]
    readonly_fields = ["last_login"]
    filter_horizontal = ["teams"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name"]
    search_fields = ["name"]
