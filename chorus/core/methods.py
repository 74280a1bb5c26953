"""Every address a person can reach answers with a page, whatever the method.

``HEAD`` is answered as ``GET`` is (Django's ``require_GET`` and
``require_http_methods(["GET", "POST"])`` leave it out), and the empty 405 that Django's
method decorators give, to a reload or a bookmark of an address that only takes a form,
becomes a page that says what happened and where to go next.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _


class MethodsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        head = request.method == "HEAD"
        if head:
            # A GET with the body left off (by the server, and by the test client, which
            # both go by the method the request came with).
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        if response.status_code == 405 and not response.streaming and not _answered(request, response):
            return error_405(request, allowed=response.get("Allow", ""))
        return response


def _answered(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a 405 already says what happened: it has a body, other than the plain text
    an API's framework gives (an API answers in JSON)."""
    from chorus.core.views import is_api

    if is_api(request):
        return response.get("Content-Type", "").startswith("application/json")
    return bool(response.content)


def _page_above(path: str) -> str | None:
    """The address one level up, when it is a page of Chorus (``/x/<code>/delete/`` to
    ``/x/<code>/``), so the person can carry on from there."""
    parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
    if parent == path:
        return None
    try:
        resolve(parent)
    except Resolver404:
        return None
    return parent


def error_405(request: HttpRequest, *, allowed: str = "") -> HttpResponse:
    from chorus.core.views import api_error, is_api

    if is_api(request):
        response = api_error(
            405,
            "method",
            _("This address does not take %(method)s. It takes %(allowed)s.")
            % {"method": request.method, "allowed": allowed or "GET"},
        )
        if allowed:
            response["Allow"] = allowed
        return response
    home = reverse("core:public_home")
    above = _page_above(request.path)
    response = render(
        request,
        "405.html",
        {"above": above if above != home else None, "home": home},
        status=405,
    )
    if allowed:
        response["Allow"] = allowed
    return response
