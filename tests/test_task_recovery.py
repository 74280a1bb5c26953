"""Tasks that recover: leases, the reaper, the apps' recovery hooks, workers and the
scheduler that outlast a database restart, and the pages people see meanwhile
(docs/decisions/0006-task-leases.md)."""

from __future__ import annotations

import logging
import os
import signal
import uuid
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from chorus.accounts.models import Role
from chorus.analysis.models import AnalysisRun
from chorus.analysis.services import run_analysis
from chorus.bulletins.models import Bulletin, Delivery
from chorus.core.leases import WorkerStopped, tasks_reap
from chorus.core.management.commands.worker import Worker
from chorus.core.models import AuditEntry, TaskLease
from chorus.core.outage import DatabaseOutageMiddleware
from chorus.core.tasks import Interrupted, background, on_interrupted
from chorus.directory.imports import import_run_task
from chorus.directory.models import ImportJob
from tests.conftest import sign_in
from tests.factories import AnalysisRunFactory, BulletinFactory, DeliveryFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(minutes=10)


@background()
def noted(*, note: str) -> str:
    """A test task: does nothing but say what it was given."""
    return note


@background()
def takes_its_own_lease_away() -> str:
    """A test task whose lease the reaper takes while it runs (its worker seemed dead)."""
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(status=TaskResultStatus.READY)
    TaskLease.objects.all().delete()
    return "too late"


@background()
def finds_its_lease() -> bool:
    return TaskLease.objects.filter(worker_id="worker-a").exists()


@background()
def loses_the_database() -> None:
    raise OperationalError("server closed the connection unexpectedly")


HEARD: list[Interrupted] = []


@on_interrupted(loses_the_database)
def heard(stopped: Interrupted) -> None:
    HEARD.append(stopped)


def running_task(
    task_path: str,
    *,
    args: list[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    runs: int = 1,
    beat_ago: timedelta | None = LONG_AGO,
    started_ago: timedelta = LONG_AGO,
) -> DBTaskResult[Any, Any]:
    """A task a worker claimed ``runs`` times, the last one ``started_ago``, with a lease last
    renewed ``beat_ago`` (None: no lease written yet)."""
    now = timezone.now()
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path=task_path,
        args_kwargs={"args": args or [], "kwargs": kwargs or {}},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        started_at=now - started_ago,
        worker_ids=[f"worker-{n}" for n in range(runs)],
    )
    if beat_ago is not None:
        TaskLease.objects.create(
            task_id=row.pk, task_path=task_path, worker_id=f"worker-{runs - 1}", beat_at=now - beat_ago
        )
    return row


def ready_task(task_path: str, **kwargs: Any) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        task_path=task_path,
        args_kwargs={"args": [], "kwargs": kwargs},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )


@pytest.fixture
def kept_connection() -> Any:
    """The worker closes connections that are in a transaction between tasks, as Django does
    between requests; here the test's own transaction must stay open (on PostgreSQL closing
    it would end the test's data)."""
    with mock.patch("chorus.core.management.commands.worker.close_old_connections") as patched:
        yield patched


def worker(**options: Any) -> Worker:
    settings = {
        "queue_names": ["*"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "worker-a",
        "excluded_queue_names": [],
    }
    return Worker(**{**settings, **options})


# The reaper


def test_a_running_task_whose_heartbeat_stopped_is_queued_again() -> None:
    row = running_task("tests.test_task_recovery.noted", kwargs={"note": "hello"})

    [stopped] = tasks_reap()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert stopped.requeued and stopped.attempts == 1
    assert not TaskLease.objects.filter(task_id=row.pk).exists()


def test_a_task_whose_worker_stopped_three_times_is_marked_failed_with_the_reason() -> None:
    row = running_task("tests.test_task_recovery.noted", kwargs={"note": "hello"}, runs=3)

    [stopped] = tasks_reap()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert not stopped.requeued
    assert row.exception_class_path == f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}"
    assert "the worker running this task stopped" in row.traceback
    assert row.finished_at is not None


def test_a_task_with_a_recent_heartbeat_is_left_running() -> None:
    row = running_task("tests.test_task_recovery.noted", beat_ago=timedelta(seconds=5))

    assert tasks_reap() == []
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_a_task_claimed_a_moment_ago_without_a_lease_yet_is_left_running() -> None:
    row = running_task("tests.test_task_recovery.noted", beat_ago=None, started_ago=timedelta(seconds=1))

    assert tasks_reap() == []
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_a_task_that_no_longer_exists_is_marked_failed_at_once() -> None:
    row = running_task("chorus.gone.away")

    tasks_reap()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED


# The apps' records


def test_an_analysis_whose_worker_stopped_waits_to_run_again() -> None:
    run = AnalysisRunFactory(status=AnalysisRun.Status.RUNNING, stage="Finding themes", progress=0.4)
    running_task("chorus.analysis.services.runs.run_analysis", args=[run.pk])

    tasks_reap()

    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.QUEUED
    assert run.progress == 0


def test_an_analysis_given_up_is_failed_with_the_reason_and_staff_can_try_it_again(
    client: Client, team: Any
) -> None:
    run = AnalysisRunFactory(status=AnalysisRun.Status.RUNNING, team=team)
    running_task("chorus.analysis.services.runs.run_analysis", args=[run.pk], runs=3)

    tasks_reap()

    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert "did not finish: the worker running it stopped" in run.error
    analyst = UserFactory(role=Role.ANALYST, teams=[team])
    page = sign_in(client, analyst).get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert "the worker running it stopped" in page
    assert "Try the analysis again" in page

    with mock.patch("chorus.analysis.services.runs.enqueue_after_commit") as enqueue:
        response = client.post(reverse("analysis:run_retry", args=[run.code]))

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.QUEUED and run.error == ""
    enqueue.assert_called_once_with(run_analysis, run.pk)
    assert AuditEntry.objects.filter(object_id=str(run.code), detail__retried=True).exists()


def test_a_viewer_sees_no_retry_button(client: Client, team: Any, viewer: Any) -> None:
    run = AnalysisRunFactory(status=AnalysisRun.Status.FAILED, team=team, error="It broke.")

    page = sign_in(client, viewer).get(reverse("analysis:run_detail", args=[run.code])).content.decode()

    assert "It broke." in page
    assert "Try the analysis again" not in page


def test_an_import_whose_worker_stopped_for_good_is_failed_and_keeps_its_file() -> None:
    job = ImportJob.objects.create(
        original_name="people.csv", file="imports/people.csv", status=ImportJob.Status.IMPORTING
    )
    running_task("chorus.directory.imports.import_run_task", args=[job.pk], runs=3)

    tasks_reap()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "the worker running it stopped" in job.failure
    assert job.file.name == "imports/people.csv"


def test_staff_can_try_a_failed_import_again_from_where_it_stopped(client: Client, officer: Any) -> None:
    job = ImportJob.objects.create(
        original_name="people.csv",
        file="imports/people.csv",
        status=ImportJob.Status.FAILED,
        failure="The import stopped because the worker running it stopped.",
        created_by=officer,
        lawful_basis="public_task",
        valid_rows=10,
        processed_rows=4,
    )
    progress = sign_in(client, officer).get(reverse("directory:import_progress", args=[job.code]))
    assert "Try the import again" in progress.content.decode()

    with mock.patch("chorus.directory.imports.enqueue_after_commit") as enqueue:
        response = client.post(reverse("directory:import_retry", args=[job.code]))

    assert response.status_code == 302
    assert response["Location"] == reverse("directory:import_progress", args=[job.code])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING and job.failure == ""
    enqueue.assert_called_once_with(import_run_task, job.pk)


def test_an_import_whose_file_was_refused_cannot_be_tried_again(client: Client, officer: Any) -> None:
    job = ImportJob.objects.create(
        original_name="people.csv",
        status=ImportJob.Status.FAILED,
        failure="Too many rows.",
        created_by=officer,
    )

    page = sign_in(client, officer).get(reverse("directory:import_check", args=[job.code])).content.decode()
    assert "Try the import again" not in page
    with mock.patch("chorus.directory.imports.enqueue_after_commit") as enqueue:
        client.post(reverse("directory:import_retry", args=[job.code]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    enqueue.assert_not_called()


def test_an_import_queued_again_carries_on_importing() -> None:
    job = ImportJob.objects.create(
        original_name="people.csv", file="imports/people.csv", status=ImportJob.Status.IMPORTING
    )
    task = running_task("chorus.directory.imports.import_run_task", args=[job.pk])

    tasks_reap()

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING
    assert task.status == TaskResultStatus.READY


def test_deliveries_a_stopped_sender_had_claimed_become_unknown_and_the_rest_go_later() -> None:
    bulletin = BulletinFactory(status=Bulletin.Status.SENDING)
    now = timezone.now()
    claimed = DeliveryFactory(
        bulletin=bulletin, status=Delivery.Status.SENDING, claimed_at=now - LONG_AGO - timedelta(seconds=5)
    )
    queued = DeliveryFactory(bulletin=bulletin, status=Delivery.Status.QUEUED)
    another_sender = DeliveryFactory(bulletin=bulletin, status=Delivery.Status.SENDING, claimed_at=now)
    task = running_task(
        "chorus.bulletins.services.sending.bulletin_deliver", kwargs={"bulletin_id": bulletin.pk}
    )

    tasks_reap()

    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses[claimed.pk] == Delivery.Status.UNKNOWN
    assert statuses[queued.pk] == Delivery.Status.QUEUED
    assert statuses[another_sender.pk] == Delivery.Status.SENDING
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


# The worker


def test_the_worker_holds_a_lease_while_a_task_runs_and_lets_it_go_after(kept_connection: Any) -> None:
    row = ready_task("tests.test_task_recovery.finds_its_lease")

    worker().run()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value is True
    assert not TaskLease.objects.exists()


def test_a_worker_whose_task_was_taken_from_it_keeps_none_of_the_result(kept_connection: Any) -> None:
    row = ready_task("tests.test_task_recovery.takes_its_own_lease_away")

    worker(max_tasks=1).run()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert row.return_value is None


def test_a_task_that_lost_the_database_is_queued_again(kept_connection: Any) -> None:
    row = ready_task("tests.test_task_recovery.loses_the_database")

    HEARD.clear()

    worker(max_tasks=1).run()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    # Its app hears of it, as from the reaper, so a record the task could not mark is put right.
    assert [(h.task_id, h.requeued) for h in HEARD] == [(str(row.pk), True)]


def test_the_worker_waits_out_a_database_restart_and_carries_on(
    caplog: pytest.LogCaptureFixture, kept_connection: Any
) -> None:
    row = ready_task("tests.test_task_recovery.noted", note="after the restart")
    gone = OperationalError("terminating connection due to administrator command")
    with (
        mock.patch("chorus.core.management.commands.worker.tasks_reap", side_effect=[gone, []]),
        mock.patch("chorus.core.outage.Backoff.next_wait", return_value=0.0),
        caplog.at_level(logging.WARNING),
    ):
        worker().run()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert "lost the database" in caplog.text


# The scheduler


def test_the_scheduler_waits_out_a_database_restart_and_carries_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    gone = OperationalError("could not connect to server: Connection refused")
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    naps = 0

    def nap(seconds: float) -> None:
        nonlocal naps
        naps += 1
        if naps == 3:  # stop as a supervisor would, once it has carried on
            os.kill(os.getpid(), signal.SIGTERM)

    try:
        with (
            mock.patch(
                "chorus.core.management.commands.scheduler.schedule_due", side_effect=[gone, ["a job"]]
            ),
            mock.patch("chorus.core.management.commands.scheduler.tasks_reap", return_value=[]),
            mock.patch("chorus.core.management.commands.scheduler.close_old_connections"),
            mock.patch("chorus.core.outage.Backoff.next_wait", return_value=0.0),
            mock.patch("chorus.core.management.commands.scheduler.time.sleep", side_effect=nap),
        ):
            call_command("scheduler")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    out = capsys.readouterr()
    assert "Database unavailable" in out.err
    assert "Queued a job" in out.out


# The web while the database is away


def database_away() -> Any:
    gone = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=gone)


def test_the_health_check_answers_503_while_the_database_is_away(client: Client) -> None:
    with database_away():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_public_pages_say_try_again_shortly_with_retry_after_while_the_database_is_away(
    client: Client,
) -> None:
    with database_away():
        response = client.get(reverse("core:accessibility"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Try again shortly." in page


def test_the_page_for_a_database_outage_is_in_welsh_under_cy(client: Client) -> None:
    with database_away():
        response = client.get("/cy/accessibility/")

    assert response.status_code == 503
    assert '<html lang="cy"' in response.content.decode()


def test_an_api_answers_503_in_json_while_the_database_is_away(rf: RequestFactory) -> None:
    request = rf.post("/api/feedback/v1/feedback")
    outage = DatabaseOutageMiddleware(lambda request: HttpResponse())

    response = outage.process_exception(request, OperationalError("the database system is starting up"))

    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"


def test_a_lease_names_its_task_and_worker() -> None:
    lease = TaskLease(task_id=uuid.uuid4(), task_path="a.task", worker_id="w1", beat_at=timezone.now())
    assert str(lease) == "a.task on w1"
