"""Periodic tasks: reminders, digests and checks that run every day or week.

Apps register a task with ``@periodic(every=...)`` in their ``jobs.py``. ``chorus
scheduler`` (started by ``chorus serve`` beside the worker) calls ``schedule_due``
each minute, which queues every task whose interval has passed. Several schedulers
may run: the row lock on ``ScheduledRun`` lets only one queue each task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from chorus.core.models import ScheduledRun


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: Task[Any, Any]


PERIODIC: dict[str, Periodic] = {}


def periodic(*, every: timedelta) -> Any:
    """Register a task (made with ``@background``) to be queued every ``every``."""

    def decorator(task_: Task[Any, Any]) -> Task[Any, Any]:
        name = task_.module_path
        PERIODIC[name] = Periodic(name=name, every=every, task=task_)
        return task_

    return decorator


def schedule_due(now: datetime | None = None) -> list[str]:
    """Queue each periodic task whose interval has passed; return the names queued."""
    now = now or timezone.now()
    queued: list[str] = []
    for item in PERIODIC.values():
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(name=item.name)
            run = ScheduledRun.objects.select_for_update().get(name=item.name)
            if run.last_enqueued_at is not None and now - run.last_enqueued_at < item.every:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(item.task.enqueue)
            queued.append(item.name)
    return queued
