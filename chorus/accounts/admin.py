from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext

from chorus.accounts.models import Team, User
from chorus.accounts.services import user_set_active
from chorus.core.admin import AuditedModelAdmin


def kept_not_deleted() -> str:
    return gettext(
        "Users who have done anything in Chorus are deactivated, not deleted, "
        "so the audit log stays complete."
    )


@admin.register(User)
class UserAdmin(AuditedModelAdmin[User]):
    """Staff accounts are managed on Chorus's own pages; this is for support only.

    Users are never deleted here: the audit log names them, and its database trigger refuses
    the change a deletion would make to it. "Delete" deactivates instead.
    """

    list_display = ["email", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "role", "teams", "is_active", "last_login"]
    readonly_fields = ["last_login"]
    filter_horizontal = ["teams"]
    actions = ["deactivate_selected"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _deactivate(self, request: HttpRequest, user: User) -> bool:
        """Deactivate ``user``, telling the administrator why not, if not. True if done."""
        if not user.is_active:
            return True
        try:
            user_set_active(actor=request.user, request=request, user=user, active=False)  # type: ignore[arg-type]
        except ValueError as refused:
            self.message_user(
                request,
                gettext("%(user)s was not deactivated: %(reason)s")
                % {"user": user.full_name or user.email, "reason": refused},
                messages.ERROR,
            )
            return False
        return True

    @admin.action(description=gettext_lazy("Deactivate selected users (users are never deleted)"))
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = sum(1 for user in queryset if self._deactivate(request, user))
        if done:
            self.message_user(
                request,
                ngettext("%(count)s user deactivated.", "%(count)s users deactivated.", done)
                % {"count": done}
                + " "
                + kept_not_deleted(),
                messages.SUCCESS,
            )

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        """Offer deactivation instead of deletion, and do it when confirmed."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            self.message_user(
                request, gettext("There is no such user. Choose one from the list."), messages.WARNING
            )
            return HttpResponseRedirect(reverse("admin:accounts_user_changelist"))
        if request.method == "POST":
            if self._deactivate(request, user):
                self.message_user(
                    request,
                    gettext("%(user)s is deactivated and can no longer sign in.")
                    % {"user": user.full_name or user.email}
                    + " "
                    + kept_not_deleted(),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Deactivate this user instead"),
            "opts": self.opts,
            "object": user,
            "explanation": kept_not_deleted(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/accounts/user/deactivate_confirmation.html", context)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        self._deactivate(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            self._deactivate(request, user)


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin[Team]):
    list_display = ["name"]
    search_fields = ["name"]
