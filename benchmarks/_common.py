"""Shared by the benchmark scripts: the machine, versions, table printing and recording."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "docs" / "benchmarks.md"

sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}"


def versions(*packages: str) -> str:
    found = [f"Python {platform.python_version()}"]
    for package in packages:
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} (not installed)")
    return ", ".join(found)


def commit() -> str:
    try:
        git = ["git", "rev-parse", "--short", "HEAD"]
        return subprocess.run(git, capture_output=True, text=True, cwd=ROOT, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join([line, rule, *body])


def record(title: str, packages: tuple[str, ...], text: str, notes: str = "", result: str = "") -> None:
    """Append a dated section to docs/benchmarks.md and refresh the table of current figures."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"\n## {title}: {stamp}\n\n"
        f"- Machine: {machine()}\n- Versions: {versions(*packages)}\n- Commit: {commit()}\n"
        f"- Command: `python {' '.join(sys.argv)}`\n"
    )
    if hasattr(os, "getloadavg"):
        # Other work on the machine slows every timing: say how busy it was.
        section += f"- Load: {os.getloadavg()[1]:.1f} (5-minute load average when recorded)\n"
    if result:
        section += f"- Result: `{result}`\n"
    section += f"\n{text}\n"
    if notes:
        section += f"\n{notes}\n"
    with RESULTS.open("a") as handle:
        handle.write(section)
    refresh_current(RESULTS)


CURRENT_START = "<!-- current figures: written by benchmarks/_common.py -->"
CURRENT_END = "<!-- end of current figures -->"


def current_figures(markdown: str) -> list[list[str]]:
    """For each benchmark, its latest full run (or latest quick run if it has no full one)."""
    latest: dict[str, dict[str, str]] = {}
    for chunk in markdown.split("\n## ")[1:]:
        heading, _, body = chunk.partition("\n")
        if ": " not in heading:
            continue
        title, _, stamp = heading.rpartition(": ")
        fields = {
            key.strip(): value.strip()
            for line in body.splitlines()
            if line.startswith("- ") and ": " in line
            for key, _, value in [line[2:].partition(": ")]
        }
        entry = {"date": stamp, **fields}
        quick = "--quick" in fields.get("Command", "")
        held = latest.get(title)
        if held is None or not quick or held.get("quick") == "yes":
            entry["quick"] = "yes" if quick else "no"
            latest[title] = entry
    rows = []
    for title in sorted(latest):
        entry = latest[title]
        machine_text = entry.get("Machine", "").split(",")[0]
        result = entry.get("Result", "").strip("`") or "see its latest entry"
        run = "quick" if entry["quick"] == "yes" else "full"
        rows.append([title, entry["date"], run, machine_text, entry.get("Commit", ""), result])
    return rows


def refresh_current(path: Path) -> None:
    """Rewrite the table of current figures at the top of docs/benchmarks.md."""
    markdown = path.read_text()
    block = (
        f"{CURRENT_START}\n## Current figures\n\n"
        "The latest full run of each benchmark (a quick run where there is no full one); the "
        "history below keeps every run.\n\n"
        + table(["benchmark", "date", "run", "machine", "commit", "result"], current_figures(markdown))
        + f"\n{CURRENT_END}"
    )
    if CURRENT_START in markdown and CURRENT_END in markdown:
        before, _, rest = markdown.partition(CURRENT_START)
        _, _, after = rest.partition(CURRENT_END)
        markdown = before + block + after
    else:
        head, sep, history = markdown.partition("\n## ")
        markdown = head.rstrip() + "\n\n" + block + "\n" + (sep + history if sep else "")
    path.write_text(markdown)


def django_setup(data_dir: Path, database_url: str | None = None) -> None:
    """Configure Chorus in local mode on a scratch data folder (and optionally another database)."""
    os.environ["CHORUS_MODE"] = "local"
    os.environ["CHORUS_DATA_DIR"] = str(data_dir)
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "chorus.settings"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


class TemporaryPostgres:
    """A throwaway PostgreSQL server on loopback, from Debian's packages, for one benchmark run."""

    def __init__(self, port: int = 54331) -> None:
        self.port = port
        self.data = Path(tempfile.mkdtemp(prefix="chorus-bench-pg-"))
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql).")
        self.bin = bins[-1]

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def __enter__(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "chorus", "-A", "trust", "-E", "UTF8")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-w", "-o", self.options, "start"
        )
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "chorus", "chorus"],
            check=True,
        )
        return f"postgres://chorus@127.0.0.1:{self.port}/chorus"

    @property
    def options(self) -> str:
        # Planned as for SSD storage, as docs/deploying.md advises for production.
        return (
            f"-c listen_addresses=127.0.0.1 -c max_connections=200 -c random_page_cost=1.1 "
            f"-p {self.port} -k {self.data}"
        )

    def restart(self) -> None:
        """Stop (dropping every connection) and start again, as a database failover would."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.data / "log"),
            "-m",
            "fast",
            "-w",
            "-o",
            self.options,
            "restart",
        )

    def __exit__(self, *exc: object) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "stop")
        shutil.rmtree(self.data, ignore_errors=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
