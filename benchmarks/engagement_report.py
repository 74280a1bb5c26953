"""The quarterly engagement report on the medium and large demo data, on SQLite and PostgreSQL.

Builds the demo data (``chorus demo --scale medium``: about 5,000 activities and
50,000 attendance records; ``--scale large``: about 50,000 activities and 500,000
attendance records, two years of them) in a scratch database, signs in as an
administrator (who sees every team's records) and times whole Django requests, in
process: the report page for the last full quarter, for a whole year, and for one
project, then the PDF and the CSV of the quarter. Goal: page under 1 s, PDF under 10 s.

    python benchmarks/engagement_report.py [--quick] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, TemporaryPostgres, record, table

PACKAGES = ("django", "psycopg", "fpdf2")
RUNS = 5


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"The measuring process failed:\n{result.stderr[-3000:]}")
    return result


def measure(database: str, scale: str) -> dict[str, float]:
    """Run in a child process so that each database gets a fresh Django."""
    with tempfile.TemporaryDirectory() as data:
        command = [sys.executable, __file__, "--child", "--scale", scale, "--data", data]
        if database == "postgresql":
            with TemporaryPostgres() as url:
                output = _run([*command, "--database-url", url])
        else:
            output = _run(command)
    line = [ln for ln in output.stdout.splitlines() if ln.startswith("CHILD ")][-1]
    return {k: float(v) for k, v in (part.split("=") for part in line.split()[1:])}


def child(scale: str, data: Path, database_url: str | None) -> None:
    from _common import django_setup

    django_setup(data, database_url)
    from datetime import timedelta

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from chorus.accounts.models import Role, User
    from chorus.engagement.models import Activity, Attendance, Project
    from chorus.engagement.report import quarter_of

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", scale=scale, verbosity=0)
    built = time.perf_counter() - started
    admin = User.objects.filter(role=Role.ADMINISTRATOR).first()
    client = Client()
    client.force_login(admin)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Measured as an administrator who has passed two-factor sign-in.
    session = client.session
    device = TOTPDevice.objects.create(user=admin, name="benchmark", confirmed=True)
    session["otp_device_id"] = device.persistent_id
    session.save()
    start, end = quarter_of(quarter_of(timezone.localdate())[0] - timedelta(days=1))
    quarter = {"start": start.isoformat(), "end": end.isoformat()}
    year = {"start": (end - timedelta(days=364)).isoformat(), "end": end.isoformat()}
    project = Project.objects.order_by("pk").first()

    def timed(path: str, params: dict[str, str], runs: int = RUNS) -> tuple[float, float, int]:
        timings = []
        size = 0
        for _run_number in range(runs):
            began = time.perf_counter()
            response = client.get(path, params)
            body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
            timings.append(time.perf_counter() - began)
            assert response.status_code == 200, (path, response.status_code)
            size = len(body)
        return statistics.median(timings), max(timings), size

    client.get("/staff/engagement-report/", quarter)  # warm up imports and caches
    page, page_max, _size = timed("/staff/engagement-report/", quarter)
    page_year, _m, _s = timed("/staff/engagement-report/", year)
    page_project, _m, _s = timed("/staff/engagement-report/", {**quarter, "project": str(project.pk)})
    pdf, pdf_max, pdf_bytes = timed("/staff/engagement-report.pdf", quarter, runs=3)
    csv, _m, _s = timed("/staff/engagement-report.csv", quarter, runs=3)
    since = timezone.now() - timedelta(days=(timezone.localdate() - start).days)
    in_quarter = Activity.objects.filter(starts_at__gte=since).count()
    print(
        f"CHILD activities={Activity.objects.count()} attendance={Attendance.objects.count()} "
        f"recent={in_quarter} built_seconds={built:.1f} page_s={page:.3f} page_max_s={page_max:.3f} "
        f"page_year_s={page_year:.3f} page_project_s={page_project:.3f} pdf_s={pdf:.3f} "
        f"pdf_max_s={pdf_max:.3f} pdf_kb={pdf_bytes / 1024:.0f} csv_s={csv:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="Small demo data on SQLite only.")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", default="large", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.data, args.database_url)
        return
    scales = ["small"] if args.quick else ["medium", "large"]
    databases = ["sqlite"] if args.quick else args.databases.split(",")
    rows, result, figures_by = [], {}, {}
    for database in databases:
        for scale in scales:
            figures = measure(database, scale)
            figures_by[(database, scale)] = figures
            rows.append(
                [
                    database,
                    scale,
                    f"{int(figures['activities']):,}",
                    f"{int(figures['attendance']):,}",
                    f"{figures['page_s']:.3f}",
                    f"{figures['page_year_s']:.3f}",
                    f"{figures['page_project_s']:.3f}",
                    f"{figures['pdf_s']:.3f}",
                    f"{figures['csv_s']:.3f}",
                    f"{figures['built_seconds']:.0f}",
                ]
            )
            result[f"{scale}_{database}_page_s"] = f"{figures['page_s']:.3f}"
            result[f"{scale}_{database}_pdf_s"] = f"{figures['pdf_s']:.3f}"
        if ("medium" in scales) and ("large" in scales):
            growth = figures_by[(database, "large")]["page_s"] / figures_by[(database, "medium")]["page_s"]
            result[f"{database}_page_growth_medium_to_large"] = f"{growth:.1f}x"
    text = table(
        [
            "database",
            "demo scale",
            "activities",
            "attendance",
            "quarter page s",
            "year page s",
            "project page s",
            "PDF s",
            "CSV s",
            "seconds to build",
        ],
        rows,
    )
    print(text)
    result_line = "RESULT " + " ".join(f"{k}={v}" for k, v in result.items())
    record(
        "Quarterly engagement report",
        PACKAGES,
        text,
        "Whole Django requests, in process, signed in as an administrator (sees every team's records); median of "
        f"{RUNS} runs (PDF and CSV: 3). Quarter: the last full calendar quarter; year: the 365 days to its end; "
        "project: the quarter filtered to one project. Each report also computes the previous period. "
        "Goal: page under 1 s, PDF under 10 s.",
        result=result_line,
    )
    print(result_line)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
