from __future__ import annotations

import logging
import signal
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from chorus.core.leases import close_connections, heartbeat_seconds, tasks_reap
from chorus.core.outage import DATABASE_ERRORS, Backoff
from chorus.core.schedule import PERIODIC, schedule_due

logger = logging.getLogger("chorus.scheduler")


class Command(BaseCommand):
    help = (
        "Queue periodic tasks (reminders, digests) when they are due, and take back the tasks "
        "of workers that stopped. Runs until stopped; waits out a database restart."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Queue what is due now, then stop.")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks.")

    def handle(self, *args: Any, once: bool, interval: int, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduling {len(PERIODIC)} periodic tasks: {', '.join(sorted(PERIODIC))}")
        backoff = Backoff()
        next_schedule = next_reap = 0.0
        while running:
            now = time.monotonic()
            wait = 1.0
            try:
                close_old_connections()
                if now >= next_schedule:
                    for name in schedule_due():
                        self.stdout.write(f"Queued {name}")
                    next_schedule = now + interval
                if now >= next_reap:
                    for stopped in tasks_reap():
                        action = "queued again" if stopped.requeued else "marked failed"
                        self.stdout.write(f"Task {stopped.task_path} lost its worker: {action}")
                    next_reap = now + heartbeat_seconds()
                backoff.reset()
            except DATABASE_ERRORS as error:
                wait = backoff.next_wait()
                logger.warning("The scheduler lost the database (%s); trying again in %.1f s", error, wait)
                self.stderr.write(f"Database unavailable ({error}); trying again in {wait:.0f} s")
                close_connections()
                if once:
                    raise
            if once:
                return
            deadline = time.monotonic() + wait
            while running and time.monotonic() < deadline:
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
