"""Django's admin site, behind Chorus's own sign-in and two-factor check."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse


class ChorusAdminSite(AdminSite):
    site_header = "Chorus administration"
    site_title = "Chorus administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        from chorus.core.access import SSO_SESSION_KEY

        if not (user.is_authenticated and user.is_active and user.is_staff):
            return False
        return bool(user.is_verified() or request.session.get(SSO_SESSION_KEY))

    def register(
        self, model_or_iterable: Any, admin_class: type[ModelAdmin[Any]] | None = None, **options: Any
    ) -> None:
        """Register, auditing every change made through the site.

        Chorus's own ModelAdmins derive from ``chorus.core.admin.AuditedModelAdmin`` (a test
        checks); those of other packages (two-factor devices, sign-in attempts, tasks) get the
        auditing mixin put in front of them here.
        """
        # Imported here: this module is loaded with the app registry, before models are ready.
        from chorus.core.admin import AuditedAdminMixin

        base = admin_class or ModelAdmin
        if not issubclass(base, AuditedAdminMixin) and not base.__module__.startswith("chorus."):
            base = type(f"Audited{base.__name__}", (AuditedAdminMixin, base), {"__module__": __name__})
        super().register(model_or_iterable, base, **options)

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next", self.index_url()))

    def index_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:index")


class ChorusAdminConfig(AdminConfig):
    default_site = "chorus.admin_site.ChorusAdminSite"
