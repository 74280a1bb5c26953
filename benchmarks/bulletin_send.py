"""Sending a bulletin to 100,000 subscribers through a local SMTP sink.

The sink (aiosmtpd, in its own process) counts every message per recipient. Two runs:
1. a clean send: messages per second, and the check that each subscriber got exactly one;
2. a send whose worker is killed (SIGKILL) part-way, then resumed as the minute job
   would: no subscriber may get two copies; deliveries the dead worker had claimed are
   marked "unknown" rather than sent again, and the table says how many.

Chorus sends with Django's SMTP backend, one connection per batch, no rate limit here
(CHORUS_BULLETIN_RATE=0), on a scratch SQLite database (or --database-url).

    python benchmarks/bulletin_send.py [--quick] [--subscribers 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, django_setup, record, table

PACKAGES = ("django", "aiosmtpd", "markdown-it-py")


def _sink(port: int, out: str, stop: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    counts: Counter[str] = Counter()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            for address in envelope.rcpt_tos:
                counts[address.lower()] += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    time.sleep(0.5)
    controller.stop()
    Path(out).write_text(json.dumps(counts))


class Sink:
    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.out = folder / f"sink-{self.port}.json"
        self.stop = multiprocessing.Event()
        self.process = multiprocessing.Process(target=_sink, args=(self.port, str(self.out), self.stop))

    def __enter__(self) -> Sink:
        self.process.start()
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("The SMTP sink did not start.")

    def counts(self) -> Counter[str]:
        self.stop.set()
        self.process.join(30)
        return Counter(json.loads(self.out.read_text()))

    def __exit__(self, *exc: object) -> None:
        if self.process.is_alive():
            self.stop.set()
            self.process.join(5)


CHILD = """
import os, sys
sys.path.insert(0, {root!r})
os.environ.update({env!r})
import django
django.setup()
from chorus.bulletins.services import bulletin_deliver
bulletin_deliver.call(bulletin_id={bulletin})
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5,000 subscribers instead of 100,000")
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--database-url", help="Default: a scratch SQLite file.")
    args = parser.parse_args()
    count = 5_000 if args.quick else args.subscribers

    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        os.environ["EMAIL_HOST"] = "127.0.0.1"
        os.environ["CHORUS_BULLETIN_RATE"] = "0"
        rows = []
        for attempt in ("clean send", "worker killed, then resumed"):
            with Sink(scratch) as sink:
                os.environ["EMAIL_PORT"] = str(sink.port)
                if attempt == "clean send":
                    django_setup(scratch, args.database_url)
                    from django.core.management import call_command

                    call_command("migrate", verbosity=0)
                from django.conf import settings
                from django.utils import timezone

                from chorus.accounts.models import Role, User
                from chorus.bulletins import services
                from chorus.bulletins.models import Bulletin, Delivery, Subscriber

                settings.EMAIL_PORT = sink.port
                officer, _ = User.objects.get_or_create(
                    email="bench@example.gov.uk",
                    defaults={"full_name": "Bench", "role": Role.ENGAGEMENT_OFFICER},
                )
                if not Subscriber.objects.exists():
                    now = timezone.now()
                    Subscriber.objects.bulk_create(
                        [
                            Subscriber(
                                email=f"s{i:06d}@example.org",
                                status=Subscriber.Status.ACTIVE,
                                consented_at=now,
                            )
                            for i in range(count)
                        ],
                        batch_size=5000,
                    )
                bulletin = Bulletin.objects.create(
                    title=attempt,
                    subject="What is happening this month",
                    body="Come to the **forum** on 3 December.\n\nRead [the plan](https://example.gov.uk/plan).",
                )
                started = time.perf_counter()
                services.bulletin_send(
                    bulletin=bulletin, actor=officer
                )  # writes deliveries (tasks queued, not run)
                prepared = time.perf_counter()
                killed_after = ""
                if attempt == "clean send":
                    services.bulletin_deliver.call(bulletin_id=bulletin.pk)
                else:
                    env = {
                        k: v
                        for k, v in os.environ.items()
                        if k.startswith(("CHORUS_", "EMAIL_", "DJANGO_", "DATABASE_", "ALLOWED_"))
                    }
                    child = subprocess.Popen(
                        [sys.executable, "-c", CHILD.format(root=str(ROOT), env=env, bulletin=bulletin.pk)]
                    )
                    target = max(1, count // 3)
                    while (
                        Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.SENT).count()
                        < target
                    ):
                        if child.poll() is not None:
                            break
                        time.sleep(0.2)
                    child.send_signal(signal.SIGKILL)
                    child.wait()
                    killed_after = f"{Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.SENT).count():,} sent"
                    # The minute job, once the dead worker's claims are old enough to be sure it has gone.
                    settings.CHORUS_BULLETIN_STALE_SECONDS = 0
                    services.bulletins_resume()
                    services.bulletin_deliver.call(bulletin_id=bulletin.pk)
                done = time.perf_counter()
                received = sink.counts()
                statuses = Counter(
                    Delivery.objects.filter(bulletin=bulletin).values_list("status", flat=True)
                )
                bulletin.refresh_from_db()
                twice = sum(1 for n in received.values() if n > 1)
                missing = count - len(received)
                rows.append(
                    [
                        attempt,
                        f"{count:,}",
                        f"{sum(received.values()):,}",
                        f"{twice:,}",
                        f"{missing:,}",
                        f"{statuses.get('unknown', 0):,}",
                        killed_after or "-",
                        f"{prepared - started:.1f}",
                        f"{done - prepared:.1f}",
                        f"{statuses.get('sent', 0) / (done - prepared):,.0f}",
                        bulletin.status,
                    ]
                )
                print(rows[-1], flush=True)
        headers = [
            "run",
            "subscribers",
            "messages received",
            "got two",
            "got none",
            "marked unknown",
            "killed after",
            "prepare s",
            "send s",
            "messages/s",
            "bulletin",
        ]
        text = table(headers, rows)
        print(text)
        clean = rows[0]
        restart = rows[1]
        notes = (
            "'got none' in the killed run equals the deliveries the dead worker had claimed "
            "but not confirmed: Chorus marks them unknown for staff to check instead of risking a second copy."
        )
        result_line = (
            f"RESULT subscribers={count} messages_per_s={clean[9].replace(',', '')} clean_exactly_once="
            f"{clean[3] == '0' and clean[4] == '0'} restart_duplicates={restart[3].replace(',', '')} "
            f"restart_unknown={restart[5].replace(',', '')}"
        )
        record("Bulletin sending through SMTP", PACKAGES, text, notes, result=result_line)
        print(result_line)


if __name__ == "__main__":
    main()
