"""Lockout after repeated failed sign-ins (django-axes), with back-off.

Attempts are counted per email address typed in, whether or not an account
has it, and the page shown is the same either way, so a lockout reveals
nothing about which accounts exist.

Failures are also counted per client address, at a higher limit
(``CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT`` in 15 minutes), so that one address
trying a few passwords on many accounts is slowed without one person's typos
locking out everyone in their office. Someone who types a user's email wrongly
on purpose can lock that email, never that user's address.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chorus.core import ratelimit
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction

BASE_COOLOFF = timedelta(minutes=5)
MAX_COOLOFF = timedelta(hours=24)
ADDRESS_WINDOW = timedelta(minutes=15)
ADDRESS_SCOPE = "sign-in-failed"


def address_locked_minutes(request: HttpRequest) -> int:
    """Minutes until this address may try again; 0 when it has not failed too often."""
    address = ratelimit.client_address(request)
    limit: int = settings.CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT
    if not ratelimit.reached(ADDRESS_SCOPE, address, limit=limit, per=ADDRESS_WINDOW):
        return 0
    return max(1, -(-ratelimit.seconds_left(ADDRESS_WINDOW) // 60))


def address_failed(request: HttpRequest) -> None:
    """Count a failed sign-in against the client address."""
    ratelimit.record(ADDRESS_SCOPE, ratelimit.client_address(request), per=ADDRESS_WINDOW)


def attempted_email(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    source: Any = credentials if credentials else (request.POST if request is not None else {})
    value = source.get("email") or source.get("username") or ""
    return str(value).strip().lower()


def cooloff_time(request: HttpRequest | None) -> timedelta:
    """Five minutes, doubling with each further failure past the limit, up to a day."""
    email = attempted_email(request)
    failures: int = 0
    if email:
        failures = (
            AccessAttempt.objects.filter(username=email).aggregate(n=Max("failures_since_start"))["n"] or 0
        )
    extra = max(0, failures - settings.AXES_FAILURE_LIMIT)
    return min(BASE_COOLOFF * (1 << min(extra, 10)), MAX_COOLOFF)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    from chorus.accounts.forms import SignInForm

    minutes = int(cooloff_time(request).total_seconds() // 60)
    audit_record(
        actor=None,
        action=AuditAction.LOCKED_OUT,
        request=request,
        object_type="accounts.signin",
        object_repr=attempted_email(request, credentials),
    )
    form = SignInForm(request, initial={"email": attempted_email(request, credentials)})
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "locked_minutes": minutes},
        status=429,
    )


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """The key attempts are counted under: the email as typed, normalised."""
    return attempted_email(request, credentials)
