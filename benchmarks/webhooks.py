"""Webhooks when the receiver is down for a while: is any event lost, is any repeat unmarked?

Starts a receiver (``http.server`` in a thread) on loopback that is first not there at all
(connections refused), then answers 503 without keeping anything, then keeps what it gets
but still answers 503 (so Chorus sends those events again: repeats), and then comes up.
Meanwhile N events (help requests) go through the real path: ``core.hooks.event_happened``
after each commit, the webhooks receiver, a delivery per event, the delivery task (run at
once, in this process) and, for retries, the every-minute job's function run in a loop.
The retry waits are shortened for the benchmark (first 0.05 s, at most 0.5 s) instead of
1 minute doubling to an hour; the path is otherwise the production one, on SQLite.

Counted from what the receiver got:
- ``delivered``: distinct event ids received;
- ``lost``: events fired that never arrived;
- ``duplicates_without_id``: repeats a receiver could not tell from new events, that is an
  event that arrived under more than one id or with no id at all (must be 0).

    python benchmarks/webhooks.py            # 2,000 events, receiver down 10 s
    python benchmarks/webhooks.py --quick    # 200 events, receiver down 3 s
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from _common import django_setup, record, table

PACKAGES = ("django",)


class Receiver:
    """Down (refusing connections), then failing (503, keeps nothing), then flaky (keeps what
    it gets but answers 503, so Chorus sends it again), then up. The benchmark moves it on."""

    def __init__(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.phase = "refusing"
        self.lock = threading.Lock()
        self.got: list[tuple[str | None, dict[str, Any]]] = []
        self.posts = 0
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def listen(self) -> None:
        self.phase = "failing"
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    phase = receiver.phase
                    receiver.posts += 1
                    if phase != "failing":
                        receiver.got.append((self.headers.get("Chorus-Webhook-Id"), json.loads(body)))
                self.send_response(200 if phase == "up" else 503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int)
    args = parser.parse_args()
    events = args.events or (200 if args.quick else 2000)
    down = 3.0 if args.quick else 10.0

    import os

    os.environ["CHORUS_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    django_setup(Path(tempfile.mkdtemp(prefix="chorus-bench-webhooks-")))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    settings.CHORUS_WEBHOOK_RETRY_FIRST_SECONDS = 0.05
    settings.CHORUS_WEBHOOK_RETRY_LONGEST_SECONDS = 0.5
    settings.CHORUS_WEBHOOK_TIMEOUT_SECONDS = 5
    settings.CHORUS_WEBHOOK_ALLOW_LOOPBACK = True

    from chorus.accounts.models import User
    from chorus.consultations.models import Consultation, HelpRequest
    from chorus.core.hooks import event_happened
    from chorus.webhooks.models import Delivery
    from chorus.webhooks.services import deliveries_due_send, endpoint_create

    admin = User.objects.create_user(email="bench-admin@example.org", password="x" * 20, full_name="Bench")
    receiver = Receiver()
    endpoint_create(
        actor=admin, request=None, name="Receiver", url=receiver.url, events=["help_requested"], format="json"
    )
    from django.utils import timezone

    consultation = Consultation.objects.create(
        title="Bench consultation",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=30),
    )

    began = time.monotonic()
    fired: list[str] = []
    # While the receiver is not there at all, every event is fired: each first try is refused.
    for number in range(events):
        with transaction.atomic():
            asked = HelpRequest.objects.create(
                consultation=consultation, name=f"Person {number}", way="phone"
            )
            event_happened("help_requested", asked)
        fired.append(str(asked.code))
    fired_in = time.monotonic() - began

    # Then the every-minute job's work, in a loop, while the receiver comes back in stages.
    phases = [("refusing", down / 3), ("failing", down / 3), ("flaky", down / 3)]
    phase_began = time.monotonic()
    deadline = time.monotonic() + (120 if args.quick else 600)
    rounds = 0
    while time.monotonic() < deadline:
        if phases and time.monotonic() - phase_began >= phases[0][1]:
            phases.pop(0)
            phase_began = time.monotonic()
            if not phases:
                receiver.phase = "up"
            elif phases[0][0] == "failing":
                receiver.listen()
            else:
                receiver.phase = phases[0][0]
        if not phases and not Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
            break
        deliveries_due_send()
        rounds += 1
        time.sleep(0.05)
    took = time.monotonic() - began
    receiver.stop()

    ids_by_event: dict[str, set[str | None]] = defaultdict(set)
    for event_id, body in receiver.got:
        ids_by_event[body["data"]["help_request"]["code"]].add(event_id)
    received_ids = {event_id for event_id, _ in receiver.got if event_id}
    lost = sum(1 for code in fired if code not in ids_by_event)
    duplicates_without_id = sum(
        len(ids) - 1 + (1 if None in ids else 0)
        for ids in ids_by_event.values()
        if len(ids) > 1 or None in ids
    )
    repeats = len(receiver.got) - len(received_ids)
    statuses = {s: Delivery.objects.filter(status=s).count() for s in Delivery.Status.values}
    attempts = sum(Delivery.objects.values_list("attempts", flat=True))

    rows = [
        ["events fired", events],
        ["receiver down after the events (refusing, 503, keeping but 503)", f"{down:.0f} s"],
        ["POSTs the receiver answered", receiver.posts],
        ["tries Chorus made", attempts],
        ["events received (distinct ids)", len(received_ids)],
        ["repeats received (same id)", repeats],
        [
            "deliveries delivered / pending / failed",
            f"{statuses['delivered']} / {statuses['pending']} / {statuses['failed']}",
        ],
        ["lost", lost],
        ["duplicates without id", duplicates_without_id],
        ["seconds until all delivered", f"{took:.1f}"],
        ["job rounds", rounds],
    ]
    text = table(["measure", "value"], rows)
    print(text)
    result = (
        f"RESULT events={events} delivered={len(received_ids)} lost={lost} "
        f"duplicates_without_id={duplicates_without_id}"
    )
    record(
        "Webhooks with the receiver down",
        PACKAGES,
        text,
        notes=(
            f"Events fired over {fired_in:.1f} s while the receiver refused connections, then it stayed "
            f"down {down:.0f} s more; retry waits shortened to "
            "0.05 s doubling to 0.5 s (production: 1 minute doubling to an hour, for a day)."
        ),
        result=result,
    )
    print(result)
    return 0 if lost == 0 and duplicates_without_id == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
