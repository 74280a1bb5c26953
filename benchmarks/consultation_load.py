"""Load and fault runs: concurrent respondents completing a ten-question consultation.

Starts PostgreSQL (Debian's packages, on loopback) and Chorus under gunicorn, then:

1. load: N concurrent respondents (50 unless --clients) each go through the whole public
   journey (consultation page, start, about you, two pages of questions, check your
   answers, send, confirmation) again and again for the duration. Reports completed
   submissions per second, p50/p95/p99 latency of every request, errors, and whether the
   responses stored equal the submissions the clients saw accepted, one for one.
2. ceiling: the same clients posting to a minimal Django view on the same stack
   (benchmarks/ceiling_site.py), for the requests-per-second ceiling and the ratio.
3. faults: the load again while one gunicorn worker is killed (SIGKILL) and PostgreSQL is
   restarted; clients retry as a browser user would. Every submission a client saw
   accepted must be stored exactly once, and the service must answer again within 30 s.

Anti-spam limits are relaxed for the run (every client shares one address and answers
at once): CHORUS_RESPOND_LEAST_SECONDS=0, CHORUS_RESPOND_MOST_PER_ADDRESS=10^9.

    python benchmarks/consultation_load.py            # 50 clients, 120 s load, 60 s ceiling, 60 s faults
    python benchmarks/consultation_load.py --quick    # 10 clients, about 45 s in all
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from _common import ROOT, TemporaryPostgres, percentile, record, table

REFERENCE = re.compile(r'govuk-panel__body">.*?<strong>([A-Z0-9]{8})</strong>', re.S)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    server_errors: int = 0
    accepted: list[str] = field(default_factory=list)
    failed_journeys: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database_url: str, data_dir: Path, settings: str = "chorus.settings") -> dict[str, str]:
    return {
        **os.environ,
        "CHORUS_MODE": "local",
        "CHORUS_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CHORUS_RESPOND_LEAST_SECONDS": "0",
        "CHORUS_RESPOND_MOST_PER_ADDRESS": "1000000000",
        "PYTHONPATH": str(ROOT),
    }


def prepare(env: dict[str, str]) -> tuple[str, list[dict[str, list[tuple[str, str]]]]]:
    """Migrate, and make an open ten-question consultation. Returns its code and, per
    section, the form fields with the answers a respondent may choose from."""
    script = r"""
import json
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from chorus.consultations.models import Consultation, Section, Question
now = timezone.now()
c = Consultation.objects.create(title="Load test", summary="Ten questions", is_published=True,
    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
one = Section.objects.create(consultation=c, title="The proposal", order=1)
two = Section.objects.create(consultation=c, title="About you", order=2)
opts = [{"value": v, "label": v.title()} for v in ("online", "phone", "post", "court")]
spec = [
    (one, "scale", "Do you agree?", True, []), (one, "single", "How did you hear?", False, opts),
    (one, "multiple", "Which have you used?", False, opts), (one, "yes_no", "Have you been to court?", False, []),
    (one, "rating", "Rate the service", False, []), (two, "number", "How many times?", False, []),
    (two, "date", "When did you last go?", False, []), (two, "text", "Why do you say that?", True, []),
    (two, "text", "Anything else?", False, []), (two, "single", "Which region?", False, opts),
]
plan = {}
for order, (section, kind, text, required, options) in enumerate(spec):
    q = Question.objects.create(section=section, kind=kind, text=text, required=required, options=options,
        order=order, max_length=2000 if kind == "text" else None)
    plan.setdefault(section.order, []).append([f"q_{q.code.hex}", kind, [o["value"] for o in options]])
print(json.dumps({"code": str(c.code), "plan": [plan[1], plan[2]]}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    import json

    data = json.loads(out.strip().splitlines()[-1])
    return data["code"], data["plan"]


SCALE = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree"]
WORDS = [
    "the",
    "fee",
    "is",
    "too",
    "high",
    "and",
    "the",
    "forms",
    "are",
    "hard",
    "to",
    "follow",
    "but",
    "staff",
    "were",
    "helpful",
]


def answers(plan: list[list[object]], rng: random.Random) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for name, kind, options in plan:
        name = str(name)
        if kind == "scale":
            fields.append((name, rng.choice(SCALE)))
        elif kind == "single":
            fields.append((name, rng.choice(options)))  # type: ignore[arg-type]
        elif kind == "multiple":
            for value in rng.sample(options, 2):  # type: ignore[arg-type]
                fields.append((name, value))
        elif kind == "yes_no":
            fields.append((name, rng.choice(["yes", "no"])))
        elif kind == "rating":
            fields.append((name, str(rng.randint(1, 5))))
        elif kind == "number":
            fields.append((name, str(rng.randint(0, 20))))
        elif kind == "date":
            fields.append((name, f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
        else:
            fields.append((name, " ".join(rng.choices(WORDS, k=rng.randint(5, 40)))))
    return fields


class Respondent:
    def __init__(
        self, base: str, code: str, plan: list, tally: Tally, stop: threading.Event, retry: bool
    ) -> None:
        self.base, self.code, self.plan, self.tally, self.stop, self.retry = (
            base,
            code,
            plan,
            tally,
            stop,
            retry,
        )
        self.rng = random.Random()

    def request(
        self, session: requests.Session, method: str, path: str, data: object = None
    ) -> requests.Response:
        """One request; with retry on, a failed one is tried again (as a person would press
        the button again) until it works or 60 s pass."""
        deadline = time.monotonic() + 60
        while True:
            started = time.perf_counter()
            try:
                headers = {"X-CSRFToken": session.cookies.get("csrftoken", "")}
                response = session.request(
                    method, self.base + path, data=data, headers=headers, allow_redirects=False, timeout=30
                )
                elapsed = time.perf_counter() - started
                failed = response.status_code >= 500
            except requests.RequestException:
                elapsed, response, failed = time.perf_counter() - started, None, True
            with self.tally.lock:
                self.tally.latencies.append(elapsed)
                if failed:
                    self.tally.errors += 1
                    if response is not None:
                        self.tally.server_errors += 1
                elif response is not None and response.status_code >= 400:
                    self.tally.errors += 1
            if response is not None and not failed:
                return response
            if not self.retry or time.monotonic() > deadline:
                raise RuntimeError(f"{method} {path} failed")
            time.sleep(0.5)

    def journey(self) -> None:
        session = requests.Session()
        prefix = f"/consultations/{self.code}"
        self.request(session, "GET", f"{prefix}/")
        self.request(session, "POST", f"{prefix}/respond/")
        self.request(session, "GET", f"{prefix}/respond/about-you/")
        self.request(
            session,
            "POST",
            f"{prefix}/respond/about-you/",
            {"respondent_type": "individual", "publish": "anonymous"},
        )
        for number, section in enumerate(self.plan, start=1):
            self.request(session, "GET", f"{prefix}/respond/questions/{number}/")
            self.request(session, "POST", f"{prefix}/respond/questions/{number}/", answers(section, self.rng))
        self.request(session, "GET", f"{prefix}/respond/check/")
        sent = self.request(session, "POST", f"{prefix}/respond/check/")
        if sent.status_code != 302 or not sent.headers.get("Location", "").endswith("/respond/done/"):
            raise RuntimeError(f"sending was not accepted ({sent.status_code})")
        done = self.request(session, "GET", f"{prefix}/respond/done/")
        found = REFERENCE.search(done.text)
        if not found:
            raise RuntimeError("no reference on the confirmation page")
        with self.tally.lock:
            self.tally.accepted.append(found.group(1))

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.journey()
            except RuntimeError:
                with self.tally.lock:
                    self.tally.failed_journeys += 1


def ceiling_client(base: str, tally: Tally, stop: threading.Event) -> None:
    session = requests.Session()
    while not stop.is_set():
        started = time.perf_counter()
        try:
            response = session.post(base + "/ceiling/", timeout=30)
            ok = response.status_code == 200
        except requests.RequestException:
            ok = False
        with tally.lock:
            tally.latencies.append(time.perf_counter() - started)
            if ok:
                tally.accepted.append("")
            else:
                tally.errors += 1


class Gunicorn:
    def __init__(self, env: dict[str, str], port: int, workers: int) -> None:
        self.env, self.port, self.workers = env, port, workers

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "chorus.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def stored_references(env: dict[str, str], code: str) -> list[str]:
    script = (
        "import django; django.setup()\n"
        "from chorus.consultations.models import Response\n"
        f"print('\\n'.join(Response.objects.filter(consultation__code='{code}').values_list('reference', flat=True)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return [line for line in out.stdout.split() if line]


def drive(clients: int, seconds: float, target, events=()) -> float:  # type: ignore[no-untyped-def]
    stop = threading.Event()
    threads = [threading.Thread(target=target, args=(stop,), daemon=True) for _i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    pending = sorted(events, key=lambda e: e[0])
    while time.monotonic() - started < seconds:
        if pending and time.monotonic() - started >= pending[0][0]:
            pending.pop(0)[1]()
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    return time.monotonic() - started


def summary(tally: Tally, elapsed: float) -> dict[str, float]:
    ms = [v * 1000 for v in tally.latencies] or [0.0]
    return {
        "done": len(tally.accepted),
        "per_s": len(tally.accepted) / elapsed,
        "requests_per_s": len(tally.latencies) / elapsed,
        "p50": percentile(ms, 0.5),
        "p95": percentile(ms, 0.95),
        "p99": percentile(ms, 0.99),
        "errors": tally.errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 clients for short runs (under a minute)")
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="length of the load run")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    clients = args.clients or (10 if args.quick else 50)
    load_seconds = args.seconds or (12 if args.quick else 120)
    ceiling_seconds = 6 if args.quick else 60
    fault_seconds = 20 if args.quick else 60

    data_dir = Path(tempfile.mkdtemp(prefix="chorus-load-"))
    database = TemporaryPostgres(port=free_port())
    with database as url:
        env = environment(url, data_dir)
        code, plan = prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"

        # 1. Load.
        load = Tally()
        with Gunicorn(env, port, args.workers):
            elapsed = drive(
                clients, load_seconds, lambda stop: Respondent(base, code, plan, load, stop, False).run()
            )
        stored = stored_references(env, code)
        load_figures = summary(load, elapsed)
        load_lost = len(set(load.accepted) - set(stored))
        load_duplicated = len(stored) - len(set(stored)) + (len(load.accepted) - len(set(load.accepted)))
        load_unseen = len(set(stored) - set(load.accepted))

        # 2. Ceiling: a minimal view on the same stack.
        ceiling = Tally()
        with Gunicorn(environment(url, data_dir, "benchmarks.ceiling_site"), port, args.workers):
            ceiling_elapsed = drive(
                clients, ceiling_seconds, lambda stop: ceiling_client(base, ceiling, stop)
            )
        ceiling_figures = summary(ceiling, ceiling_elapsed)

        # 3. Faults: kill a worker, then restart PostgreSQL, under load.
        faults = Tally()
        before = set(stored)
        marks: dict[str, float] = {}
        with Gunicorn(env, port, args.workers) as server:

            def kill_worker() -> None:
                pids = server.worker_pids()
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                marks["worker killed"] = time.monotonic()

            def restart_database() -> None:
                marks["database restart"] = time.monotonic()
                database.restart()
                marks["database back"] = time.monotonic()
                # Recovered when a page that needs the database answers again.
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        if requests.get(f"{base}/consultations/{code}/", timeout=5).status_code == 200:
                            break
                    except requests.RequestException:
                        pass
                    time.sleep(0.1)
                marks["answering"] = time.monotonic()

            fault_elapsed = drive(
                clients,
                fault_seconds,
                lambda stop: Respondent(base, code, plan, faults, stop, True).run(),
                events=[(fault_seconds * 0.25, kill_worker), (fault_seconds * 0.5, restart_database)],
            )
        recovery = marks["answering"] - marks["database back"]
        outage = marks["answering"] - marks["database restart"]
        after = stored_references(env, code)
        new = [r for r in after if r not in before]
        fault_figures = summary(faults, fault_elapsed)
        fault_lost = len(set(faults.accepted) - set(after))
        fault_duplicated = len(after) - len(set(after)) + (len(faults.accepted) - len(set(faults.accepted)))

    ratio = (
        load_figures["requests_per_s"] / ceiling_figures["requests_per_s"]
        if ceiling_figures["requests_per_s"]
        else 0
    )
    headers = [
        "run",
        "clients",
        "seconds",
        "submissions",
        "subs/s",
        "requests/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "lost",
        "duplicated",
    ]
    rows = [
        [
            "load: ten-question consultation",
            clients,
            f"{elapsed:.0f}",
            load_figures["done"],
            f"{load_figures['per_s']:.1f}",
            f"{load_figures['requests_per_s']:.0f}",
            f"{load_figures['p50']:.0f}",
            f"{load_figures['p95']:.0f}",
            f"{load_figures['p99']:.0f}",
            load_figures["errors"],
            load_lost,
            load_duplicated,
        ],
        [
            "ceiling: minimal Django view",
            clients,
            f"{ceiling_elapsed:.0f}",
            "n/a",
            "n/a",
            f"{ceiling_figures['requests_per_s']:.0f}",
            f"{ceiling_figures['p50']:.0f}",
            f"{ceiling_figures['p95']:.0f}",
            f"{ceiling_figures['p99']:.0f}",
            ceiling_figures["errors"],
            "n/a",
            "n/a",
        ],
        [
            "faults: worker killed, PostgreSQL restarted",
            clients,
            f"{fault_elapsed:.0f}",
            fault_figures["done"],
            f"{fault_figures['per_s']:.1f}",
            f"{fault_figures['requests_per_s']:.0f}",
            f"{fault_figures['p50']:.0f}",
            f"{fault_figures['p95']:.0f}",
            f"{fault_figures['p99']:.0f}",
            fault_figures["errors"],
            fault_lost,
            fault_duplicated,
        ],
    ]
    text = table(headers, rows)
    notes = (
        f"Gunicorn with {args.workers} sync workers; client and server share the machine. Each submission is 12 "
        f"requests (page, start, about you twice, two question pages twice each, check twice, confirmation). "
        f"Load: {len(stored)} responses stored for {len(load.accepted)} submissions the clients saw accepted "
        f"({load_unseen} stored that no client saw confirmed; {load.failed_journeys} journeys failed). Request-rate ratio to the ceiling: {ratio:.2f}. "
        f"Faults: {len(new)} stored for {len(faults.accepted)} accepted; {faults.server_errors} 5xx answers and "
        f"{faults.errors - faults.server_errors} connection failures during the faults, all retried; "
        f"PostgreSQL restart took {marks['database back'] - marks['database restart']:.1f} s; Chorus answered "
        f"again {recovery:.1f} s after it was back ({outage:.1f} s from the start of the restart)."
    )
    print(text)
    print(notes)
    ok = (
        load_lost == 0 and load_duplicated == 0 and fault_lost == 0 and fault_duplicated == 0 and outage <= 30
    )
    result_line = (
        f"RESULT subs_per_s={load_figures['per_s']:.1f} p50_ms={load_figures['p50']:.0f} "
        f"p95_ms={load_figures['p95']:.0f} p99_ms={load_figures['p99']:.0f} errors={load_figures['errors']} "
        f"lost={load_lost} duplicated={load_duplicated} ceiling_rps={ceiling_figures['requests_per_s']:.0f} "
        f"ratio={ratio:.2f} fault_lost={fault_lost} fault_duplicated={fault_duplicated} recovery_s={recovery:.1f} outage_s={outage:.1f}"
    )
    record("Consultation load and faults", ("django", "gunicorn", "psycopg"), text, notes, result=result_line)
    print(result_line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
