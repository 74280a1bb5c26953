"""Exporting a million consultation responses as CSV and as Excel: time, peak memory and
whether the file is complete.

Generates the responses (each with a free-text answer and a multiple-choice answer) in a
scratch SQLite database with plain bulk inserts, then runs the export task that staff's
"Download as CSV" and "Download as Excel" links start (``chorus.core.exports``), each in
a child process whose peak resident memory (``ru_maxrss``) is measured. Then reads each
file back and counts its rows: an Excel file past Excel's 1,048,576-row limit continues
on a second sheet, and every sheet starts with the header.

    python benchmarks/exports.py [--quick] [--rows 1000000]

``--quick`` exports 20,000 rows. The script ends with
``RESULT rows=N csv_s=S xlsx_s=S peak_mb=M complete=yes|no``.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from _common import django_setup, record, table

PACKAGES = ("django", "openpyxl")


def _generate(rows: int) -> tuple[int, dict[str, int]]:
    """The consultation's responses and answers; returns the admin's id and the export ids."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:  # generating, not measured: skip waiting for the disk
        cursor.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        return _generate_in_transaction(rows)


def _generate_in_transaction(rows: int) -> tuple[int, dict[str, int]]:
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from chorus.accounts.models import Role, User
    from chorus.consultations.models import Answer, Consultation, Question, Response, Section
    from chorus.core.bulk import db_value, insert_rows
    from chorus.core.models import ExportFile

    admin = User.objects.create_user("bench@example.gov.uk", None, full_name="Bench", role=Role.ADMINISTRATOR)
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Bus routes",
        summary="Routes.",
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=1),
    )
    section = Section.objects.create(consultation=consultation, title="Questions", order=1)
    view = Question.objects.create(section=section, kind="text", text="Your view", order=1)
    options = [{"value": v, "label": v.title()} for v in ("buses", "trains", "trams")]
    modes = Question.objects.create(section=section, kind="multiple", text="Which?", order=2, options=options)
    at = db_value(Response, "submitted_at", now)
    insert_rows(
        Response,
        [
            "created_at",
            "updated_at",
            "code",
            "consultation",
            "reference",
            "channel",
            "respondent_type",
            "name",
            "email",
            "organisation",
            "publish",
            "language",
            "submitted_at",
        ],
        (
            (
                at,
                at,
                db_value(Response, "code", uuid.uuid4()),
                consultation.pk,
                f"R{n:09d}",
                "online",
                "individual",
                f"Person {n}",
                f"person{n}@example.org",
                "",
                "no",
                "en",
                at,
            )
            for n in range(rows)
        ),
    )
    texts = [
        db_value(Answer, "value", t) for t in ("More buses, please.", "=1+1 is not a plan", "Fine as it is")
    ]
    chosen = [db_value(Answer, "value", c) for c in (["buses"], ["trains", "trams"], [])]
    ids = list(Response.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(Answer, ["response", "question", "value"], ((pk, view.pk, texts[pk % 3]) for pk in ids))
    insert_rows(Answer, ["response", "question", "value"], ((pk, modes.pk, chosen[pk % 3]) for pk in ids))
    exports = {}
    for file_format in ("csv", "xlsx"):
        exports[file_format] = ExportFile.objects.create(
            requested_by=admin,
            exporter="consultations.responses",
            params={"consultation": str(consultation.code)},
            file_format=file_format,
            title="Responses",
            download_name=f"responses.{file_format}",
        ).pk
    return admin.pk, exports


def _own_memory_mb() -> float:
    """This process's own memory now (heap and stacks: ``RssAnon``), leaving out the pages of
    files it has mapped, such as the SQLite database Chorus reads through a memory map."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child(data_dir: Path, export_id: int) -> None:
    """Run one export task in this process; print its seconds and this process's peak memory."""
    django_setup(data_dir)
    from chorus.core.exports import export_write

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    own = [_own_memory_mb()]
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            own.append(_own_memory_mb())
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    export_write.call(export_id)
    seconds = time.perf_counter() - started
    running.clear()
    sampler.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": peak / 1024, "before_mb": before / 1024, "own_peak_mb": max(own)}
        )
    )


def _export(data_dir: Path, export_id: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(export_id), "--data-dir", str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _rows_in(path: Path) -> tuple[int, int]:
    """(data rows, sheets) of an export file: rows after each sheet's header. An Excel
    file's rows are counted in its sheets' XML (a file written row by row records no
    dimensions, and reading a million rows back through openpyxl takes minutes)."""
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return sum(1 for _row in csv.reader(handle)) - 1, 1
    found = sheets = 0
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if not (name.startswith("xl/worksheets/sheet") and name.endswith(".xml")):
                continue
            sheets += 1
            rows, tail = 0, b""
            with book.open(name) as sheet:
                while chunk := sheet.read(1 << 20):
                    text = tail + chunk
                    rows += text.count(b"<row ") + text.count(b"<row>")
                    tail = text[-5:]
                    rows -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again next time
            rows += tail.count(b"<row ") + tail.count(b"<row>")
            found += rows - 1
    return found, sheets


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="20,000 rows instead of 1,000,000.")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        _child(args.data_dir, args.child)
        return
    rows = 20_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="chorus-bench-exports-") as scratch:
        data_dir = Path(scratch)
        django_setup(data_dir)
        from django.apps import apps
        from django.conf import settings
        from django.core.management import call_command

        from chorus.core.exports import export_path
        from chorus.core.models import ExportFile

        # Tables straight from the models, as a test run without migrations: the database is
        # scratch, and running every migration would take most of a quick run.
        settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
        call_command("migrate", verbosity=0, run_syncdb=True)
        started = time.perf_counter()
        _admin, exports = _generate(rows)
        generated = time.perf_counter() - started
        results: dict[str, dict[str, float]] = {}
        lines = []
        complete = True
        for file_format, export_id in exports.items():
            measured = _export(data_dir, export_id)
            print(f"{file_format}: {measured['seconds']:.1f} s", flush=True)
            export = ExportFile.objects.get(pk=export_id)
            path = export_path(export)
            found, sheets = _rows_in(path) if path is not None and path.exists() else (0, 0)
            whole = export.status == ExportFile.Status.READY and found == rows == export.rows_written
            complete = complete and whole
            results[file_format] = measured
            size = path.stat().st_size / 1024 / 1024 if path is not None and path.exists() else 0
            lines.append(
                [
                    file_format.upper(),
                    f"{rows:,}",
                    f"{found:,}",
                    sheets,
                    f"{measured['seconds']:.1f}",
                    f"{rows / measured['seconds']:,.0f}",
                    f"{measured['before_mb']:.0f}",
                    f"{measured['peak_mb']:.0f}",
                    f"{measured['own_peak_mb']:.0f}",
                    f"{size:.0f}",
                    "yes" if whole else "no",
                ]
            )
        text = table(
            [
                "format",
                "responses",
                "rows in file",
                "sheets",
                "seconds",
                "rows/s",
                "memory before (MB)",
                "peak memory (MB)",
                "peak own memory (MB)",
                "file (MB)",
                "complete",
            ],
            lines,
        )
        peak = max(r["peak_mb"] for r in results.values())
        result = (
            f"RESULT rows={rows} csv_s={results['csv']['seconds']:.1f} xlsx_s={results['xlsx']['seconds']:.1f} "
            f"peak_mb={peak:.0f} complete={'yes' if complete else 'no'}"
        )
        print(text)
        print(f"\nGenerated {rows:,} responses with two answers each in {generated:.1f} s (SQLite).")
        notes = (
            "Each export runs the task staff's download links start (`chorus.core.exports.export_write`) "
            "in a child process on a scratch SQLite database: responses read 1,000 at a time with their "
            "answers, written row by row to a temporary file renamed once complete (Excel through "
            "openpyxl's write-only mode, continuing on a second sheet past 1,048,576 rows). Peak memory is "
            "the child's `ru_maxrss`, Django and the libraries included (the 'before' column), and with them "
            "the pages of the SQLite file that Chorus reads through a memory map; 'own memory' leaves those "
            "out (the peak of `RssAnon`, sampled every 0.2 s). The file is read back and its rows counted."
        )
        record("Exports of any size", PACKAGES, text, notes, result=result.removeprefix("RESULT "))
        print(result)


if __name__ == "__main__":
    main()
