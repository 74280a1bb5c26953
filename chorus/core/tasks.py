"""The one wrapper around the tasks framework that Chorus code uses.

Long or heavy work is defined with ``@background`` and started with
``enqueue_after_commit``, so a task never runs against rows its caller's
transaction has not yet written. ruff's banned-api rule points other code here.

A task whose worker stops (killed, out of memory, the machine lost) is found by the
reaper in ``chorus.core.leases`` once its lease runs out, and queued again or marked
failed (docs/decisions/0006-task-leases.md). The app that owns the task hears of it
through ``@on_interrupted``, so it can put its own record right (an analysis back to
"waiting", an import to "failed", claimed bulletin deliveries to "unknown"). Every
task may run again after a crash, so it must be safe to run twice; one that is not
says ``rerun=False`` and is marked failed instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django_tasks.base import Task, task  # noqa: TID251  (this module is the wrapper)

P = ParamSpec("P")
T = TypeVar("T")


def background(*, queue: str = "default", priority: int = 0) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Make ``func`` a task that runs in ``chorus worker`` (at once in tests)."""

    def decorator(func: Callable[P, T]) -> Task[P, T]:
        return task(queue_name=queue, priority=priority)(func)

    return decorator


def enqueue_after_commit(task_: Task[P, Any], *args: P.args, **kwargs: P.kwargs) -> None:
    transaction.on_commit(partial(task_.enqueue, *args, **kwargs))


@dataclass(frozen=True)
class Interrupted:
    """A task whose worker stopped mid-run, and what the reaper did with it.

    ``requeued``: it will run again from the start; otherwise it is marked failed after
    ``attempts`` runs. ``last_seen`` is the worker's last heartbeat (or the task's start):
    the worker stopped within one heartbeat interval after it.
    """

    task_id: str
    task_path: str
    args: list[Any]
    kwargs: dict[str, Any]
    attempts: int
    requeued: bool
    last_seen: datetime

    def argument(self, name: str, position: int = 0) -> Any:
        """The task's argument ``name``, whether it was passed by keyword or by position."""
        if name in self.kwargs:
            return self.kwargs[name]
        return self.args[position]


InterruptedCallback = Callable[[Interrupted], None]


@dataclass
class Recovery:
    rerun: bool = True
    callbacks: list[InterruptedCallback] = field(default_factory=list)


TASK_RECOVERY: dict[str, Recovery] = {}


def on_interrupted(
    *tasks: Task[Any, Any], rerun: bool = True
) -> Callable[[InterruptedCallback], InterruptedCallback]:
    """Register a function the reaper calls, inside its transaction, when one of ``tasks``
    is queued again or given up after its worker stopped. Register it in the module that
    defines the task: the reaper imports that module before it looks.

    ``rerun=False``: the task is not safe to run twice, so it is marked failed at once.
    """

    def decorator(callback: InterruptedCallback) -> InterruptedCallback:
        for task_ in tasks:
            recovery = TASK_RECOVERY.setdefault(task_.module_path, Recovery())
            recovery.rerun = recovery.rerun and rerun
            if callback not in recovery.callbacks:
                recovery.callbacks.append(callback)
        return callback

    return decorator
