"""Leases and heartbeats around the database task backend (docs/decisions/0006-task-leases.md).

While ``chorus worker`` runs a task it holds a ``TaskLease`` and renews it from a
thread every ``CHORUS_TASK_HEARTBEAT_SECONDS``. The reaper (``tasks_reap``, run by every
idle worker and by the scheduler) finds running tasks with no lease renewed within
``CHORUS_TASK_LEASE_SECONDS``: their worker stopped. Each is queued again, up to
``CHORUS_TASK_MAX_ATTEMPTS`` runs in all, or marked failed with the reason; the owning
app's ``@on_interrupted`` callbacks run in the same transaction, so the task and the
app's record change together. A worker that finds its lease gone when its task ends
keeps none of the result: the task already belongs to another run.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from chorus.core.models import TaskLease
from chorus.core.outage import DATABASE_ERRORS
from chorus.core.tasks import TASK_RECOVERY, Interrupted, Recovery

logger = logging.getLogger("chorus.tasks")

INTERRUPTED_CLASS = "chorus.core.leases.WorkerStopped"


class WorkerStopped(Exception):
    """Recorded as a task's error when its worker stopped and it was not run again."""


def lease_seconds() -> int:
    return int(settings.CHORUS_TASK_LEASE_SECONDS)


def heartbeat_seconds() -> int:
    return int(settings.CHORUS_TASK_HEARTBEAT_SECONDS)


def recovery_bound_seconds() -> int:
    """The longest a stopped worker's task stays "running": the lease, then one reaper pass."""
    return lease_seconds() + heartbeat_seconds()


class Heartbeat:
    """Hold a task's lease while it runs, renewing it from a thread.

    The thread has its own database connection. A renewal that fails (the database away
    for a moment, SQLite busy) is logged and tried again at the next beat: the lease
    outlives several missed beats.
    """

    def __init__(self, *, task_id: str, task_path: str, worker_id: str, every: float | None = None) -> None:
        self.task_id, self.task_path, self.worker_id = task_id, task_path, worker_id
        self.every = heartbeat_seconds() if every is None else every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{task_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        TaskLease.objects.update_or_create(
            task_id=self.task_id,
            defaults={
                "task_path": self.task_path[:300],
                "worker_id": self.worker_id,
                "beat_at": timezone.now(),
            },
        )
        self._thread.start()
        return self

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    TaskLease.objects.filter(task_id=self.task_id, worker_id=self.worker_id).update(
                        beat_at=timezone.now()
                    )
                except DATABASE_ERRORS as error:
                    logger.warning("Could not renew the lease of task %s: %s", self.task_id, error)
                    close_connections()
        finally:
            close_connections()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        try:
            TaskLease.objects.filter(task_id=self.task_id, worker_id=self.worker_id).delete()
        except DATABASE_ERRORS as problem:
            # The reaper will find the task (still "running", or already finished) once the
            # lease runs out; a finished task is left as it is.
            logger.warning("Could not release the lease of task %s: %s", self.task_id, problem)


def lease_held(task_id: str, worker_id: str) -> bool:
    """Whether ``worker_id`` still holds the task: the reaper has not taken it away."""
    return TaskLease.objects.filter(task_id=task_id, worker_id=worker_id).exists()


def close_connections() -> None:
    """Close this thread's database connections, even broken ones, so the next query reconnects.

    A connection inside a transaction is left to the code that opened it (the test suite's
    transaction, say): the worker and scheduler loops call this outside any."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close()
        except DATABASE_ERRORS:
            connection.connection = None


def _stale_ids(now: datetime) -> list[str]:
    cutoff = now - timedelta(seconds=lease_seconds())
    fresh = {
        str(pk) for pk in TaskLease.objects.filter(beat_at__gte=cutoff).values_list("task_id", flat=True)
    }
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "started_at")
    return [
        str(pk)
        for pk, started_at in running
        if str(pk) not in fresh and (started_at is None or started_at < cutoff)
    ]


def _recovery_for(task_path: str) -> Recovery:
    try:
        # The task's module registers its callbacks when imported.
        import_string(task_path)
    except ImportError:
        logger.warning("Task %s no longer exists; it is marked failed", task_path)
        return Recovery(rerun=False)
    return TASK_RECOVERY.get(task_path, Recovery())


def may_rerun(row: DBTaskResult[Any, Any]) -> bool:
    """Whether a task that lost its worker or its database may run again."""
    recovery = _recovery_for(row.task_path)
    return recovery.rerun and len(row.worker_ids) < settings.CHORUS_TASK_MAX_ATTEMPTS


def tasks_reap(now: datetime | None = None) -> list[Interrupted]:
    """Queue again, or mark failed, every running task whose worker stopped; return them."""
    now = now or timezone.now()
    done: list[Interrupted] = []
    for task_id in _stale_ids(now):
        interrupted = _reap_one(task_id, now)
        if interrupted is not None:
            done.append(interrupted)
    return done


def _reap_one(task_id: str, now: datetime) -> Interrupted | None:
    cutoff = now - timedelta(seconds=lease_seconds())
    with exclusive_transaction(DBTaskResult.objects.db):
        row = DBTaskResult.objects.select_for_update(skip_locked=True).filter(pk=task_id).first()
        if row is None or row.status != TaskResultStatus.RUNNING:
            return None
        lease = TaskLease.objects.filter(task_id=task_id).first()
        if lease is not None and lease.beat_at >= cutoff:
            return None  # renewed since we looked
        last_seen = lease.beat_at if lease is not None else (row.started_at or row.enqueued_at)
        return task_interrupted(row, now=now, last_seen=last_seen)


def task_interrupted(
    row: DBTaskResult[Any, Any], *, now: datetime, last_seen: datetime, cause: str = ""
) -> Interrupted:
    """Queue a running task again, or mark it failed, and let its app put its records right.

    Call inside a transaction holding the task's row: the reaper for a task whose worker
    stopped; a worker for a task whose database went away under it (``cause``)."""
    recovery = _recovery_for(row.task_path)
    attempts = len(row.worker_ids)
    requeue = may_rerun(row)
    if requeue:
        row.status = TaskResultStatus.READY
        row.save(update_fields=["status"])
    else:
        row.status = TaskResultStatus.FAILED
        row.finished_at = now
        row.exception_class_path = INTERRUPTED_CLASS
        why = cause or f"the worker running this task stopped (last heartbeat {last_seen.isoformat()})"
        row.traceback = f"{INTERRUPTED_CLASS}: {why}; not run again after {attempts} run(s)."
        row.return_value = None
        row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback", "return_value"])
    TaskLease.objects.filter(task_id=row.pk).delete()
    interrupted = Interrupted(
        task_id=str(row.pk),
        task_path=row.task_path,
        args=list(row.args_kwargs.get("args", [])),
        kwargs=dict(row.args_kwargs.get("kwargs", {})),
        attempts=attempts,
        requeued=requeue,
        last_seen=last_seen,
    )
    for callback in recovery.callbacks:
        try:
            with transaction.atomic(using=DBTaskResult.objects.db):
                callback(interrupted)
        except Exception:
            logger.exception("Putting right the records of interrupted task %s failed", row.pk)
    logger.warning(
        "Task %s (%s) was interrupted (%s): %s",
        row.pk,
        row.task_path,
        cause or f"its worker was last seen {last_seen.isoformat()}",
        "queued again" if requeue else f"marked failed after {attempts} run(s)",
    )
    return interrupted
