from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser, BooleanOptionalAction
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from chorus.core.registry import demo_sign_ins

# How many times an hour a stopped worker or scheduler is started again.
RESTARTS = 10


class Command(BaseCommand):
    help = (
        "Run Chorus's web server (gunicorn). In local mode (CHORUS_MODE=local) it also "
        "applies migrations, collects static files and starts a task worker alongside."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default=os.environ.get("CHORUS_HOST", "127.0.0.1"), help="Address to listen on."
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="Port to listen on."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="Web worker processes (default: 2 locally, 2 x cores + 1 in production).",
        )
        parser.add_argument(
            "--with-worker",
            action=BooleanOptionalAction,
            default=None,
            help="Also run a task worker (default: yes in local mode, no in production).",
        )
        parser.add_argument("--no-prepare", action="store_true", help="Skip migrate and collectstatic.")

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int | None,
        with_worker: bool | None,
        no_prepare: bool,
        **options: Any,
    ) -> None:
        local = settings.LOCAL
        run_worker = local if with_worker is None else with_worker
        if local and not no_prepare:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or (2 if local else (os.cpu_count() or 1) * 2 + 1)
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "chorus.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        commands = [web]
        if run_worker:
            commands.append([sys.executable, "-m", "chorus.cli", "worker"])
            commands.append([sys.executable, "-m", "chorus.cli", "scheduler"])
        # Links in emails that tasks send (no request to read the host from) come from
        # CHORUS_BASE_URL, which defaults to this port only if the children (restarted
        # ones too) know it.
        os.environ["PORT"] = str(port)
        children = [subprocess.Popen(command) for command in commands]  # noqa: S603  (fixed arguments)
        self._announce(host, port, run_worker)
        self._supervise(children, commands)

    def _announce(self, host: str, port: int, run_worker: bool) -> None:
        try:
            address = ipaddress.ip_address(host.strip("[]"))
            shown = "localhost" if address.is_loopback or address.is_unspecified else host
        except ValueError:
            shown = host
        url = f"http://{shown}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nChorus is running. Open {url}"))
        self.stdout.write(f"  Staff sign in: {url}sign-in/")
        if run_worker:
            self.stdout.write("  A task worker and the scheduler of periodic tasks run alongside.")
        if settings.LOCAL:
            lines = demo_sign_ins()
            if lines:
                self.stdout.write("  Demo sign-ins:")
                for line in lines:
                    self.stdout.write(f"    {line}")
            self.stdout.write(f"  Emails are written to {settings.EMAIL_FILE_PATH}")
        self.stdout.write("  Press Ctrl+C to stop.\n")

    def _supervise(self, children: list[subprocess.Popen[bytes]], commands: list[list[str]]) -> None:
        """Wait on the processes. A worker or scheduler that stops is started again (its
        tasks are taken up again through their leases, ADR 6), up to RESTARTS times an hour;
        when the web server stops, or they keep stopping, everything stops."""
        stopping = False
        restarts: list[float] = []

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and children[0].poll() is None:
                time.sleep(0.5)
                for i, child in enumerate(children[1:], start=1):
                    if stopping or child.poll() is None:
                        continue
                    restarts = [t for t in restarts if t > time.monotonic() - 3600]
                    if len(restarts) >= RESTARTS:
                        raise CommandError(f"The {commands[i][-1]} keeps stopping, so Chorus stopped too.")
                    restarts.append(time.monotonic())
                    self.stderr.write(
                        f"The {commands[i][-1]} stopped (exit code {child.returncode}); starting it again."
                    )
                    children[i] = subprocess.Popen(commands[i])  # noqa: S603  (fixed arguments)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            raise CommandError(f"A Chorus process stopped unexpectedly (exit codes {codes}).")
