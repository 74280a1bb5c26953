"""How long the demo data takes to build, builder by builder, on PostgreSQL (#22 §5).

Builds ``chorus demo --scale SCALE`` into a throwaway PostgreSQL server on loopback (Debian's
packages, default durability settings: fsync on) in a child process, timing each app's
builder, then counts what was made against what the scale says. Goal: the large scale
(100,000 people, 1,000,000 consultation responses) in under 15 minutes, so that anyone can
reproduce the benchmarks that need it.

    python benchmarks/demo_build.py [--quick] [--scale large] [--databases postgresql,sqlite]

``--quick`` builds the small scale on SQLite only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import TemporaryPostgres, record, table

PACKAGES = ("django", "psycopg")
GOAL_S = 15 * 60


def child(scale: str, data: Path) -> None:
    from _common import django_setup

    os.environ.setdefault("CHORUS_MODEL_DIR", str(Path(tempfile.gettempdir()) / "chorus-benchmark-models"))
    django_setup(data, os.environ.get("BENCH_DATABASE_URL") or None)
    import random

    from django.core.management import call_command
    from django.db import transaction

    from chorus.consultations.models import Response
    from chorus.core.models import DemoDataset
    from chorus.core.registry import SCALES, demo_builders_in_order
    from chorus.directory.models import Person

    call_command("migrate", verbosity=0)
    chosen = SCALES[scale]
    steps: list[tuple[str, float]] = []
    for builder in demo_builders_in_order():
        began = time.perf_counter()
        rng = random.Random(f"2026:{builder.name}")  # as `chorus demo` seeds it
        with transaction.atomic():
            summary = builder.build(chosen, rng)
            DemoDataset.objects.create(builder=builder.name, scale=scale, summary=summary)
        steps.append((builder.name, time.perf_counter() - began))
        print(f"STEP {builder.name} {steps[-1][1]:.1f}", flush=True)
    made = {"people": Person.objects.count(), "responses": Response.objects.count()}
    wanted = {"people": chosen.people, "responses": chosen.responses}
    print("CHILD " + json.dumps({"steps": steps, "made": made, "wanted": wanted}), flush=True)


def measure(database: str, scale: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as data:
        command = [sys.executable, __file__, "--child", "--scale", scale, "--data", data]
        env = dict(os.environ)
        began = time.perf_counter()
        if database == "postgresql":
            with TemporaryPostgres() as url:
                env["BENCH_DATABASE_URL"] = url
                output = subprocess.run(command, capture_output=True, text=True, env=env)
        else:
            output = subprocess.run(command, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - began
    if output.returncode:
        sys.exit(f"The build failed:\n{output.stderr[-3000:]}")
    line = [ln for ln in output.stdout.splitlines() if ln.startswith("CHILD ")][-1]
    result: dict[str, object] = json.loads(line[len("CHILD ") :])
    result["seconds"] = seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="The small scale on SQLite only.")
    parser.add_argument("--scale", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--databases", default="postgresql")
    parser.add_argument(
        "--no-record", action="store_true", help="Print only; leave docs/benchmarks.md alone."
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.data)
        return
    scale = "small" if args.quick else args.scale
    databases = ["sqlite"] if args.quick else args.databases.split(",")
    rows: list[list[object]] = []
    totals: dict[str, float] = {}
    step_rows: list[list[object]] = []
    for database in databases:
        found = measure(database, scale)
        steps = found["steps"]
        made = found["made"]
        wanted = found["wanted"]
        assert isinstance(steps, list) and isinstance(made, dict) and isinstance(wanted, dict)
        seconds = float(found["seconds"])  # type: ignore[arg-type]
        totals[database] = seconds
        rows.append(
            [
                database,
                scale,
                f"{made['people']:,} of {wanted['people']:,}",
                f"{made['responses']:,} of {wanted['responses']:,}",
                f"{seconds:.0f}",
                "yes" if seconds < GOAL_S else "no",
            ]
        )
        for name, step_seconds in sorted(steps, key=lambda s: -s[1])[:8]:
            step_rows.append([database, name, f"{step_seconds:.0f}"])
        print(rows[-1], flush=True)
    text = (
        table(["database", "scale", "people", "responses", "seconds (with migrations)", "under 15 min"], rows)
        + "\n\nThe slowest builders:\n\n"
        + table(["database", "builder", "seconds"], step_rows)
    )
    print(text)
    worst = max(totals.values())
    result = f"RESULT scale={scale} seconds={worst:.0f} goal_met={int(worst < GOAL_S)}"
    if not args.no_record:
        record("Demo build", PACKAGES, text, notes=f"Scale: {scale}.", result=result)
    print(result)


if __name__ == "__main__":
    main()
