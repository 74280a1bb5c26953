"""Directory search response time on a 100,000-person directory, on SQLite and PostgreSQL.

Builds the large demo directory (``chorus demo --scale large``: about 100,000 people)
in a scratch database, signs in as an engagement officer, and times the directory
search page (the whole Django request, in process) for a mix of queries: surnames,
full names, names with typos, email addresses and organisations.

    python benchmarks/directory_search.py [--quick] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, TemporaryPostgres, percentile, record, table

PACKAGES = ("django", "psycopg", "rapidfuzz")


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"The measuring process failed:\n{result.stderr[-3000:]}")
    return result


def measure(database: str, scale: str, queries: int) -> dict[str, float]:
    """Run in a child process so that each database gets a fresh Django."""
    with tempfile.TemporaryDirectory() as data:
        command = [
            sys.executable,
            __file__,
            "--child",
            "--scale",
            scale,
            "--queries",
            str(queries),
            "--data",
            data,
        ]
        if database == "postgresql":
            with TemporaryPostgres() as url:
                output = _run([*command, "--database-url", url])
        else:
            output = _run(command)
    line = [ln for ln in output.stdout.splitlines() if ln.startswith("CHILD ")][-1]
    return {k: float(v) for k, v in (part.split("=") for part in line.split()[1:])}


def child(scale: str, queries: int, data: Path, database_url: str | None) -> None:
    from _common import django_setup

    django_setup(data, database_url)
    from django.core.management import call_command
    from django.test import Client

    from chorus.accounts.models import Role, User
    from chorus.directory.models import ContactPoint, Organisation, Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", scale=scale, verbosity=0)
    built = time.perf_counter() - started
    officer = User.objects.filter(role=Role.ENGAGEMENT_OFFICER).first()
    client = Client()
    client.force_login(officer)
    rng = random.Random(5)
    people = list(Person.objects.order_by("?").values_list("first_name", "last_name")[:300])
    emails = list(
        ContactPoint.objects.filter(kind="email").order_by("?").values_list("value", flat=True)[:100]
    )
    organisations = list(Organisation.objects.order_by("?").values_list("name", flat=True)[:100])

    def typo(word: str) -> str:
        i = rng.randrange(1, max(2, len(word) - 1))
        return word[:i] + word[i + 1 :] if len(word) > 4 else word

    mix = []
    for first, last in people:
        mix += [last, f"{first} {last}", f"{typo(first)} {typo(last)}"]
    mix += emails + organisations
    rng.shuffle(mix)
    count = Person.objects.count()
    client.get("/staff/directory/", {"q": "warm up"})
    timings = []
    for query in mix[:queries]:
        start = time.perf_counter()
        response = client.get("/staff/directory/", {"q": query})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    print(
        f"CHILD people={count} built_seconds={built:.1f} p50_ms={percentile(timings, 0.5):.1f} "
        f"p95_ms={percentile(timings, 0.95):.1f} max_ms={max(timings):.1f} queries={len(timings)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="Medium demo directory (10,000 people), fewer queries."
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", default="large", help=argparse.SUPPRESS)
    parser.add_argument("--queries", type=int, default=300, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.queries, args.data, args.database_url)
        return
    scale, queries = ("medium", 100) if args.quick else ("large", 300)
    rows, result = [], {}
    for database in args.databases.split(","):
        figures = measure(database, scale, queries)
        rows.append(
            [
                database,
                f"{int(figures['people']):,}",
                int(figures["queries"]),
                f"{figures['p50_ms']:.0f}",
                f"{figures['p95_ms']:.0f}",
                f"{figures['max_ms']:.0f}",
                f"{figures['built_seconds']:.0f}",
            ]
        )
        result[f"{database}_p50_ms"] = f"{figures['p50_ms']:.0f}"
        result[f"{database}_p95_ms"] = f"{figures['p95_ms']:.0f}"
    text = table(["database", "people", "queries", "p50 ms", "p95 ms", "max ms", "seconds to build"], rows)
    print(text)
    result_line = "RESULT " + " ".join(f"{k}={v}" for k, v in result.items())
    record(
        "Directory search",
        PACKAGES,
        text,
        "Whole Django request for /staff/directory/?q=..., in process (no network), signed in as an engagement "
        "officer; queries mix surnames, full names, names with a typo, emails and organisation names. Goal: p95 under 300 ms.",
        result=result_line,
    )
    print(result_line)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
