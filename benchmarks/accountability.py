"""Accountability at scale: a "you said, we did" share-back to 50,000 people, the board
pack and a consultation's defensible record, on SQLite and on PostgreSQL.

Each database runs in its own process (Django is set up once per process) on scratch
data made here:

- a project with two activities and a consultation, and its published "you said, we did"
  record; of 50,000 addresses to tell, each once, 30,000 people came (a fifth to both
  activities), 15,000 only responded and asked to be told what changed, 5,000 only
  subscribe to the record's topic; 5,000 who came also asked and 2,000 also subscribe;
  besides them 600 came but unsubscribed, 400 asked from an address that bounced, and
  5,000 responded without asking (none of those may be emailed);
- the share-back sent through a local SMTP sink (aiosmtpd) that counts every message per
  address: missing (an address to tell that got nothing), duplicated (an address that got
  two), wrongly sent (an address that should not have got one);
- then 200 more people come to an activity and the record is shared back again: only
  they may be emailed;
- the board pack for the quarter (built, then as PDF and DOCX) and the consultation's
  record (built, then as PDF and ZIP), timed, and the board pack page fetched 20 times by a
  signed-in administrator (p95).

    python benchmarks/accountability.py [--quick] [--people 50000] [--sqlite-only | --postgres-only] [--demo large]

``--demo SCALE`` first builds ``chorus demo --scale SCALE`` in each database (large: 100,000
people and 1,000,000 responses), so the board pack covers the demo's quarter as well and
the record is of the demo consultation with the most responses.

``--quick`` tells 2,000 people on SQLite only. Goals (issue #24): pack and record under
5 s each, the pack page's p95 under 1 s, none missing or sent twice.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from _common import ROOT, TemporaryPostgres, django_setup, percentile, record, table
from bulletin_send import Sink

PACKAGES = ("django", "aiosmtpd", "psycopg", "fpdf2", "python-docx")


def _seed(people: int) -> dict[str, Any]:
    """The record, its team's administrator, and the addresses that must be told."""
    from django.utils import timezone

    from chorus.accounts.models import User
    from chorus.bulletins.models import AddressEvent, Subscriber
    from chorus.consultations.linking import responses_link
    from chorus.consultations.models import Consultation, Response
    from chorus.core.roles import Role
    from chorus.directory.models import ContactPoint, Person, Topic
    from chorus.engagement.models import Activity, Attendance, ImpactRecord, Project

    now = timezone.now()
    # To tell: 60% came, 30% only responded (asking to be told), 10% only subscribe; besides
    # them, a sixth of those who came also responded and some subscribe, and 1.2% came but
    # unsubscribed and 0.8% responded from an address that bounced (told: nobody of those).
    came_told = people * 6 // 10
    left_came = max(1, people * 12 // 1000)
    came = came_told + left_came
    overlap_asked = people // 10
    bounced_n = max(1, people * 8 // 1000)
    asked = overlap_asked + people * 3 // 10 + bounced_n
    overlap_subscribed = people * 4 // 100
    subscribed = overlap_subscribed + (people - came_told - people * 3 // 10)
    # An engagement officer in no team sees every record that is not restricted to a team.
    admin = User.objects.create_user(
        email="bench.officer@example.gov.uk",
        password="bench-password-2026",  # noqa: S106  (a scratch database, thrown away)
        full_name="Bench",
        role=Role.ENGAGEMENT_OFFICER,
    )
    topic = Topic.objects.create(name_en="Courts", name_cy="Llysoedd")
    project = Project.objects.create(name="Court fees review")
    first = Activity.objects.create(kind="meeting", title="Forum", starts_at=now - timedelta(days=40))
    second = Activity.objects.create(kind="meeting", title="Drop-in", starts_at=now - timedelta(days=30))
    consultation = Consultation.objects.create(
        title="Changes to court fees",
        summary="What we propose.",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=5),
        is_published=True,
        project=project,
    )
    impact = ImpactRecord.objects.create(
        project=project,
        you_said="The fees page was hard to understand",
        you_said_cy="Roedd tudalen y ffioedd yn anodd ei deall",
        we_did="We rewrote it in plain English and Welsh",
        we_did_cy="Fe wnaethon ni ei hailysgrifennu mewn Cymraeg a Saesneg clir",
        decided_on=timezone.localdate(),
        is_published=True,
        published_at=now,
    )
    first.projects.add(project)
    second.projects.add(project)
    impact.activities.set([first, second])
    impact.consultations.set([consultation])

    def address(kind: str, n: int) -> str:
        return f"{kind}{n:06d}@example.org"

    persons = Person.objects.bulk_create(
        [
            Person(first_name="Sam", last_name=f"Came {n}", preferred_language="cy" if n % 10 == 0 else "en")
            for n in range(came)
        ],
        batch_size=5000,
    )
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(
                person=p,
                kind="email",
                value=address("came", n),
                normalised=address("came", n),
                is_primary=True,
            )
            for n, p in enumerate(persons)
        ],
        batch_size=5000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(activity=first if n % 2 else second, person=p, attended=True)
            for n, p in enumerate(persons)
        ]
        + [
            Attendance(activity=first if n % 2 == 0 else second, person=p, attended=True)
            for n, p in enumerate(persons)
            if n % 5 == 0
        ],
        batch_size=5000,
    )
    responses = [
        Response(
            consultation=consultation,
            reference=f"A{n:07d}",
            email=address("came", n) if n < overlap_asked else address("asked", n),
            may_contact=True,
            language="cy" if n % 12 == 0 else "en",
            submitted_at=now - timedelta(days=20),
        )
        for n in range(asked)
    ] + [
        Response(
            consultation=consultation,
            reference=f"N{n:07d}",
            email=address("quiet", n),
            submitted_at=now - timedelta(days=20),
        )
        for n in range(people // 10)
    ]
    Response.objects.bulk_create(responses, batch_size=5000)
    # As the response journey does when it stores one: who in the directory each is from.
    responses_link(Response.objects.filter(consultation=consultation))
    subscribers = Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=address("came", n) if n < overlap_subscribed else address("sub", n),
                status=Subscriber.Status.ACTIVE,
                consented_at=now,
            )
            for n in range(subscribed)
        ],
        batch_size=5000,
    )
    Subscriber.topics.through.objects.bulk_create(
        [Subscriber.topics.through(subscriber_id=s.pk, topic_id=topic.pk) for s in subscribers],
        batch_size=5000,
    )
    # People who must not be emailed: they came, then unsubscribed, or their address bounced.
    unsubscribed = [address("came", n) for n in range(came_told, came)]
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=e, status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=now)
            for e in unsubscribed
        ]
    )
    bounced = [address("asked", n) for n in range(asked - bounced_n, asked)]
    AddressEvent.objects.bulk_create([AddressEvent(email=e, kind="bounce") for e in bounced])
    # Subscribers who chose no topic asked for everything, so are owed the share-back too
    # (the large demo has about 45,000 of them; the scratch data alone has none).
    everything = set(
        Subscriber.objects.filter(status=Subscriber.Status.ACTIVE, topics__isnull=True).values_list(
            "email", flat=True
        )
    )
    expected = (
        (
            {address("came", n) for n in range(came)}
            | {r.email for r in responses if r.may_contact}
            | {s.email for s in subscribers}
            | everything
        )
        - set(unsubscribed)
        - set(bounced)
    )
    return {
        "admin": admin,
        "impact": impact,
        "topic": topic,
        "consultation": consultation,
        "activity": first,
        "expected": expected,
        "excluded": set(unsubscribed) | set(bounced) | {r.email for r in responses if not r.may_contact},
    }


def _share(seed: dict[str, Any], sink: Sink) -> dict[str, Any]:
    from chorus.bulletins.services import bulletin_deliver
    from chorus.bulletins.services.shareback import shareback_prepare
    from chorus.directory.models import ContactPoint, Person
    from chorus.engagement.models import Attendance

    started = time.perf_counter()
    bulletin = shareback_prepare(seed["impact"], topics=[seed["topic"].pk], actor=seed["admin"])
    prepared = time.perf_counter()
    bulletin_deliver.call(bulletin_id=bulletin.pk)
    sent = time.perf_counter()
    # 200 more people come; a second share-back must email them and nobody else.
    newcomers = Person.objects.bulk_create(
        [Person(first_name="New", last_name=f"Comer {n}") for n in range(200)]
    )
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(
                person=p,
                kind="email",
                value=f"new{n:04d}@example.org",
                normalised=f"new{n:04d}@example.org",
                is_primary=True,
            )
            for n, p in enumerate(newcomers)
        ]
    )
    Attendance.objects.bulk_create(
        [Attendance(activity=seed["activity"], person=p, attended=True) for p in newcomers]
    )
    again = shareback_prepare(seed["impact"], topics=[seed["topic"].pk], actor=seed["admin"])
    bulletin_deliver.call(bulletin_id=again.pk)
    received = sink.counts()
    expected = seed["expected"] | {f"new{n:04d}@example.org" for n in range(200)}
    return {
        "to_tell": len(expected),
        "received": sum(received.values()),
        "missing": len(expected - set(received)),
        "duplicated": sum(1 for a, n in received.items() if n > 1),
        "wrongly_sent": len(set(received) & seed["excluded"]),
        "second_send": again.deliveries.count(),
        "prepare_s": prepared - started,
        "send_s": sent - prepared,
    }


def _reports(seed: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from chorus.consultations.models import Consultation
    from chorus.engagement.report import quarter_of
    from chorus.insights.board_pack import board_pack
    from chorus.insights.board_pack_docx import board_pack_docx_bytes
    from chorus.insights.board_pack_pdf import board_pack_pdf_bytes
    from chorus.insights.consultation_record import consultation_record as record_assemble
    from chorus.insights.record_pdf import record_pdf_bytes, record_zip_bytes

    admin = seed["admin"]
    # Two periods: this quarter, which holds the scratch data, and the last full quarter,
    # the period the pack's page opens on. Each build and the page's p95 are over both.
    this_quarter = quarter_of(timezone.localdate())
    last_quarter = quarter_of(this_quarter[0] - timedelta(days=1))
    # The record of the consultation with the most responses: the demo's largest where the
    # demo was built first, else the scratch one.
    largest = Consultation.objects.annotate(n=Count("responses")).order_by("-n", "id").first()
    consultation = largest if largest is not None else seed["consultation"]
    pack_times = []
    build_times = []
    for start, end in (this_quarter, last_quarter):
        began = time.perf_counter()
        pack = board_pack(admin, start, end)
        built = time.perf_counter()
        pdf = board_pack_pdf_bytes(pack)
        docx = board_pack_docx_bytes(pack)
        pack_times.append(time.perf_counter() - began)
        build_times.append(built - began)
    pack_done = time.perf_counter()
    record_ = record_assemble(consultation, admin)
    record_built = time.perf_counter()
    record_pdf = record_pdf_bytes(record_)
    record_zip = record_zip_bytes(record_)
    record_done = time.perf_counter()
    client = Client()
    client.force_login(admin)
    url = reverse("insights:board_pack")
    this_query = {"start": this_quarter[0].isoformat(), "end": this_quarter[1].isoformat()}
    times = []
    status = 0
    for n in range(20):
        t0 = time.perf_counter()
        # Alternately the page as it opens (the last full quarter) and this quarter.
        status = max(status, client.get(url, this_query if n % 2 else {}).status_code)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "pack_s": max(pack_times),
        "pack_build_s": max(build_times),
        "record_s": record_done - pack_done,
        "record_build_s": record_built - pack_done,
        "pack_pdf_kb": len(pdf) // 1024,
        "pack_docx_kb": len(docx) // 1024,
        "record_pdf_kb": len(record_pdf) // 1024,
        "record_zip_kb": len(record_zip) // 1024,
        "pack_page_p95_ms": percentile(times, 0.95),
        "pack_page_status": status,
        "record_responses": consultation.responses.count(),
    }


def child(database: str, people: int, demo: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        postgres = None
        if database == "postgres":
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                postgres = TemporaryPostgres(port=probe.getsockname()[1])
        os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        os.environ["EMAIL_HOST"] = "127.0.0.1"
        os.environ["CHORUS_BULLETIN_RATE"] = "0"
        with Sink(scratch) as sink:
            os.environ["EMAIL_PORT"] = str(sink.port)
            if postgres is not None:
                url = postgres.__enter__()
            try:
                django_setup(scratch, url if postgres is not None else None)
                from django.core.management import call_command

                call_command("migrate", verbosity=0)
                call_command("collectstatic", interactive=False, verbosity=0)
                demo_s = 0.0
                if demo:
                    t0 = time.perf_counter()
                    call_command("demo", scale=demo, allow_production=True, verbosity=0)
                    demo_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                seed = _seed(people)
                seeded = time.perf_counter() - t0
                out = {"database": database, "people": people, "seed_s": seeded, "demo_s": demo_s}
                out |= _reports(seed)
                out |= _share(seed, sink)
            finally:
                if postgres is not None:
                    postgres.__exit__(None, None, None)
    print("CHILD " + json.dumps(out), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2,000 people, SQLite only")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--postgres-only", action="store_true", help="one database at a time, where both take long"
    )
    parser.add_argument(
        "--demo", choices=["small", "medium", "large"], help="build this demo scale first, in each database"
    )
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    people = 2_000 if args.quick else args.people
    if args.child:
        child(args.child, people, args.demo)
        return
    databases = ["sqlite"] if args.quick or args.sqlite_only else ["sqlite", "postgres"]
    if args.postgres_only and not args.quick:
        databases = ["postgres"]
    if "postgres" in databases and not sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        print("(PostgreSQL is not installed: SQLite only.)")
        databases = ["sqlite"]
    results = []
    for database in databases:
        run = subprocess.run(
            [sys.executable, __file__, "--child", database, "--people", str(people)]
            + (["--demo", args.demo] if args.demo else []),
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        line = next((x for x in run.stdout.splitlines() if x.startswith("CHILD ")), None)
        if line is None:
            print(run.stdout[-3000:], run.stderr[-5000:], sep="\n")
            raise SystemExit(f"The {database} run failed.")
        results.append(json.loads(line[6:]))
    rows = [
        [
            r["database"],
            f"{r['to_tell']:,}",
            f"{r['received']:,}",
            r["missing"],
            r["duplicated"],
            r["wrongly_sent"],
            r["second_send"],
            f"{r['prepare_s']:.1f}",
            f"{r['send_s']:.1f}",
            f"{r['pack_s']:.2f}",
            f"{r['record_s']:.2f} ({r['record_responses']:,} responses)",
            f"{r['pack_page_p95_ms']:.0f}",
        ]
        for r in results
    ]
    text = table(
        [
            "database",
            "to tell",
            "emails received",
            "missing",
            "sent twice",
            "sent to someone left out",
            "second share-back (200 new)",
            "prepare s",
            "send s",
            "board pack s (build, PDF, DOCX)",
            "record s (build, PDF, ZIP)",
            "pack page p95 ms",
        ],
        rows,
    )
    print(text)
    result = {
        "pack_s": max(r["pack_s"] for r in results),
        "record_s": max(r["record_s"] for r in results),
        "pack_page_p95_ms": max(r["pack_page_p95_ms"] for r in results),
        "shareback_missing": sum(r["missing"] for r in results),
        "shareback_duplicated": sum(r["duplicated"] for r in results),
    }
    line = (
        f"RESULT pack_s={result['pack_s']:.2f} record_s={result['record_s']:.2f} "
        f"pack_page_p95_ms={result['pack_page_p95_ms']:.0f} shareback_missing={result['shareback_missing']} "
        f"shareback_duplicated={result['shareback_duplicated']}"
    )
    notes = (
        f"Scratch data per database: {people:,} people to tell in one share-back (attendees of two activities, "
        "respondents who asked to be told, subscribers to the record's topic, overlapping), with people who "
        "unsubscribed, bounced or did not ask left out; then 200 newcomers and a second share-back. Emails go "
        "through Django's SMTP backend to a local aiosmtpd sink that counts each address. The board pack is built "
        "for this quarter and for the last full quarter (the period its page opens on), and the page is opened "
        "for each in turn; the slower is reported. The record is of the consultation with the most responses. "
        + (
            f"The {args.demo} demo was built first in each database (chorus demo --scale {args.demo}), so the pack "
            "and record cover it as well as the scratch data. "
            if args.demo
            else "Both are built on the scratch data alone (no demo). "
        )
        + "Figures are the larger of the two databases."
    )
    record("Accountability at scale", PACKAGES, text, notes, result=line)
    print(line)


if __name__ == "__main__":
    main()
