"""Housekeeping (expired rate-limit counts and export files) and reading the mailboxes."""

from __future__ import annotations

from datetime import timedelta

from chorus.core.exports import exports_expired_remove
from chorus.core.mailbox import mailboxes_read
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


@periodic(every=timedelta(minutes=5))
@background(queue="email")
def mailboxes_read_job() -> dict[str, str]:
    """Read the email sent to Chorus's addresses (the case address) that are set up."""
    return {mailbox: str(report) for mailbox, report in mailboxes_read().items()}
