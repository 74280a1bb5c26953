"""Daily: end personal records that are past their retention period."""

from __future__ import annotations

from datetime import timedelta

from chorus.core.schedule import periodic
from chorus.core.tasks import background
from chorus.insights.retention import retention_run


@periodic(every=timedelta(days=1))
@background(queue="default")
def retention_daily() -> dict[str, dict[str, int]]:
    return dict(retention_run().results)


@periodic(every=timedelta(days=7))
@background(queue="email")
def data_quality_weekly() -> int:
    from chorus.insights.quality import snapshot_and_tell

    return snapshot_and_tell()
