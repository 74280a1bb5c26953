"""Whether the staff pages stay responsive while a large analysis runs, on the production shape.

Starts PostgreSQL (Debian's packages, on loopback), migrates, and stores one consultation
question with ``--size`` DISTINCT free-text answers (benchmarks/_distinct.py: sentences of
real comments from ../shared/data/feedback). Then it runs Chorus as docs/deploying.md
runs it on one machine: gunicorn with two web workers and one `chorus worker`. A signed-in
analyst keeps opening five staff pages in turn (the staff home, the directory, the
consultations list, the analyses list and the analysis's own page, which is the one people
watch while it runs), with two such clients at once:

1. idle: for ``--idle`` seconds with nothing else running;
2. busy: from the moment a fast analysis of the question is queued until it is finished
   (stored, not just computed), through the real task: embedded, checked for personal data,
   clustered, labelled, assigned and written to the database.

It reports each phase's page times (p50, p95, slowest) and errors, and the analysis's
seconds. "Responsive" here means the busy p95 stays under 1,000 ms with no errors.

Ends with ``RESULT distinct=N analysis_s=S idle_p95_ms=A busy_p95_ms=B errors=E``.

    python benchmarks/web_during_analysis.py [--quick] [--size 100000] [--idle 30]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from _common import ROOT, TemporaryPostgres, django_setup, percentile, record, table
from _distinct import distinct_texts

PACKAGES = ("django", "gunicorn", "psycopg", "model2vec", "scikit-learn")
PASSWORD = "web-during-analysis-2026"  # noqa: S105 (a scratch database's only user)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def model_dir() -> str:
    """The fast analysis model, distilled once; the test suite's copy saves minutes."""
    if os.environ.get("CHORUS_MODEL_DIR"):
        return os.environ["CHORUS_MODEL_DIR"]
    for folder in (ROOT / "data" / "models", Path(tempfile.gettempdir()) / "chorus-test-data" / "models"):
        if (folder / "minilm-l6-static-256").exists():
            return str(folder)
    return str(ROOT / "data" / "models")


def prepare(texts: list[str]) -> dict[str, object]:
    """Migrate; an analyst, and a question with ``texts`` as its answers."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from chorus.accounts.models import Role, User
    from chorus.consultations.models import Answer, Consultation, Question, Response, Section

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.create(email="analyst@example.gov.uk", full_name="Ana Lyst", role=Role.ANALYST)
    user.set_password(PASSWORD)
    user.save()
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Court fees", summary="Views on fees", opens_at=now - timedelta(days=30), closes_at=now
    )
    section = Section.objects.create(consultation=consultation, title="Your views", order=1)
    question = Question.objects.create(section=section, kind="text", text="What could be better?", order=1)
    for start in range(0, len(texts), 20_000):
        chunk = texts[start : start + 20_000]
        responses = Response.objects.bulk_create(
            [Response(consultation=consultation, reference=f"W{start + n:08d}") for n in range(len(chunk))],
            batch_size=5000,
        )
        Answer.objects.bulk_create(
            [Answer(response=r, question=question, value=t) for r, t in zip(responses, chunk, strict=True)],
            batch_size=5000,
        )
    return {"user": user, "question": question}


class Web:
    """gunicorn and one task worker, as the deployment guide runs them."""

    def __init__(self, port: int, logs: Path) -> None:
        self.port, self.logs = port, logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Web:
        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT)}
        commands = {
            "web": [
                sys.executable, "-m", "gunicorn", "chorus.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "60", "--log-level", "warning",
            ],
            "worker": [sys.executable, "-m", "chorus.cli", "worker", "--worker-id", "w1", "--interval", "0.5"],
        }  # fmt: skip
        for name, command in commands.items():
            log = (self.logs / f"{name}.log").open("wb")
            self.processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start: see {self.logs}")

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("The sign-in page has no CSRF token.")
    answer = session.post(
        f"{base}/sign-in/",
        data={"csrfmiddlewaretoken": token.group(1), "email": email, "password": PASSWORD},
        headers={"Referer": f"{base}/sign-in/"},
        timeout=30,
    )
    if "sign-in" in answer.url:
        raise RuntimeError("The analyst could not sign in.")
    return session


class Clients:
    """Signed-in analysts opening the pages in turn; times are kept per phase."""

    def __init__(self, base: str, email: str, pages: list[str], count: int) -> None:
        self.base, self.pages = base, pages
        self.sessions = [signed_in(base, email) for _ in range(count)]
        self.phase = "idle"
        self.times: dict[str, list[float]] = {"idle": [], "busy": []}
        self.errors: dict[str, int] = {"idle": 0, "busy": 0}
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _loop(self, session: requests.Session, offset: int) -> None:
        turn = offset
        while not self.stop.is_set():
            page = self.pages[turn % len(self.pages)]
            turn += 1
            phase = self.phase
            started = time.perf_counter()
            try:
                ok = session.get(self.base + page, timeout=60).status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                if ok:
                    self.times[phase].append(elapsed)
                else:
                    self.errors[phase] += 1
            # A person reads a page before opening the next.
            self.stop.wait(0.5)

    def __enter__(self) -> Clients:
        self.threads = [
            threading.Thread(target=self._loop, args=(s, n), daemon=True) for n, s in enumerate(self.sessions)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=70)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5,000 answers and 10 idle seconds")
    parser.add_argument("--size", type=int, default=100_000, help="distinct answers to analyse")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of page times before the analysis")
    parser.add_argument("--no-record", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    size, idle = (5000, 10.0) if args.quick else (args.size, args.idle)

    texts = distinct_texts(size, seed=22)
    scratch = Path(tempfile.mkdtemp(prefix="chorus-web-analysis-"))
    os.environ.update(
        {
            "CHORUS_MODEL_DIR": model_dir(),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONPATH": str(ROOT),
        }
    )
    port = free_port()
    with TemporaryPostgres(port=free_port()) as url:
        django_setup(scratch, url)
        from django.urls import reverse

        from chorus.analysis.models import AnalysisRun
        from chorus.analysis.services import run_create

        loaded = time.perf_counter()
        made = prepare(texts)
        loaded = time.perf_counter() - loaded
        question = made["question"]
        with Web(port, scratch):
            base = f"http://127.0.0.1:{port}"
            pages = [
                reverse("core:staff_home"),
                reverse("directory:person_list"),
                reverse("consultations:consultation_list"),
                reverse("analysis:run_list"),
            ]
            clients = Clients(base, "analyst@example.gov.uk", pages, count=2)
            with clients:
                time.sleep(idle)
                run = run_create(
                    actor=made["user"], subject="question", target=question, mode="fast", framework=[]
                )
                clients.pages = [*pages, reverse("analysis:run_detail", args=[run.code])]
                clients.phase = "busy"
                started = time.perf_counter()
                limit = started + (600 if args.quick else 3600)
                while time.perf_counter() < limit:
                    run.refresh_from_db()
                    if run.status in (AnalysisRun.Status.DONE, AnalysisRun.Status.FAILED):
                        break
                    time.sleep(1)
                analysis_s = time.perf_counter() - started
                clients.phase = "after"
                clients.times["after"], clients.errors["after"] = [], 0
    if run.status != AnalysisRun.Status.DONE:
        print(f"The analysis did not finish: {run.get_status_display()} (logs in {scratch})")
        return 1

    rows = []
    for phase in ("idle", "busy"):
        values = clients.times[phase]
        rows.append(
            [
                phase,
                len(values),
                clients.errors[phase],
                f"{percentile(values, 0.5):.0f}" if values else "-",
                f"{percentile(values, 0.95):.0f}" if values else "-",
                f"{max(values):.0f}" if values else "-",
            ]
        )
    text = table(["phase", "pages opened", "errors", "p50 ms", "p95 ms", "slowest ms"], rows)
    idle_p95 = percentile(clients.times["idle"], 0.95) if clients.times["idle"] else 0.0
    busy_p95 = percentile(clients.times["busy"], 0.95) if clients.times["busy"] else 0.0
    errors = clients.errors["idle"] + clients.errors["busy"]
    result = (
        f"RESULT distinct={size} analysis_s={analysis_s:.0f} idle_p95_ms={idle_p95:.0f} "
        f"busy_p95_ms={busy_p95:.0f} errors={errors}"
    )
    notes = (
        f"{size:,} distinct answers to one question (the database migrated and the answers stored in {loaded:.0f} s, not counted), analysed in "
        f"fast mode by one `chorus worker` through the real task (stored included) in {analysis_s:.0f} s, "
        "while two signed-in analysts opened the staff home, the directory, the consultations list, the "
        "analyses list and (while busy) the analysis's own page, each pausing half a second between pages, "
        "against gunicorn with two workers, all on this one machine with PostgreSQL. "
        f"Responsive (busy p95 under 1,000 ms, no errors): {'yes' if busy_p95 < 1000 and errors == 0 else 'no'}."
    )
    print(text)
    print(notes)
    if not args.no_record:
        record("Staff pages during a large analysis", PACKAGES, text, notes, result=result)
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
