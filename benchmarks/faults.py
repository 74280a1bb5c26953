"""Faults on the production shape: tasks that recover and processes that ride out a database restart.

Starts PostgreSQL (Debian's packages, on loopback), migrates, and queues four pieces of
work: a fast analysis of free-text answers (read from --data, the NHS patient feedback
file), an import of people into the directory, a CSV export of the directory (where the
export tasks exist), and a bulletin to a few hundred subscribers written by Django's file
email backend, so that every message can be counted per recipient. Then it runs two
`chorus worker` and two `chorus scheduler` processes and, while the work runs:

1. kills (SIGKILL) the worker holding the bulletin send's lease, mid-send;
2. kills (SIGKILL) one scheduler;
3. restarts PostgreSQL (fast shutdown: every connection dropped);
4. starts the killed worker and scheduler again 2 s after the kill, as systemd's
   Restart=always would.

Leases are short for the run (heartbeat 1 s, lease 5 s; see docs/decisions/0006). It reports:
stuck (tasks still running with no live worker, and records left running, importing or
sending, once the work is done or the time is up), lost (work neither done nor reported:
answers not analysed, rows not imported, an export not written, subscribers with neither a
message nor an "unknown" delivery, and deliveries marked sent whose message never went),
duplicated (messages a subscriber got more than once), and recovery_s (from the kill
until every task the killed worker held was queued again or failed).

    python benchmarks/faults.py [--quick] [--data FOLDER]
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
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from _common import ROOT, SHARED_DATA, TemporaryPostgres, django_setup, record, table
from _feedback import nhs

PACKAGES = ("django", "django-tasks", "django-tasks-db", "psycopg")
HEARTBEAT, LEASE = 1, 5


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


def retrying(read: Callable[[], Any]) -> Any:
    """Run a read, waiting out the database restart the benchmark causes."""
    from django.db import InterfaceError, OperationalError, connections

    for _attempt in range(120):
        try:
            return read()
        except (OperationalError, InterfaceError):
            for connection in connections.all(initialized_only=True):
                try:
                    connection.close()
                except (OperationalError, InterfaceError):
                    connection.connection = None
            time.sleep(0.5)
    raise RuntimeError("The database did not come back within a minute.")


def prepare(texts: list[str], people: int, subscribers: int) -> dict[str, Any]:
    """Migrate and queue the four pieces of work; return what to watch."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from chorus.accounts.models import Role, User
    from chorus.analysis.services import run_create
    from chorus.bulletins.models import Bulletin, Subscriber
    from chorus.bulletins.services import bulletin_send
    from chorus.consultations.models import Answer, Consultation, Question, Response, Section
    from chorus.core.tasks import enqueue_after_commit
    from chorus.directory import imports

    call_command("migrate", verbosity=0)
    user = User.objects.create(
        email="faults@example.gov.uk", full_name="Fault Finder", role=Role.ADMINISTRATOR
    )
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Faults", summary="Answers to analyse", opens_at=now, closes_at=now + timedelta(days=1)
    )
    section = Section.objects.create(consultation=consultation, title="Your views", order=1)
    question = Question.objects.create(section=section, kind="text", text="What could be better?", order=1)
    responses = Response.objects.bulk_create(
        [Response(consultation=consultation, reference=f"F{n:07d}") for n in range(len(texts))],
        batch_size=2000,
    )
    Answer.objects.bulk_create(
        [Answer(response=r, question=question, value=t) for r, t in zip(responses, texts, strict=True)],
        batch_size=2000,
    )
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"subscriber{n}@example.org", status=Subscriber.Status.ACTIVE)
            for n in range(subscribers)
        ]
    )
    bulletin = Bulletin.objects.create(
        title="Faults", subject="News", body="Some news, [read more](https://example.org)."
    )

    rows = ["first_name,last_name,email,postcode"] + [
        f"Person{n},Surname{n % 97},person{n}@example.net,SW1A {n % 9}AA" for n in range(people)
    ]
    upload = SimpleUploadedFile("people.csv", "\n".join(rows).encode())
    job = imports.import_start(actor=user, upload=upload, kind="people")
    imports.import_map(job, job.mapping)
    job.refresh_from_db()

    export_code = None
    with transaction.atomic():
        run = run_create(actor=user, subject="question", target=question, mode="fast", framework=[])
        imports.import_confirm(
            job=job, on_match="link", source="faults benchmark", lawful_basis="public_task"
        )
        enqueue_after_commit(imports.import_run_task, job.pk)
        try:
            from chorus.core.exports import export_start

            export_code = export_start(
                user=user,
                exporter="directory.people",
                params={},
                file_format="csv",
                title="People",
                download_name="people",
            ).code
        except (ImportError, KeyError):
            export_code = None  # no export tasks in this version
    bulletin_send(bulletin=bulletin, actor=user)
    return {"run": run.pk, "job": job.pk, "bulletin": bulletin.pk, "export": export_code}


class Processes:
    """Chorus's workers and schedulers as subprocesses, as a supervisor would run them."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.schedulers: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def _start(self, *arguments: str) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self.logs / f"process-{self.started}.log").open("wb")
        command = [sys.executable, "-m", "chorus.cli", *arguments]
        return subprocess.Popen(
            command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
        )

    def worker(self, worker_id: str) -> None:
        self.workers[worker_id] = self._start("worker", "--worker-id", worker_id, "--interval", "0.2")

    def scheduler(self) -> None:
        self.schedulers.append(self._start("scheduler", "--interval", "5"))

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in [*self.workers.values(), *self.schedulers] if p.poll() is None]

    def stop(self) -> None:
        for process in self.alive():
            process.terminate()
        for process in [*self.workers.values(), *self.schedulers]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def mail_counts(folder: Path) -> Counter[str]:
    """Messages per recipient in the file email backend's files."""
    counts: Counter[str] = Counter()
    for path in folder.glob("*.log") if folder.exists() else []:
        for address in re.findall(r"^To: (.+)$", path.read_text(errors="replace"), flags=re.M):
            counts[address.strip().lower()] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=SHARED_DATA / "feedback", help="folder with the NHS feedback file"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, about a minute")
    args = parser.parse_args()
    answers, people, subscribers = (600, 1000, 300) if args.quick else (8000, 2000, 2000)
    limit = 120 if args.quick else 600

    texts = [r.text for r in nhs(args.data) if r.text][:answers]
    scratch = Path(tempfile.mkdtemp(prefix="chorus-faults-"))
    os.environ.update(
        {
            "CHORUS_TASK_HEARTBEAT_SECONDS": str(HEARTBEAT),
            "CHORUS_TASK_LEASE_SECONDS": str(LEASE),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "CHORUS_BULLETIN_RATE": "30" if args.quick else "50",
            "CHORUS_BULLETIN_BATCH": "10",
            "CHORUS_MODEL_DIR": model_dir(),
            "CHORUS_SENSITIVE_CLASSIFIER": "false",
            "PYTHONPATH": str(ROOT),
        }
    )
    database = TemporaryPostgres(port=free_port())
    processes = Processes(scratch)
    marks: dict[str, float] = {}
    with database as url:
        django_setup(scratch, url)
        from django.conf import settings
        from django.utils import timezone
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from chorus.analysis.models import AnalysisRun
        from chorus.bulletins.models import Bulletin, Delivery
        from chorus.core.models import TaskLease
        from chorus.directory.models import ImportJob

        try:
            from chorus.core.models import ExportFile
        except ImportError:  # a version without export tasks
            ExportFile = None  # type: ignore[assignment,misc]

        started = time.monotonic()
        work = prepare(texts, people, subscribers)
        marks["prepared"] = time.monotonic() - started
        for worker_id in ("w1", "w2"):
            processes.worker(worker_id)
        processes.scheduler()
        processes.scheduler()
        t0 = time.monotonic()

        # 1. Kill the worker sending the bulletin, once it has sent some.
        victim, held = None, []
        while time.monotonic() - t0 < 60:
            lease = TaskLease.objects.filter(task_path__endswith="bulletin_deliver").first()
            sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
            if lease is not None and sent >= subscribers // 10:
                victim = lease.worker_id
                break
            time.sleep(0.1)
        if victim is None:
            raise SystemExit("The bulletin send never started: see the process logs in " + str(scratch))
        held = [
            str(pk) for pk in TaskLease.objects.filter(worker_id=victim).values_list("task_id", flat=True)
        ]
        processes.workers[victim].send_signal(signal.SIGKILL)
        marks["kill"] = time.monotonic()
        # 2. Kill a scheduler.
        time.sleep(1)
        processes.schedulers[0].send_signal(signal.SIGKILL)
        # 3. Restart PostgreSQL.
        time.sleep(0.5)
        marks["restart"] = time.monotonic()
        database.restart()
        marks["database back"] = time.monotonic()
        # 4. Start the killed processes again, as a supervisor would.
        time.sleep(max(0.0, marks["kill"] + 2 - time.monotonic()))
        processes.worker(f"{victim}-again")
        processes.scheduler()

        def busy() -> bool:
            state = [
                AnalysisRun.objects.get(pk=work["run"]).status in ("queued", "running"),
                ImportJob.objects.get(pk=work["job"]).status in ("checking", "importing"),
                Bulletin.objects.get(pk=work["bulletin"]).status == Bulletin.Status.SENDING,
            ]
            if work["export"] and ExportFile is not None:
                state.append(ExportFile.objects.get(code=work["export"]).status in ("queued", "running"))
            return any(state)

        def recovered() -> bool:
            return not DBTaskResult.objects.filter(pk__in=held, status=TaskResultStatus.RUNNING).exists()

        window = marks["database back"] + LEASE + HEARTBEAT + 2
        while time.monotonic() - t0 < limit:
            if "recovered" not in marks and retrying(recovered):
                marks["recovered"] = time.monotonic()
            if "recovered" in marks and not retrying(busy) and time.monotonic() >= window:
                break
            time.sleep(0.5)
        marks["end"] = time.monotonic()
        processes.stop()

        # What the faults left.
        cutoff = timezone.now() - timedelta(seconds=LEASE)
        fresh = set(TaskLease.objects.filter(beat_at__gte=cutoff).values_list("task_id", flat=True))
        stuck_tasks = (
            DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exclude(pk__in=fresh).count()
        )
        run = AnalysisRun.objects.get(pk=work["run"])
        job = ImportJob.objects.get(pk=work["job"])
        bulletin = Bulletin.objects.get(pk=work["bulletin"])
        deliveries = Counter(Delivery.objects.filter(bulletin=bulletin).values_list("status", flat=True))
        export = (
            ExportFile.objects.get(code=work["export"]) if work["export"] and ExportFile is not None else None
        )
        stuck_records = (
            (run.status == AnalysisRun.Status.RUNNING)
            + (job.status in ("checking", "importing"))
            + deliveries[Delivery.Status.SENDING]
            + (export is not None and export.status == "running")
        )
        counts = mail_counts(Path(settings.EMAIL_FILE_PATH))
        sent_to = set(
            Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.SENT).values_list(
                "subscriber__email", flat=True
            )
        )
        sent_not_received = sum(1 for address in sent_to if counts[address.lower()] == 0)
        unknown_received = sum(
            1
            for address in Delivery.objects.filter(
                bulletin=bulletin, status=Delivery.Status.UNKNOWN
            ).values_list("subscriber__email", flat=True)
            if counts[address.lower()]
        )
        duplicated = sum(n - 1 for address, n in counts.items() if n > 1 and address.endswith("@example.org"))
        lost_answers = 0 if run.status == AnalysisRun.Status.DONE else len(texts)
        lost_rows = max(0, job.valid_rows - job.processed_rows)
        lost_export = 1 if export is not None and export.status != "ready" else 0
        lost_deliveries = (
            deliveries[Delivery.Status.QUEUED] + deliveries[Delivery.Status.SENDING] + sent_not_received
        )
        lost = lost_answers + lost_rows + lost_export + lost_deliveries
        stuck = stuck_tasks + stuck_records
        recovery = marks.get("recovered", marks["end"]) - marks["kill"]

    rows = [
        [
            "analysis (fast)",
            f"{len(texts)} answers",
            run.status,
            f"{run.item_count} analysed; lost {lost_answers}",
        ],
        [
            "import of people",
            f"{job.valid_rows} rows",
            job.status,
            f"{job.processed_rows} imported ({job.created_count} new); lost {lost_rows}",
        ],
        [
            "export of the directory",
            "CSV",
            export.status if export is not None else "n/a (no export tasks)",
            f"{export.rows_written} rows" if export is not None else "",
        ],
        [
            "bulletin send",
            f"{subscribers} subscribers",
            bulletin.status,
            f"{deliveries[Delivery.Status.SENT]} sent, {deliveries[Delivery.Status.UNKNOWN]} unknown "
            f"({unknown_received} of them received), {deliveries[Delivery.Status.QUEUED]} queued, "
            f"{sent_not_received} marked sent but never written; {duplicated} sent twice",
        ],
    ]
    text = table(["work", "size", "ended", "what happened"], rows)
    notes = (
        f"PostgreSQL {database.bin.parent.name} on loopback; two `chorus worker` and two `chorus scheduler` "
        f"processes; heartbeat {HEARTBEAT} s, lease {LEASE} s. Prepared (migrate and queue) in "
        f"{marks['prepared']:.0f} s. The worker killed held {len(held)} task(s); PostgreSQL's restart took "
        f"{marks['database back'] - marks['restart']:.1f} s; the killed worker and scheduler were started again "
        f"2 s after the kill. Every task the killed worker held was queued again or failed {recovery:.1f} s after "
        f"the kill (bound: lease + heartbeat after its last heartbeat); all work ended "
        f"{marks['end'] - marks['kill']:.0f} s after the kill. Stuck: {stuck_tasks} task(s) running with no live "
        f"worker, {stuck_records} records left running, importing or sending. Process logs: {scratch}."
    )
    print(text)
    print(notes)
    result = f"RESULT stuck={stuck} lost={lost} duplicated={duplicated} recovery_s={recovery:.1f}"
    record("Faults: tasks that recover", PACKAGES, text, notes, result=result)
    print(result)
    return 0 if stuck == lost == duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
