"""Every staff dashboard, and the open-data export of every catalogue dataset, on the medium
and large demo data, on SQLite and PostgreSQL.

Builds the demo data (``chorus demo --scale medium``: 10,000 people, 5,000 activities, about
70,000 consultation responses and 40,000 pieces of service feedback; ``--scale large``:
100,000 people, 50,000 activities, about 700,000 responses and 300,000 pieces of feedback)
in a scratch database, signs in as an administrator who has passed two-factor sign-in (who
sees every team's records) and times whole Django requests in process: each dashboard
RUNS times after one warm-up, giving p50 and p95. Then, for each catalogue dataset, the
seconds to build and publish it (disclosure control included) and to download its CSV
and JSON. The demo's queued analyses are run first (as the worker would after
scripts/start), so that the theme shares have something to publish. Goal: every dashboard's
p95 under 500 ms on the large data.

    python benchmarks/insights_dashboards.py [--quick] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, TemporaryPostgres, record, table

PACKAGES = ("django", "psycopg")
RUNS = 20
GOAL_MS = 500


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"The measuring process failed:\n{result.stderr[-3000:]}")
    return result


def measure(database: str, scale: str, runs: int) -> dict[str, object]:
    """Run in a child process so that each database gets a fresh Django."""
    with tempfile.TemporaryDirectory() as data:
        command = [sys.executable, __file__, "--child", "--scale", scale, "--data", data, "--runs", str(runs)]
        if database == "postgresql":
            with TemporaryPostgres() as url:
                output = _run([*command, "--database-url", url])
        else:
            output = _run(command)
    line = [ln for ln in output.stdout.splitlines() if ln.startswith("CHILD ")][-1]
    return json.loads(line[len("CHILD ") :])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def child(scale: str, data: Path, database_url: str | None, runs: int) -> None:
    import os

    from _common import django_setup

    # The fast text model is distilled once and reused by later runs.
    os.environ.setdefault("CHORUS_MODEL_DIR", str(Path(tempfile.gettempdir()) / "chorus-benchmark-models"))
    django_setup(data, database_url)
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chorus.accounts.models import Role, User
    from chorus.consultations.models import Consultation, Response
    from chorus.feedback.models import PageFeedback, Service
    from chorus.insights.datasets import catalogue_ensure
    from chorus.insights.models import Dataset, PerceptionSeries
    from chorus.insights.services import dataset_publish

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", scale=scale, verbosity=0)
    built = time.perf_counter() - started
    # The demo's analyses wait for a worker, as they would after scripts/start.
    began = time.perf_counter()
    call_command("db_worker", queue_name="*", batch=True, no_startup_delay=True, verbosity=0)
    analysed = time.perf_counter() - began
    admin = User.objects.filter(role=Role.ADMINISTRATOR).first()
    assert admin is not None
    client = Client()
    client.force_login(admin)
    session = client.session
    device = TOTPDevice.objects.create(user=admin, name="benchmark", confirmed=True)
    session["otp_device_id"] = device.persistent_id
    session.save()

    busiest = (
        Consultation.objects.annotate(n=Count("responses"))
        .order_by("-n")
        .values_list("code", flat=True)
        .first()
    )
    service = (
        Service.objects.filter(equality_monitoring=True).order_by("name").first() or Service.objects.first()
    )
    series = PerceptionSeries.objects.first()
    assert busiest and service and series
    pages = {
        "engagement (quarter)": ("/staff/engagement-report/", {}),
        "consultation": ("/staff/data/consultations/", {"consultation": str(busiest)}),
        "services (30 days)": ("/staff/data/services/", {"days": "30"}),
        "services (365 days)": ("/staff/data/services/", {"days": "365"}),
        "perception": (f"/staff/data/perception/{series.code}/", {}),
        "perception, filtered": (
            f"/staff/data/perception/{series.code}/",
            {"respondent_type": "organisation"},
        ),
        "equality (service)": ("/staff/data/equality/", {"subject": f"service:{service.code}"}),
        "data quality": ("/staff/data/quality/", {}),
    }
    timings: dict[str, dict[str, float]] = {}
    for name, (path, params) in pages.items():
        response = client.get(path, params)  # warm up imports and caches
        assert response.status_code == 200, (path, response.status_code)
        samples = []
        for _run_number in range(runs):
            began = time.perf_counter()
            response = client.get(path, params)
            samples.append(time.perf_counter() - began)
            assert response.status_code == 200, (path, response.status_code)
        timings[name] = {"p50": statistics.median(samples), "p95": percentile(samples, 0.95)}

    catalogue_ensure()
    exports: dict[str, dict[str, float]] = {}
    for dataset in Dataset.objects.order_by("slug"):
        began = time.perf_counter()
        version = dataset_publish(dataset=dataset, actor=admin)
        published = time.perf_counter() - began
        began = time.perf_counter()
        csv_reply = client.get(f"/data/{dataset.slug}.csv")
        json_reply = client.get(f"/data/{dataset.slug}.json")
        for reply in (csv_reply, json_reply):
            assert reply.status_code == 200
            b"".join(reply) if reply.streaming else reply.content  # type: ignore[attr-defined]
        downloaded = time.perf_counter() - began
        exports[dataset.slug] = {
            "publish_s": published,
            "download_s": downloaded,
            "rows": len(version.rows),
            "suppressed": version.suppressed,
        }
    sizes = {
        "responses": Response.objects.count(),
        "feedback": PageFeedback.objects.count(),
        "built_s": built,
        "analysed_s": analysed,
    }
    print("CHILD " + json.dumps({"pages": timings, "exports": exports, "sizes": sizes}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="Small demo data on SQLite only, 5 runs a page.")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scales", default="medium,large")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", default="large", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=RUNS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.data, args.database_url, args.runs)
        return
    scales = ["small"] if args.quick else args.scales.split(",")
    databases = ["sqlite"] if args.quick else args.databases.split(",")
    runs = 5 if args.quick else RUNS
    results = {(db, scale): measure(db, scale, runs) for db in databases for scale in scales}

    page_rows, export_rows, result = [], [], {}
    worst: dict[str, float] = {}
    for (db, scale), figures in results.items():
        pages = figures["pages"]  # type: ignore[index]
        for name, t in pages.items():  # type: ignore[union-attr]
            row = [db, scale, name, f"{1000 * t['p50']:.0f}", f"{1000 * t['p95']:.0f}"]
            smaller = "medium" if scale == "large" else None
            if smaller and (db, smaller) in results:
                before = results[(db, smaller)]["pages"][name]["p50"]  # type: ignore[index]
                row.append(f"{t['p50'] / before:.1f}x")
            else:
                row.append("")
            page_rows.append(row)
            worst[f"{scale}_{db}"] = max(worst.get(f"{scale}_{db}", 0.0), 1000 * t["p95"])
        exports = figures["exports"]  # type: ignore[index]
        total = 0.0
        for slug, e in exports.items():  # type: ignore[union-attr]
            export_rows.append(
                [
                    db,
                    scale,
                    slug,
                    e["rows"],
                    e["suppressed"],
                    f"{e['publish_s']:.2f}",
                    f"{e['download_s']:.2f}",
                ]
            )
            total += e["publish_s"] + e["download_s"]
        sizes = figures["sizes"]  # type: ignore[index]
        export_rows.append(
            [
                db,
                scale,
                "every dataset",
                "",
                "",
                f"{total:.2f}",
                f"demo built in {sizes['built_s']:.0f} s, analysed in {sizes['analysed_s']:.0f} s",
            ]
        )  # type: ignore[index]
        result[f"{scale}_{db}_worst_p95_ms"] = f"{worst[f'{scale}_{db}']:.0f}"
        result[f"{scale}_{db}_export_s"] = f"{total:.1f}"
    sizes_line = "; ".join(
        f"{db} {scale}: {f['sizes']['responses']:,} responses, {f['sizes']['feedback']:,} page feedback"  # type: ignore[index]
        for (db, scale), f in results.items()
    )
    text = (
        table(
            ["database", "demo scale", "dashboard", "p50 ms", "p95 ms", "p50 growth from medium"], page_rows
        )
        + "\n\n"
        + table(
            [
                "database",
                "demo scale",
                "dataset",
                "rows",
                "suppressed",
                "build and publish s",
                "CSV + JSON download s",
            ],
            export_rows,
        )
    )
    print(text)
    met = all(float(v) < GOAL_MS for k, v in result.items() if k.endswith("_p95_ms"))
    result["goal_met"] = "yes" if met else "no"
    result_line = "RESULT " + " ".join(f"{k}={v}" for k, v in result.items())
    record(
        "Insight dashboards and open-data export",
        PACKAGES,
        text,
        f"Whole Django requests in process, signed in as an administrator (sees every team's records); "
        f"{runs} runs of each page after one warm-up. Data: {sizes_line}. Goal: every dashboard's p95 under "
        f"{GOAL_MS} ms on the large data. Export: each catalogue dataset built with disclosure control and "
        "published (one database write), then its CSV and JSON downloaded.",
        result=result_line,
    )
    print(result_line)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
