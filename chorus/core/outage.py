"""When the database is away for a moment (a restart, a failover): what people see, and how
long Chorus's own processes wait before trying again.

A web request whose query finds the database unreachable gets a kind "try again shortly"
page with status 503 and ``Retry-After`` instead of a 500; the page is built from
settings alone, never from a query. Workers and the scheduler wait with ``Backoff`` and
carry on (``chorus.core.management.commands``), so a restart never needs a person.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from chorus.core.context_processors import chorus as branding

logger = logging.getLogger("chorus.outage")

# What a lost or refused database connection raises, on SQLite and PostgreSQL alike.
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer for a request that found the database away."""
    if "/api/" in request.path_info:
        body = json.dumps({"error": _("The service is unavailable for a moment. Try again shortly.")})
        response = HttpResponse(body, status=503, content_type="application/json")
    else:
        # Branding and language links come from settings; no context processor runs, since
        # some of them (messages, the signed-in user) would query the database.
        context = {"request": request, **branding(request)}
        page = get_template("503.html").render(context)
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """Answer 503 (not 500) when a view's query finds the database unreachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning("Database unavailable for %s: %s", request.path_info, exception)
        return database_unavailable_response(request)


class Backoff:
    """Waits that double after each failure in a row (with a little jitter), up to ``most``."""

    def __init__(self, *, first: float = 1.0, most: float = 30.0) -> None:
        self.first, self.most = first, most
        self.failures = 0

    def next_wait(self) -> float:
        self.failures += 1
        wait = min(self.most, self.first * 2 ** (self.failures - 1))
        return float(wait * (0.8 + 0.4 * random.random()))  # noqa: S311 (jitter, not a secret)

    def reset(self) -> None:
        self.failures = 0
