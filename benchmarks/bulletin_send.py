"""Sending a bulletin to 100,000 subscribers through a local SMTP sink.

The sink (aiosmtpd, in its own process) counts every message per recipient. Runs:
1. a clean send by one sender, and 2. by two senders at once (two processes, as
   CHORUS_BULLETIN_SENDERS=2 runs two workers on one bulletin): messages per second, and
   the check that each subscriber got exactly one;
3. a send whose worker is killed (SIGKILL) part-way, then resumed as the minute job
   would: no subscriber may get two copies; deliveries the dead worker had claimed are
   marked "unknown" rather than sent again, and the table says how many;
4. on PostgreSQL, a two-sender send during which the database is restarted (every
   connection dropped), then resumed by the minute job: no copy sent twice, and no
   subscriber left with neither a message nor a delivery marked "unknown" for staff.

Chorus sends with Django's SMTP backend, one connection per batch, no rate limit here
(CHORUS_BULLETIN_RATE=0), on a throwaway PostgreSQL server on loopback (Debian's
packages), or on a scratch SQLite file where PostgreSQL is not installed (runs 2 and 4
are then left out: SQLite has one writer).

    python benchmarks/bulletin_send.py [--quick] [--subscribers 100000] [--sqlite]
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

from _common import ROOT, TemporaryPostgres, django_setup, record, table

PACKAGES = ("django", "aiosmtpd", "markdown-it-py", "psycopg")


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


def _senders(bulletin: int, how_many: int) -> list[subprocess.Popen[bytes]]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k.startswith(("CHORUS_", "EMAIL_", "DJANGO_", "DATABASE_", "ALLOWED_"))
    }
    return [
        subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), env=env, bulletin=bulletin)])
        for _ in range(how_many)
    ]


RUNS = (
    ("clean send, one sender", 1, ""),
    ("clean send, two senders", 2, ""),
    ("worker killed, then resumed", 1, "kill"),
    ("database restarted mid-send, two senders", 2, "restart"),
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5,000 subscribers instead of 100,000")
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="A scratch SQLite file instead of PostgreSQL.")
    args = parser.parse_args()
    count = 5_000 if args.quick else args.subscribers
    postgres = None
    if not args.sqlite:
        try:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                postgres = TemporaryPostgres(port=probe.getsockname()[1])
        except RuntimeError as error:
            print(f"({error} Running on SQLite, without the two-sender and restart runs.)")
    with tempfile.TemporaryDirectory() as scratch_name:
        if postgres is None:
            rows = _runs(Path(scratch_name), count, None, None)
        else:
            with postgres as url:
                rows = _runs(Path(scratch_name), count, url, postgres)
    _report(rows, count, "PostgreSQL" if postgres else "SQLite")


def _runs(scratch: Path, count: int, url: str | None, postgres: TemporaryPostgres | None) -> list[list[str]]:
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["CHORUS_BULLETIN_RATE"] = "0"
    rows: list[list[str]] = []
    migrated = False
    for attempt, senders, fault in RUNS:
        if postgres is None and (senders > 1 or fault == "restart"):
            continue
        with Sink(scratch) as sink:
            os.environ["EMAIL_PORT"] = str(sink.port)
            if not migrated:
                django_setup(scratch, url)
                from django.core.management import call_command

                call_command("migrate", verbosity=0)
                migrated = True
            rows.append(_run(attempt, senders, fault, count, sink, postgres))
            print(rows[-1], flush=True)
    return rows


def _run(
    attempt: str, senders: int, fault: str, count: int, sink: Sink, postgres: TemporaryPostgres | None
) -> list[str]:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from chorus.accounts.models import Role, User
    from chorus.bulletins import services
    from chorus.bulletins.models import Bulletin, Delivery, Subscriber

    settings.EMAIL_PORT = sink.port
    settings.CHORUS_BULLETIN_STALE_SECONDS = 600
    officer, _ = User.objects.get_or_create(
        email="bench@example.gov.uk", defaults={"full_name": "Bench", "role": Role.ENGAGEMENT_OFFICER}
    )
    if not Subscriber.objects.exists():
        now = timezone.now()
        Subscriber.objects.bulk_create(
            [
                Subscriber(email=f"s{i:06d}@example.org", status=Subscriber.Status.ACTIVE, consented_at=now)
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
    services.bulletin_send(bulletin=bulletin, actor=officer)  # writes deliveries (tasks queued, not run)
    prepared = time.perf_counter()

    def sent() -> int:
        return Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.SENT).count()

    fault_after = ""
    if senders == 1 and not fault:
        services.bulletin_deliver.call(bulletin_id=bulletin.pk)
    else:
        children = _senders(bulletin.pk, senders)
        if fault:
            while sent() < max(1, count // 3) and any(c.poll() is None for c in children):
                time.sleep(0.2)
            fault_after = f"{sent():,} sent"
            if fault == "kill":
                for child in children:
                    child.send_signal(signal.SIGKILL)
            elif postgres is not None:
                postgres.restart()
                connection.close()
        for child in children:
            child.wait()
        if fault:
            # The minute job, once the claims are old enough to be sure their sender has gone.
            settings.CHORUS_BULLETIN_STALE_SECONDS = 0
            services.bulletins_resume()
            services.bulletin_deliver.call(bulletin_id=bulletin.pk)
    done = time.perf_counter()
    received = sink.counts()
    mine = {f"s{i:06d}@example.org" for i in range(count)}
    statuses = Counter(Delivery.objects.filter(bulletin=bulletin).values_list("status", flat=True))
    unknown = set(
        Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.UNKNOWN).values_list(
            "subscriber__email", flat=True
        )
    )
    bulletin.refresh_from_db()
    twice = sum(1 for address, n in received.items() if n > 1 and address in mine)
    missing = len(mine - set(received))
    unreported = len(mine - set(received) - unknown)
    return [
        attempt,
        f"{count:,}",
        f"{sum(received.values()):,}",
        f"{twice:,}",
        f"{missing:,}",
        f"{statuses.get('unknown', 0):,}",
        f"{unreported:,}",
        fault_after or "-",
        f"{prepared - started:.1f}",
        f"{done - prepared:.1f}",
        f"{statuses.get('sent', 0) / (done - prepared):,.0f}",
        bulletin.get_status_display(),
    ]


def _report(rows: list[list[str]], count: int, database: str) -> None:
    headers = [
        "run",
        "subscribers",
        "messages received",
        "got two",
        "got none",
        "marked unknown",
        "got none, not reported",
        "fault after",
        "prepare s",
        "send s",
        "messages/s",
        "bulletin",
    ]
    text = table(headers, rows)
    print(text)
    by_run = {row[0]: row for row in rows}
    clean = by_run["clean send, one sender"]
    two = by_run.get("clean send, two senders")
    killed = by_run["worker killed, then resumed"]
    restart = by_run.get("database restarted mid-send, two senders")
    notes = (
        f"On {database}. 'got none' in the fault runs should equal the deliveries the stopped senders had "
        "claimed but not confirmed: Chorus marks them unknown for staff to check instead of risking a "
        "second copy; 'got none, not reported' counts subscribers with neither a message nor an unknown "
        "delivery (goal 0)."
    )

    def number(row: list[str] | None, column: int) -> str:
        return row[column].replace(",", "") if row else "nan"

    result_line = (
        f"RESULT subscribers={count} messages_per_s={number(clean, 10)} "
        f"messages_per_s_two_senders={number(two, 10)} "
        f"clean_exactly_once={clean[3] == '0' and clean[4] == '0'} restart_duplicates={number(killed, 3)} "
        f"restart_unknown={number(killed, 5)} db_restart_duplicates={number(restart, 3)} "
        f"db_restart_unreported={number(restart, 6)}"
    )
    record("Bulletin sending through SMTP", PACKAGES, text, notes, result=result_line)
    print(result_line)


if __name__ == "__main__":
    main()
