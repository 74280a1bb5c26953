"""Cases at scale (#27): the cases list, a case page and the cases dashboard on three years
of cases, on SQLite and on PostgreSQL, and 1,000 emails to the case address read at once.

Each database runs in its own process (Django is set up once per process):

- ``chorus demo --scale large`` is built first (100,000 people, 10,000 demo cases), then
  200,000 more cases received over three years (most of them recently) are added in
  batches of 10,000 by the cases demo's own maker (``chorus.cases.demo.cases_add``): every
  kind, channel, category, service and place (so region), seven in ten given to a team,
  assigned, complaints at each stage with their outcomes and lessons, open ones due or
  overdue, timelines with what happened and, on a quarter of them, staff notes, and the
  satisfaction surveys of those closed;
- two engagement officers sign in (Django's test client): one in no team (who sees the
  cases given to no team) and one in two teams (who sees those too): team scoping applies
  to every page. Each page is asked for ``--requests`` times by each of them, after one
  request not counted: the cases list (first page; filtered by status and kind, by region
  and overdue, by category), a case page (a different case each time), and the dashboard
  (this quarter, as it opens; last quarter; last quarter filtered by kind, region or
  category and service). p50 and p95 per page and database; the goal is p95 under 500 ms;
- 1,000 ``.eml`` files are written to the case mailbox folder (``CHORUS_CASES_MAILBOX``):
  varied senders, three in ten from people in the directory, two in ten replies carrying
  an existing case's reference in the subject (some of those cases closed, so opened
  again), some with a small PDF or PNG, a few with a file that may not be kept, some HTML
  only, some in Welsh, a few out-of-office replies. Then ``chorus mailbox_read cases`` is
  timed until none is left, and what was stored checked: each message read once (1,000
  recorded, every file moved to done/), a case opened or added to for each one a person
  wrote, and no message stored twice.

    python benchmarks/cases.py [--quick] [--no-demo] [--cases 200000] [--emails 1000]
                               [--sqlite-only | --postgres-only] [--requests 12] [--no-record]

``--no-demo`` builds only what cases need from the demo (staff and teams, the small
directory and places) instead of the large demo. ``--quick`` is 5,000 cases and 50 emails
on SQLite only, without the demo (ends within a minute).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from io import StringIO
from pathlib import Path
from typing import Any

from _common import ROOT, TemporaryPostgres, django_setup, percentile, record, table

PACKAGES = ("django", "psycopg")
GOAL_MS = 500
BATCH = 10_000
YEARS = 3
PASSWORD = "bench-password-2026"  # noqa: S105  (a scratch database, thrown away)
# What the cases pages need from the demo when the whole demo is not built.
PREREQUISITES = ("accounts", "directory", "places")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STAFF_NOTES = [
    "Phoned the person to say we are looking into it.",
    "Asked the court manager what happened on the day.",
    "Waiting for the listing office to reply.",
    "Sent a copy of the letter to the person again.",
    "Spoke to the usher on duty: they remember the case.",
]


# Data ---------------------------------------------------------------------------------


def _prerequisites() -> None:
    """Staff and teams, the small directory and places, as ``chorus demo`` makes them."""
    from django.db import transaction

    from chorus.core.models import DemoDataset
    from chorus.core.registry import SCALES, demo_builders_in_order

    for builder in demo_builders_in_order():
        if builder.name in PREREQUISITES:
            rng = random.Random(f"2026:{builder.name}")  # as `chorus demo` seeds it
            with transaction.atomic():
                summary = builder.build(SCALES["small"], rng)
                DemoDataset.objects.create(builder=builder.name, scale="small", summary=summary)


def _staff_notes(cases: list[Any], officers: list[Any], rng: random.Random) -> int:
    """Notes staff wrote on a quarter of the cases, between receiving and closing them."""
    from django.utils import timezone

    from chorus.cases.models import CaseNote

    notes = []
    now = timezone.now()
    for case in cases:
        if rng.random() >= 0.25:
            continue
        start = timezone.make_aware(datetime.combine(case.received_on, datetime.min.time())) + timedelta(
            hours=10
        )
        end = case.closed_at or now
        for _ in range(rng.randint(1, 3)):
            span = max((end - start).total_seconds(), 60)
            notes.append(
                CaseNote(
                    case=case,
                    kind=CaseNote.Kind.NOTE,
                    text=rng.choice(STAFF_NOTES),
                    author=rng.choice(officers) if officers else None,
                    created_at=start + timedelta(seconds=rng.uniform(0, span)),
                )
            )
    CaseNote.objects.bulk_create(notes, batch_size=BATCH)
    return len(notes)


def _cases_add(total: int) -> dict[str, int]:
    """``total`` cases over three years, in batches, with the cases demo's own maker."""
    from django.db import transaction

    from chorus.accounts.models import Role, Team, User
    from chorus.cases.demo import cases_add, surveys_add

    teams = list(Team.objects.order_by("id"))
    officers = list(User.objects.filter(role=Role.ENGAGEMENT_OFFICER, is_active=True).order_by("id")[:10])
    rng = random.Random("2026:bench-cases")
    made = notes = surveys = 0
    while made < total:
        with transaction.atomic():
            saved = cases_add(min(BATCH, total - made), rng, days=YEARS * 365, teams=teams)
            surveys += surveys_add(saved, rng)
            notes += _staff_notes(saved, officers, rng)
        made += len(saved)
    return {"cases_added": made, "staff_notes": notes, "surveys": surveys}


def _officers() -> list[Any]:
    """An engagement officer in no team, and one in two teams."""
    from chorus.accounts.models import Role, Team, User

    alone = User.objects.create_user(
        "bench.alone@example.gov.uk", PASSWORD, full_name="Bench Alone", role=Role.ENGAGEMENT_OFFICER
    )
    teamed = User.objects.create_user(
        "bench.team@example.gov.uk", PASSWORD, full_name="Bench Team", role=Role.ENGAGEMENT_OFFICER
    )
    teamed.teams.set(Team.objects.order_by("name")[:2])
    return [alone, teamed]


# Pages --------------------------------------------------------------------------------


def _variants(user: Any, rng: random.Random, count: int) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """The addresses each page is asked for, as ``user``: a few filters in turn, and a
    different case (one they may see) for each case page."""
    from django.db.models import Count
    from django.urls import reverse

    from chorus.cases.models import Case
    from chorus.core.access import visible_to

    visible = visible_to(user, Case.objects.all())
    top = visible.exclude(place__region=None).values("place__region").annotate(n=Count("pk")).order_by("-n")
    region = str(top[0]["place__region"]) if top else ""
    category = str(visible.exclude(category=None).values_list("category", flat=True).first() or "")
    service = visible.exclude(service="").values_list("service", flat=True).first() or ""
    low, high = Case.objects.order_by("id").values_list("id", flat=True)[:1][0], Case.objects.latest("id").id
    picked = rng.sample(range(low, high + 1), min(high - low + 1, count * 20))
    codes = list(visible.filter(id__in=picked).values_list("code", flat=True)[: count + 1])
    listing = reverse("cases:case_list")
    dashboard = reverse("cases:case_dashboard")
    return {
        "Cases list": [(listing, {})],
        "Cases list, filtered": [
            (listing, {"status": "open", "kind": "complaint"}),
            (listing, {"region": region, "due": "overdue"}),
            (listing, {"category": category}),
        ],
        "Case page": [(reverse("cases:case_detail", kwargs={"code": code}), {}) for code in codes],
        "Dashboard (this quarter)": [(dashboard, {})],
        "Dashboard, last quarter": [(dashboard, {"period": "last_quarter"})],
        "Dashboard, filtered": [
            (dashboard, {"period": "last_quarter", "kind": "complaint"}),
            (dashboard, {"region": region}),
            (dashboard, {"period": "last_quarter", "category": category, "service": service}),
        ],
    }


def _pages(users: list[Any], requests: int) -> dict[str, dict[str, Any]]:
    from django.test import Client

    rng = random.Random("2026:bench-pages")
    times: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    for user in users:
        client = Client()
        client.force_login(user)
        for page, addresses in _variants(user, rng, requests).items():
            # One request first, not counted (templates, connections).
            for n in range(requests + 1):
                url, query = addresses[n % len(addresses)]
                started = time.perf_counter()
                response = client.get(url, query)
                took = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    errors[page] += 1
                if n:
                    times.setdefault(page, []).append(took)
    return {
        page: {
            "requests": len(values),
            "p50_ms": percentile(values, 0.5),
            "p95_ms": percentile(values, 0.95),
            "errors": errors[page],
        }
        for page, values in times.items()
    }


# Email ---------------------------------------------------------------------------------


def _emails_write(folder: Path, count: int) -> dict[str, int]:
    """``count`` emails as a mail server would leave them; what each kind should do."""
    from django.utils import timezone

    from chorus.cases.models import Case, Status
    from chorus.directory.models import ContactPoint

    rng = random.Random("2026:bench-emails")
    people = list(
        ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, person__erased_at__isnull=True)
        .order_by("id")
        .values_list("value", "person__first_name", "person__last_name")[:2000]
    )
    references = list(
        Case.objects.exclude(reference=None).order_by("-id").values_list("reference", "status")[:5000]
    )
    folder.mkdir(parents=True, exist_ok=True)
    expected: Counter[str] = Counter()
    now = timezone.now()
    for n in range(count):
        message = EmailMessage()
        roll = rng.random()
        if roll < 0.3 and people:
            address, first, last = rng.choice(people)
            message["From"] = f"{first} {last} <{address}>"
        elif roll < 0.35:
            message["From"] = f"resident{n}@example.net"  # no name
        else:
            # Some residents write more than once, about different things.
            k = rng.randint(1, max(count // 2, 1))
            message["From"] = f"Resident {k} <resident{k}@example.net>"
        message["To"] = "cases@justice.example.gov.uk"
        if rng.random() < 0.1:
            message["Cc"] = "someone.else@example.net"
        message["Message-ID"] = f"<bench-{n:06d}.{rng.randint(0, 10**9)}@mail.example.net>"
        message["Date"] = format_datetime(now - timedelta(minutes=count - n))
        automatic = rng.random() < 0.01
        reply = not automatic and references and rng.random() < 0.2
        if automatic:
            message["Subject"] = "Out of office"
            message["Auto-Submitted"] = "auto-replied"
            expected["no case"] += 1
        elif reply:
            reference, status = rng.choice(references)
            message["Subject"] = f"RE: We have your enquiry: {reference}"
            expected["added"] += 1
            expected["to closed cases"] += status == Status.CLOSED
        else:
            message["Subject"] = rng.choice(
                [
                    "Hearing date",
                    "Question about fees",
                    "Complaint about my visit",
                    "Access to the building",
                    "",
                ]
            )
            expected["opened"] += 1
        welsh = rng.random() < 0.08
        if welsh:
            message["Content-Language"] = "cy"
        text = (
            "Roeddwn i eisiau gofyn am fy ngwrandawiad.\n\nDiolch"
            if welsh
            else f"Hello,\n\nI am writing about my hearing ({n}). Could someone call me back?\n\nThanks"
        )
        if rng.random() < 0.05:
            message.set_content(f"<p>{text.replace(chr(10), '<br>')}</p><script>x()</script>", subtype="html")
        else:
            message.set_content(text)
        attach = rng.random()
        if attach < 0.1:
            message.add_attachment(PDF, maintype="application", subtype="pdf", filename="letter.pdf")
        elif attach < 0.14:
            message.add_attachment(PNG, maintype="image", subtype="png", filename="photo.png")
        elif attach < 0.16:
            message.add_attachment(
                b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="run.exe"
            )
        expected["attachments"] += attach < 0.16
        partial = folder / f"{n:06d}.tmp"
        partial.write_bytes(message.as_bytes())
        partial.rename(partial.with_suffix(".eml"))
    return dict(expected)


def _emails_read(folder: Path, count: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db.models import Count

    from chorus.cases.models import CaseEmail
    from chorus.core.models import MailboxMessage

    expected = _emails_write(folder, count)
    opening = CaseEmail.objects.filter(note=None)  # the email that opened its case
    opened_before = opening.values("case").distinct().count()
    started = time.perf_counter()
    rounds = []
    while any(folder.glob("*.eml")) and len(rounds) < 5:
        out = StringIO()
        call_command("mailbox_read", "cases", stdout=out)
        rounds.append(out.getvalue().strip())
    seconds = time.perf_counter() - started
    again = StringIO()
    call_command("mailbox_read", "cases", stdout=again)  # nothing new: each read once
    recorded = MailboxMessage.objects.filter(mailbox="cases")
    outcomes = Counter(o.split(" ")[0] for o in recorded.values_list("outcome", flat=True))
    emails = CaseEmail.objects.exclude(message_id="")
    stored_twice = (
        emails.values("message_id").annotate(n=Count("pk")).filter(n__gt=1).count()
        + recorded.values("key").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    found = {
        "emails": count,
        "emails_s": seconds,
        "rounds": rounds,
        "read_again": again.getvalue().strip(),
        "recorded": recorded.count(),
        "done_files": len(list((folder / "done").glob("*.eml"))),
        "left_files": len(list(folder.glob("*.eml"))),
        "failed_files": len(list((folder / "failed").glob("*.eml"))),
        "opened": outcomes["opened"],
        "added": outcomes["added"],
        "no_case": outcomes["no"],
        "case_emails": emails.count(),
        "opened_cases": opening.values("case").distinct().count() - opened_before,
        "stored_twice": stored_twice,
        "expected": expected,
    }
    # Each message read once and did what it should: opened a case, went on the case its
    # subject names, or (an automatic reply) nothing.
    found["as_expected"] = (
        found["recorded"] == found["done_files"] == count
        and found["left_files"] == found["failed_files"] == stored_twice == 0
        and (found["opened"], found["added"], found["no_case"])
        == (expected.get("opened", 0), expected.get("added", 0), expected.get("no case", 0))
        and found["opened_cases"] == found["opened"]
        and found["case_emails"] == found["opened"] + found["added"]
    )
    return found


# One database ------------------------------------------------------------------------------


def child(database: str, cases: int, emails: int, demo: bool, requests: int) -> None:
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        mailbox = scratch / "mailbox" / "cases"
        os.environ["CHORUS_CASES_MAILBOX"] = str(mailbox)
        os.environ["CHORUS_CASES_IMAP_HOST"] = ""
        os.environ.setdefault(
            "CHORUS_MODEL_DIR", str(Path(tempfile.gettempdir()) / "chorus-benchmark-models")
        )
        postgres = None
        url = None
        if database == "postgres":
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                postgres = TemporaryPostgres(port=probe.getsockname()[1])
            url = postgres.__enter__()
        try:
            django_setup(scratch, url)
            from django.core.management import call_command
            from django.db import connection

            from chorus.cases.models import Case, CaseNote
            from chorus.core.access import visible_to

            call_command("migrate", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            t0 = time.perf_counter()
            if demo:
                call_command("demo", scale="large", allow_production=True, verbosity=0)
            else:
                _prerequisites()
            demo_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            added = _cases_add(cases)
            add_s = time.perf_counter() - t0
            if connection.vendor == "postgresql":
                # As autovacuum would within a minute of the load; done here so runs compare.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            users = _officers()
            out: dict[str, Any] = {
                "database": database,
                "cases": Case.objects.count(),
                "notes": CaseNote.objects.count(),
                "visible": [visible_to(u, Case.objects.all()).count() for u in users],
                "demo_s": demo_s,
                "add_s": add_s,
                **added,
            }
            out["pages"] = _pages(users, requests)
            out |= _emails_read(mailbox, emails)
        finally:
            if postgres is not None:
                postgres.__exit__(None, None, None)
    print("CHILD " + json.dumps(out, default=str), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="5,000 cases and 50 emails, SQLite only, no demo"
    )
    parser.add_argument("--cases", type=int, default=200_000, help="cases to add over three years")
    parser.add_argument("--emails", type=int, default=1_000)
    parser.add_argument("--requests", type=int, help="requests per page per officer (default 12; quick 10)")
    parser.add_argument(
        "--no-demo", action="store_true", help="skip the large demo (staff, directory, places only)"
    )
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--postgres-only", action="store_true", help="one database at a time, where both take long"
    )
    parser.add_argument("--no-record", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    cases = 5_000 if args.quick else args.cases
    emails = 50 if args.quick else args.emails
    requests = args.requests or (10 if args.quick else 12)
    demo = not (args.quick or args.no_demo)
    if args.child:
        child(args.child, cases, emails, demo, requests)
        return
    databases = ["sqlite"] if args.quick or args.sqlite_only else ["sqlite", "postgres"]
    if args.postgres_only and not args.quick:
        databases = ["postgres"]
    if "postgres" in databases and not sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        print("(PostgreSQL is not installed: SQLite only.)")
        databases = ["sqlite"]
    results = []
    for database in databases:
        command = [
            sys.executable,
            __file__,
            "--child",
            database,
            "--cases",
            str(cases),
            "--emails",
            str(emails),
            "--requests",
            str(requests),
        ]
        run = subprocess.run(
            command + ([] if demo else ["--no-demo"]), capture_output=True, text=True, cwd=ROOT
        )
        line = next((x for x in run.stdout.splitlines() if x.startswith("CHILD ")), None)
        if line is None:
            print(run.stdout[-3000:], run.stderr[-5000:], sep="\n")
            raise SystemExit(f"The {database} run failed.")
        results.append(json.loads(line[6:]))
    page_rows = [
        [
            r["database"],
            page,
            f["requests"],
            f"{f['p50_ms']:.0f}",
            f"{f['p95_ms']:.0f}",
            f["errors"],
            "yes" if f["p95_ms"] < GOAL_MS else "no",
        ]
        for r in results
        for page, f in r["pages"].items()
    ]
    email_rows = [
        [
            r["database"],
            f"{r['cases']:,}",
            r["emails"],
            f"{r['emails_s']:.1f}",
            f"{r['emails'] / max(r['emails_s'], 1e-9):.0f}",
            f"{r['recorded']} ({r['done_files']} moved to done/, {r['left_files']} left, {r['failed_files']} failed)",
            f"{r['opened']} ({r['opened_cases']} cases)",
            r["added"],
            r["no_case"],
            r["stored_twice"],
            "yes" if r["as_expected"] else "no",
        ]
        for r in results
    ]
    text = (
        table(
            ["database", "page", "requests", "p50 ms", "p95 ms", "errors", f"p95 under {GOAL_MS} ms"],
            page_rows,
        )
        + "\n\n"
        + table(
            [
                "database",
                "cases",
                "emails",
                "read s",
                "emails/s",
                "recorded once",
                "opened a case",
                "added to a case",
                "no case (automatic)",
                "stored twice",
                "all as expected",
            ],
            email_rows,
        )
    )
    print(text)
    for r in results:
        print(
            f"{r['database']}: {r['cases']:,} cases ({r['cases_added']:,} added in {r['add_s']:.0f} s, "
            f"demo {r['demo_s']:.0f} s), {r['notes']:,} timeline lines; visible to the officer in no team "
            f"{r['visible'][0]:,}, in two teams {r['visible'][1]:,}; expected from the emails {r['expected']}; "
            f"reads: {r['rounds']}; read again: {r['read_again']}"
        )
    worst = max(f["p95_ms"] for r in results for f in r["pages"].values())
    emails_s = max(r["emails_s"] for r in results)
    case_count = max(r["cases"] for r in results)
    line = f"RESULT cases={case_count} worst_p95_ms={worst:.0f} emails_1000_s={emails_s:.1f}"
    notes = (
        (
            "Built first in each database: `chorus demo --scale large`. "
            if demo
            else "Not on the large demo: only its staff, teams, small directory and places. "
        )
        + f"Then {cases:,} cases received over {YEARS} years were added (chorus.cases.demo.cases_add, in "
        f"batches of {BATCH:,}): seven in ten in a team, a quarter with staff notes. Each page was asked for "
        f"{requests} times by an engagement officer in no team and {requests} times by one in two teams "
        "(after one request each not counted), through Django's test client; the filtered pages and the "
        "case page vary their address in turn. PostgreSQL was analysed after the load (as autovacuum "
        f"would); SQLite was not. Emails: {emails:,} .eml files read by `chorus mailbox_read cases` from "
        "the mailbox folder, until none was left"
        + ("" if emails == 1000 else f" (emails_1000_s is the time for these {emails})")
        + f". Figures are the worst of the databases; the goal is p95 under {GOAL_MS} ms."
    )
    if not args.no_record:
        record("Cases at scale", PACKAGES, text, notes, result=line)
    print(line)


if __name__ == "__main__":
    main()
