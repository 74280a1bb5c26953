"""Housekeeping: expired rate-limit counts and expired export files."""

from __future__ import annotations

from datetime import timedelta

from chorus.core.exports import exports_expired_remove
from chorus.core.ratelimit import expired_remove
from chorus.core.schedule import periodic
from chorus.core.tasks import background


@periodic(every=timedelta(hours=1))
@background()
def rate_counts_expired_remove() -> int:
    return expired_remove()


@periodic(every=timedelta(days=1))
@background()
def exports_expired() -> int:
    return exports_expired_remove()
