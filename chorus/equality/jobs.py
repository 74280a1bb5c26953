"""Releasing new equality answers into the figures, and deleting answers given on drafts
that were never sent."""

from __future__ import annotations

from datetime import timedelta

from chorus.core.schedule import periodic
from chorus.core.tasks import background
from chorus.equality.services import release_due, unsubmitted_remove


@periodic(every=timedelta(days=1))
@background()
def equality_unsubmitted_remove() -> int:
    return unsubmitted_remove()


# Checked hourly; each subject is released at most once in CHORUS_EQUALITY_RELEASE_HOURS.
@periodic(every=timedelta(hours=1))
@background()
def equality_release() -> int:
    return release_due()
