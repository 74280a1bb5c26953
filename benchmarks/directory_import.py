"""Importing a 100,000-row CSV of people into the directory: rows per second.

Generates a realistic CSV (names, emails, phones, postcodes, organisations, with
duplicates and a sprinkling of bad rows), then runs the same steps staff do:
read and match the columns, check every row (including looking for people already
in the directory), and import the valid rows in atomic batches. Then imports the
same file again, which must add no one.

    python benchmarks/directory_import.py [--quick] [--rows 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, django_setup, record, table

PACKAGES = ("django", "openpyxl", "splink", "duckdb")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10,000 rows instead of 100,000.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="Default: a scratch SQLite file.")
    args = parser.parse_args()
    rows = 10_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory() as scratch:
        django_setup(Path(scratch), args.database_url)
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command

        from chorus.accounts.models import Role, User
        from chorus.directory.imports import import_check, import_confirm, import_run, import_start
        from chorus.directory.linkage.synthetic import generate_people
        from chorus.directory.models import Person

        call_command("migrate", verbosity=0)
        officer = User.objects.create_user(
            "bench@example.gov.uk", None, full_name="Bench", role=Role.ENGAGEMENT_OFFICER
        )
        people = generate_people(rows, duplicate_rate=0.05, seed=3)
        frame = people.rename(
            columns={
                "first_name": "First name",
                "surname": "Surname",
                "email": "Email",
                "phone": "Phone",
                "postcode": "Postcode",
                "organisation": "Organisation",
            }
        )
        frame.insert(0, "Reference", [f"REF{i}" for i in range(len(frame))])
        frame.loc[frame.index % 500 == 7, "Email"] = "not-an-email"
        content = frame.drop(columns=["unique_id", "entity", "city"]).to_csv(index=False).encode()
        results = []
        for attempt in ("first import", "same file again"):
            started = time.perf_counter()
            job = import_start(actor=officer, upload=SimpleUploadedFile("people.csv", content))
            read = time.perf_counter()
            import_check(job)
            checked = time.perf_counter()
            import_confirm(job=job, on_match="link", source="benchmark", lawful_basis="consent")
            import_run(job)
            done = time.perf_counter()
            results.append(
                [
                    attempt,
                    f"{job.total_rows:,}",
                    f"{job.valid_rows:,}",
                    f"{len(job.problems):,}",
                    f"{job.created_count:,}",
                    f"{job.updated_count:,}",
                    f"{checked - read:.1f}",
                    f"{done - checked:.1f}",
                    f"{done - started:.1f}",
                    f"{job.total_rows / (done - started):,.0f}",
                ]
            )
        people_count = Person.objects.count()
    text = table(
        ["run", "rows", "valid", "problems", "added", "updated", "check s", "import s", "total s", "rows/s"],
        results,
    )
    print(text)
    print(f"People in the directory after both runs: {people_count:,}")
    first = results[0]
    result_line = (
        f"RESULT rows={rows} total_seconds={first[8]} rows_per_second={first[9].replace(',', '')} "
        f"reimport_added={results[1][4]} people_after={people_count}"
    )
    record(
        "Directory import",
        PACKAGES,
        text,
        f"Database: {'PostgreSQL' if args.database_url else 'SQLite'}. The check reads every row, validates it "
        "and looks for each row's person in the directory (external id, email, then the linkage model). "
        f"People in the directory after both runs: {people_count:,}. Goal: the whole file in under 60 s.",
        result=result_line,
    )
    print(result_line)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
