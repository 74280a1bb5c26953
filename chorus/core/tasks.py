"""The one wrapper around the tasks framework that Chorus code uses.

Long or heavy work is defined with ``@background`` and started with
``enqueue_after_commit``, so a task never runs against rows its caller's
transaction has not yet written. ruff's banned-api rule points other code here.
"""

from __future__ import annotations

from collections.abc import Callable
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
