from __future__ import annotations

import signal
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from chorus.core.schedule import PERIODIC, schedule_due


class Command(BaseCommand):
    help = "Queue periodic tasks (reminders, digests) when they are due. Runs until stopped."

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
        while running:
            for name in schedule_due():
                self.stdout.write(f"Queued {name}")
            if once:
                return
            for _second in range(interval):
                if not running:
                    break
                time.sleep(1)
