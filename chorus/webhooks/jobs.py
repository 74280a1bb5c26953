"""The delivery task, and the every-minute job that tries deliveries again when due."""

from __future__ import annotations

from datetime import timedelta

from chorus.core.schedule import periodic
from chorus.core.tasks import background


@background(queue="default")
def delivery_send(delivery_id: int) -> str:
    from chorus.webhooks.services import delivery_attempt

    return delivery_attempt(delivery_id)


@periodic(every=timedelta(minutes=1))
@background(queue="default")
def deliveries_retry() -> int:
    from chorus.webhooks.services import deliveries_due_send

    return deliveries_due_send()
