"""Per-address rate limits shared by every web worker (counted in the database).

Addresses are stored as keyed hashes, never as they are. A limit counts requests in
fixed windows: ``hit("feedback", address, limit=60, per=timedelta(minutes=10))`` says
whether this request goes over. Where only some requests should count (failed sign-ins,
accepted responses), ask ``reached`` first and ``record`` the ones that count.

Read the caller's address with ``client_address(request)``: behind the proxies that
``CHORUS_PROXY_COUNT`` trusts it is the address they saw, not the proxy's own.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import time
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chorus.core.models import RateCount

logger = logging.getLogger("chorus.ratelimit")


def address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The caller's address, trusting as many proxies as ``CHORUS_PROXY_COUNT`` says.

    Each trusted proxy appends the address it was called from to ``X-Forwarded-For``, so
    the caller is that many hops from the end; anything before it may be made up.
    """
    address: str = request.META.get("REMOTE_ADDR", "") or ""
    proxies: int = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return address


def counted_as(address: str) -> str:
    """What a limit counts: an IPv6 address as its /64 network, since one home or phone is
    given a whole /64 and can use a new address from it for every request; anything else
    (an IPv4 address, an email, a person's key) as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return address


def _key(scope: str, address: str, per: timedelta) -> str:
    window = int(time.time()) // int(per.total_seconds())
    return f"{scope}:{address_hash(counted_as(address))[:40]}:{window}"


def seconds_left(per: timedelta) -> int:
    """How long until the current window ends and its counts start again from nothing."""
    seconds = int(per.total_seconds())
    return seconds - int(time.time()) % seconds


def record(scope: str, address: str, *, per: timedelta) -> int:
    """Count one request in the current window; the count so far, this one included."""
    key = _key(scope, address, per)
    if not RateCount.objects.filter(key=key).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCount.objects.create(key=key, count=1, expires_at=timezone.now() + per)
        except IntegrityError:  # another worker made the row first
            RateCount.objects.filter(key=key).update(count=F("count") + 1)
    return RateCount.objects.filter(key=key).values_list("count", flat=True).first() or 0


def reached(scope: str, address: str, *, limit: int, per: timedelta) -> bool:
    """True when ``limit`` requests are already counted in this window (counts nothing)."""
    key = _key(scope, address, per)
    count = RateCount.objects.filter(key=key).values_list("count", flat=True).first() or 0
    if count >= limit:
        logger.warning("Rate limit %s reached by an address (%s counted)", scope, count)
        return True
    return False


def hit(scope: str, address: str, *, limit: int, per: timedelta) -> bool:
    """Count this request; True when it is over ``limit`` in the current window."""
    count = record(scope, address, per=per)
    if count > limit:
        logger.warning("Rate limit %s reached by an address (%s requests)", scope, count)
        return True
    return False


def expired_remove() -> int:
    deleted, _detail = RateCount.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


# The name of the hidden field on public forms (``includes/honeypot.html``): people never
# see it, so a form that comes back with it filled in was sent by a robot.
HONEYPOT = "website"


def slow_down(
    request: HttpRequest,
    *,
    heading: str,
    paragraphs: Sequence[str],
    back_url: str = "",
    back_label: str = "",
    caption: str = "",
) -> HttpResponse:
    """The page a public form shows when it refuses a post for coming too often (429)."""
    context = {
        "heading": heading,
        "paragraphs": paragraphs,
        "back_url": back_url,
        "back_label": back_label,
        "caption": caption,
    }
    return render(request, "slow_down.html", context, status=429)
