"""Sessions from single sign-on ask the provider again once they reach their limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from chorus.accounts import sso

# Views that must run while a session is being renewed.
_RENEWING = {"accounts:sso_start", "accounts:sso_callback", "accounts:sign_in", "accounts:sign_out"}


class SSORecheckMiddleware:
    """A single sign-on session past its limit (the provider's token expiry, or
    ``OIDC_RECHECK_MINUTES``) is sent back to the provider on its next page: straight
    through if the provider still knows the person, refused if they have been switched off or
    left their groups. Only page loads (GET) are sent: a form being posted is not lost."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or not sso.needs_recheck(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _RENEWING:
            return None
        if not sso.enabled():
            logout(request)
            return redirect("accounts:sign_in")
        if request.method != "GET" or request.headers.get("HX-Request"):
            return None
        return redirect(f"{reverse('accounts:sso_start')}?next={quote(request.get_full_path())}")
