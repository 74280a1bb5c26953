from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from chorus.core.ratelimit import client_address


class ClientAddressMiddleware:
    """Work out the caller's address once, trusting as many proxies as configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.client_address = client_address(request) or None  # type: ignore[attr-defined]
        return self.get_response(request)


# Browser features no Chorus page uses: refusing them all means a script that got in
# somehow still cannot reach the camera, microphone, location or payment sheet. Only
# features current browsers know, since an unknown one is reported as a console error.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
)

# Pages that are for staff or show one person's own details, with or without the /cy/
# prefix: staff pages and downloads, the admin site, signing in and account links, and
# the public pages reached through a private link (bulletin subscriptions, idea
# participants, equality answers).
PRIVATE_PATH = re.compile(
    r"^/(?:cy/)?(?:staff/|django-admin/|account/|sign-in/|sign-out/"
    r"|bulletins/(?:manage|confirm|unsubscribe)/|ideas/take-part/|equality-answers/)"
)


class SecurityHeadersMiddleware:
    """Add ``Permissions-Policy`` to every response, and keep private ones out of caches.

    A response is private when a signed-in user gets it, when it is a staff page or
    download (or a private-link page, ``PRIVATE_PATH``), or when it was built from the
    visitor's own session (a response being written, say). Those get
    ``Cache-Control: no-store``, so that neither a shared cache nor the browser keeps a
    copy for the next person at the same computer. Public pages are left as they were.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _private(request):
            add_never_cache_headers(response)
        return response


def _private(request: HttpRequest) -> bool:
    if PRIVATE_PATH.match(request.path_info):
        return True
    session = getattr(request, "session", None)
    if session is None:
        return False
    # Only a visitor with a session can be signed in; asking otherwise would load an
    # empty session and mark every public page as varying by cookie.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
    return bool(session.accessed and not session.is_empty())
