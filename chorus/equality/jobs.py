"""Deleting equality answers given on drafts that were never sent."""

from __future__ import annotations

from datetime import timedelta

from chorus.core.schedule import periodic
from chorus.core.tasks import background
from chorus.equality.services import unsubmitted_remove


@periodic(every=timedelta(days=1))
@background()
def equality_unsubmitted_remove() -> int:
    return unsubmitted_remove()
