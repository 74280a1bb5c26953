"""Per-address rate limits shared by every web worker (counted in the database).

Addresses are stored as keyed hashes, never as they are. A limit counts requests in
fixed windows: ``hit("feedback", address, limit=60, per=timedelta(minutes=10))`` says
whether this request goes over.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chorus.core.models import RateCount

logger = logging.getLogger("chorus.ratelimit")


def address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def hit(scope: str, address: str, *, limit: int, per: timedelta) -> bool:
    """Count this request; True when it is over ``limit`` in the current window."""
    seconds = int(per.total_seconds())
    window = int(time.time()) // seconds
    key = f"{scope}:{address_hash(address)[:40]}:{window}"
    if not RateCount.objects.filter(key=key).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCount.objects.create(key=key, count=1, expires_at=timezone.now() + per)
        except IntegrityError:  # another worker made the row first
            RateCount.objects.filter(key=key).update(count=F("count") + 1)
    count = RateCount.objects.filter(key=key).values_list("count", flat=True).first() or 0
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
