"""Housekeeping: expired rate-limit counts."""

from __future__ import annotations

from datetime import timedelta

from chorus.core.ratelimit import expired_remove
from chorus.core.schedule import periodic
from chorus.core.tasks import background


@periodic(every=timedelta(hours=1))
@background()
def rate_counts_expired_remove() -> int:
    return expired_remove()
