"""Event registration under load: 2,000 people register for a 500-place event at once.

Starts PostgreSQL (Debian's packages, on loopback), then concurrent clients (Django's test
client, one per thread, each on its own database connection) walk the public journey for
each person: their details, check your answers, register. One person in ten clicks
"Register" twice and one in twenty registers again from another browser, as people do.
Then a fifth of the people with places cancel at once (their places go to the first
people waiting), those offers lapse (the job offers them to the next), and half of those
accept at once while more cancel.

Checked at the end, from the database:
- places held never exceed the capacity (``over_capacity``);
- nobody holds two live registrations, and every double or repeated submit registered
  once (``duplicates``);
- the places offered went to the people first in the waiting list, in order, and none is
  held by someone whose offer lapsed (``waitlist_errors``).
It reports registrations per second and the p50/p95 latency of the "Register" request.

    python benchmarks/registration.py            # 2,000 people, 500 places, 16 clients
    python benchmarks/registration.py --quick    # 300 people, 75 places, 8 clients (under a minute)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from _common import TemporaryPostgres, django_setup, percentile, record, table

PACKAGES = ("django", "psycopg")


def _in_threads(clients: int, items: list[int], work: Callable[[int], None]) -> list[str]:
    """Run ``work`` over ``items`` in ``clients`` threads; return the errors, as text."""
    from django.db import connection

    lock = threading.Lock()
    queue = list(reversed(items))
    errors: list[str] = []

    def run() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    item = queue.pop()
                try:
                    work(item)
                except Exception as error:
                    with lock:
                        errors.append(f"{item}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--people", type=int)
    parser.add_argument("--places", type=int)
    parser.add_argument("--clients", type=int)
    args = parser.parse_args()
    people = args.people or (300 if args.quick else 2000)
    places = args.places or (75 if args.quick else 500)
    clients = args.clients or (8 if args.quick else 16)

    with TemporaryPostgres(port=54336) as url:
        django_setup(Path(tempfile.mkdtemp(prefix="chorus-bench-registration-")), url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        return _run(people, places, clients, args.quick)


def _run(people: int, places: int, clients: int, quick: bool) -> int:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from chorus.engagement.models import Activity
    from chorus.events import services
    from chorus.events.models import Registration, RegistrationSettings

    activity = Activity.objects.create(
        kind="event", title="Annual forum", starts_at=timezone.now() + timedelta(days=30), is_public=True
    )
    settings_ = RegistrationSettings.objects.create(
        activity=activity, capacity=places, mode="in_person", offer_hours=48
    )
    details = reverse("events:register_details", kwargs={"code": activity.code})
    check = reverse("events:register_check", kwargs={"code": activity.code})
    latencies: list[float] = []
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def register(i: int) -> None:
        # Each person from their own address, as the per-address limit expects.
        address = f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}"
        client = Client(REMOTE_ADDR=address)
        email = f"person{i}@example.org"
        response = client.post(details, {"name": f"Person {i}", "email": email, "agree": "on"})
        if response.status_code != 302:
            raise RuntimeError(f"details: {response.status_code}")
        page = client.get(check).content.decode()
        found = re.search(r'name="submission" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError("check your answers has no submission token")
        started = time.perf_counter()
        response = client.post(check, {"submission": found.group(1)})
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 302:
            raise RuntimeError(f"register: {response.status_code}")
        if i % 10 == 0:  # the double click
            client.post(check, {"submission": found.group(1)})
        if i % 20 == 0:  # again, from another browser
            other = Client(REMOTE_ADDR=address)
            other.post(details, {"name": f"Person {i}", "email": email.upper(), "agree": "on"})
            page = other.get(check).content.decode()
            again = re.search(r'name="submission" value="([^"]+)"', page)
            if again:
                other.post(check, {"submission": again.group(1)})
        with lock:
            latencies.append(took)
            outcomes[i] = "ok"

    started = time.perf_counter()
    errors = _in_threads(clients, list(range(people)), register)
    register_seconds = time.perf_counter() - started

    def holding() -> int:
        return Registration.objects.filter(activity=activity, status__in=Registration.HOLDING).count()

    over_capacity = 0
    waitlist_errors = 0
    over_capacity = max(over_capacity, holding() - places)
    waiting_order = list(
        Registration.objects.filter(activity=activity, status=Registration.Status.WAITING)
        .order_by("queued_at", "id")
        .values_list("pk", flat=True)
    )

    # A fifth of the places are given up at once (100 of 500; 15 of 75 when quick).
    cancels = max(places // 5, 1)
    confirmed = list(
        Registration.objects.filter(activity=activity, status=Registration.Status.CONFIRMED).values_list(
            "pk", flat=True
        )[:cancels]
    )
    errors += _in_threads(
        clients,
        confirmed,
        lambda pk: services.registration_cancel(registration=Registration.objects.get(pk=pk)),
    )
    over_capacity = max(over_capacity, holding() - places)
    offered = set(
        Registration.objects.filter(activity=activity, status=Registration.Status.OFFERED).values_list(
            "pk", flat=True
        )
    )
    expected = set(waiting_order[: len(confirmed)])
    waitlist_errors += len(offered ^ expected)

    # Those offers lapse; the job offers the places to the next people waiting.
    later = timezone.now() + timedelta(hours=49)
    services.offers_lapse(now=later)
    offered_next = set(
        Registration.objects.filter(activity=activity, status=Registration.Status.OFFERED).values_list(
            "pk", flat=True
        )
    )
    expected_next = set(waiting_order[len(confirmed) : 2 * len(confirmed)])
    waitlist_errors += len(offered_next ^ expected_next)
    waitlist_errors += Registration.objects.filter(
        pk__in=expected, status__in=Registration.HOLDING
    ).count()  # lapsed offers hold nothing
    over_capacity = max(over_capacity, holding() - places)

    # Half accept while as many others with places cancel, all at once.
    accepting = sorted(offered_next)[: len(offered_next) // 2]
    leaving = list(
        Registration.objects.filter(activity=activity, status=Registration.Status.CONFIRMED)
        .exclude(pk__in=accepting)
        .values_list("pk", flat=True)[: len(accepting)]
    )
    work = [(pk, "accept") for pk in accepting] + [(pk, "cancel") for pk in leaving]

    def act(n: int) -> None:
        pk, what = work[n]
        registration = Registration.objects.get(pk=pk)
        if what == "accept":
            services.registration_accept_offer(registration=registration, now=later)
        else:
            services.registration_cancel(registration=registration)

    errors += _in_threads(clients, list(range(len(work))), act)
    over_capacity = max(over_capacity, holding() - places)
    waitlist_errors += sum(
        1 for pk in accepting if Registration.objects.get(pk=pk).status != Registration.Status.CONFIRMED
    )

    live = Registration.objects.filter(activity=activity, status__in=Registration.ACTIVE)
    duplicates = sum(
        n - 1
        for n in live.values("email_normalised").annotate(n=Count("id")).values_list("n", flat=True)
        if n > 1
    )
    duplicates += max(Registration.objects.filter(activity=activity).count() - people, 0)
    registered = Registration.objects.filter(activity=activity).count()
    counts = services.registration_counts(RegistrationSettings.objects.get(pk=settings_.pk))
    p50 = percentile(latencies, 0.5) if latencies else 0.0
    p95 = percentile(latencies, 0.95) if latencies else 0.0
    rate = len(latencies) / register_seconds if register_seconds else 0.0

    rows = [
        ["people registering", people],
        ["places", places],
        ["concurrent clients", clients],
        ["registrations stored", registered],
        ["registrations per second", f"{rate:.1f}"],
        ["Register request p50 (ms)", f"{p50:.0f}"],
        ["Register request p95 (ms)", f"{p95:.0f}"],
        ["places held at the end", counts.taken],
        ["on the waiting list at the end", counts.waiting],
        ["cancelled or lapsed", counts.cancelled],
        ["places over capacity (at any check)", over_capacity],
        ["registered twice", duplicates],
        ["waiting-list errors", waitlist_errors],
        ["errors", len(errors)],
    ]
    text = table(["measure", "value"], rows)
    print(text)
    for error in errors[:10]:
        print("error:", error, file=sys.stderr)
    result = (
        f"RESULT registered={registered} over_capacity={over_capacity} duplicates={duplicates} "
        f"waitlist_errors={waitlist_errors + len(errors)} p95_ms={p95:.0f}"
    )
    notes = (
        "Django's test client in threads against PostgreSQL (no web server), so latency is the "
        "application's and the database's. Every tenth person sends "
        "Register twice and every twentieth registers again from another browser; the first "
        "cancellations free places offered to the first people waiting, those offers lapse and go "
        "to the next, and half of those accept while as many others cancel."
        + (" Quick run." if quick else "")
    )
    record("Event registration under concurrent load", PACKAGES, text, notes=notes, result=result)
    print(result)
    return 0 if over_capacity == duplicates == waitlist_errors == len(errors) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
