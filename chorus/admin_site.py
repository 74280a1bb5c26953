"""Django's admin site, behind Chorus's own sign-in and two-factor check."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse


class ChorusAdminSite(AdminSite):
    site_header = "Chorus administration"
    site_title = "Chorus administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.is_active and user.is_staff and user.is_verified())

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next", self.index_url()))

    def index_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:index")


class ChorusAdminConfig(AdminConfig):
    default_site = "chorus.admin_site.ChorusAdminSite"
