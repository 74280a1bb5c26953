"""Sessions from single sign-on ask the provider again once they reach their limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from chorus.accounts import sso

# Views that must run while a session is being renewed.
_RENEWING = {"accounts:sso_start", "accounts:sso_callback", "accounts:sign_in", "accounts:sign_out"}


class SSORecheckMiddleware:
    """A single sign-on session past its limit (the provider's token expiry, or
    ``OIDC_RECHECK_MINUTES``) is sent back to the provider on its next page: straight
    through if the provider still knows the person, refused (and signed out) if they have
    been switched off or left their groups. Anything else asked of Chorus past the limit (a
    form sent, a part of a page) is refused with a 401 until then."""

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
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return redirect(f"{reverse('accounts:sso_start')}?next={quote(request.get_full_path())}")
        # A form sent or a part of a page asked for once the limit has passed: nothing is done
        # until the provider has been asked again. The page that sent it is reloaded (htmx) or
        # the person is told to sign in again; what they sent is not saved.
        response = HttpResponse(
            _("Your sign-in needs renewing. Sign in again, then send the form again."), status=401
        )
        response["HX-Redirect"] = f"{reverse('accounts:sso_start')}?next={quote(request.get_full_path())}"
        return response
