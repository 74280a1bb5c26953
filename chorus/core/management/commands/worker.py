from __future__ import annotations

import logging
import os
import random
import time
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.core.management.base import CommandError
from django.db import close_old_connections, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from chorus.core.leases import (
    Heartbeat,
    close_connections,
    heartbeat_seconds,
    lease_held,
    task_interrupted,
    tasks_reap,
)
from chorus.core.outage import DATABASE_ERRORS, Backoff

logger = logging.getLogger("django_tasks_db")


class Worker(DBWorker):
    """The database backend's worker, with a lease on each task it runs and a loop that
    outlasts the database going away.

    While a task runs, a heartbeat renews its lease; when the worker is idle it reaps the
    tasks of workers that stopped (``chorus.core.leases``). An ``OperationalError`` or
    ``InterfaceError`` (the database restarting, a dropped connection) closes the
    connection, is logged, and is waited out with a growing pause instead of ending the
    process. The loop is the backend's own, step by step, with these added.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backoff = Backoff()
        self.next_reap = 0.0

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311  (spreads workers started together)
        while self.running:
            try:
                finished = self.step()
            except DATABASE_ERRORS as error:
                self.wait_for_database(error)
                continue
            self.backoff.reset()
            if finished:
                return

    def wait_for_database(self, error: Exception) -> None:
        wait = self.backoff.next_wait()
        logger.warning(
            "Worker %s lost the database (%s); trying again in %.1f s", self.worker_id, error, wait
        )
        close_connections()
        deadline = time.monotonic() + wait
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def step(self) -> bool:
        """Take and run one task if one is ready; return whether the worker should stop."""
        close_old_connections()
        if time.monotonic() >= self.next_reap:
            tasks_reap()
            self.next_reap = time.monotonic() + heartbeat_seconds()

        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)

        retrieved = True
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # so no other worker runs it
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                # SQLite busy: it unlocks soon.
                task_result, retrieved = None, False

        if task_result is not None:
            self.run_task(task_result)

        if self.batch and retrieved and task_result is None:
            logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info(
                "Run maximum tasks (%d) on worker=%s - exiting gracefully.", self._run_tasks, self.worker_id
            )
            return True
        close_old_connections()
        if self.running and not task_result:
            time.sleep(self.interval)
        return False

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        """Run the task under a lease; record its result only if the lease is still ours."""
        task_id = str(db_task_result.pk)
        try:
            self.running_task = True
            with Heartbeat(task_id=task_id, task_path=db_task_result.task_path, worker_id=self.worker_id):
                try:
                    task = db_task_result.task
                    task_result = db_task_result.task_result
                    task_started.send(sender=type(task.get_backend()), task_result=task_result)
                    if task.takes_context:
                        value = task.call(
                            TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                        )
                    else:
                        value = task.call(*task_result.args, **task_result.kwargs)
                except BaseException as error:
                    self.finish(db_task_result, error=error)
                else:
                    self.finish(db_task_result, value=value)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def finish(
        self, db_task_result: DBTaskResult[Any, Any], *, value: Any = None, error: BaseException | None = None
    ) -> None:
        if isinstance(error, DATABASE_ERRORS):
            # The task's connection died under it (a database restart): record the outcome
            # on a new one rather than waiting for the lease to run out.
            close_connections()
        with transaction.atomic(using=DBTaskResult.objects.db):
            current = DBTaskResult.objects.select_for_update().filter(pk=db_task_result.pk).first()
            if (
                current is None
                or current.status != TaskResultStatus.RUNNING
                or not lease_held(str(db_task_result.pk), self.worker_id)
            ):
                logger.warning(
                    "Task %s finished on worker %s after its lease was taken; its result is not kept",
                    db_task_result.pk,
                    self.worker_id,
                )
                return
            if error is None:
                try:
                    db_task_result.set_successful(value)
                except Exception as problem:  # the value could not be stored (not JSON, say)
                    error = problem
            if isinstance(error, DATABASE_ERRORS):
                # The database went away under the task, which may not have recorded its own
                # failure: handle it as an interrupted task (run again, or failed), so the
                # app's records are put right too.
                now = timezone.now()
                task_interrupted(current, now=now, last_seen=now, cause=f"the database went away ({error})")
                return
            if error is not None:
                db_task_result.set_failed(error)
        try:
            task_finished.send(
                sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result
            )
        except (ImportError, SuspiciousOperation):
            logger.exception("Task id=%s failed unexpectedly", db_task_result.id)


class Command(DBWorkerCommand):
    help = (
        "Run background tasks (imports, analysis, email) from the database queue. "
        "Run one or more beside the web server; they share the work safely, take up the "
        "tasks of workers that stopped, and wait out a database restart."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        """As the backend's command does, with Chorus's ``Worker``."""
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
