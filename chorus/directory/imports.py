"""Importing people or organisations into the directory from CSV or XLSX.

The directory's table of import kinds and the tasks that run its jobs through the
shared pipeline (``chorus.core.imports.files``): read, map columns, check every row,
then, once a person has seen the check and chosen, import the valid rows in atomic
batches that record their progress, so a rerun carries on where a crash stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chorus.core.imports import files
from chorus.core.imports.kinds import ImportKind
from chorus.core.spreadsheets import SpreadsheetError
from chorus.core.tasks import Interrupted, background, enqueue_after_commit, on_interrupted
from chorus.directory.import_organisations import ORGANISATIONS
from chorus.directory.import_people import PEOPLE
from chorus.directory.models import ImportJob

KINDS: dict[str, ImportKind] = {
    ImportJob.Kind.PEOPLE: PEOPLE,
    ImportJob.Kind.ORGANISATIONS: ORGANISATIONS,
}

# Whatever is wrong with a file is a SpreadsheetError; the directory's name for it stays.
ImportFileError = SpreadsheetError


def kind_of(job: ImportJob) -> ImportKind:
    return KINDS[job.kind]


def import_start(*, actor: Any, upload: Any, team: Any = None, kind: str = "people") -> ImportJob:
    """Store an uploaded file after the cheap checks, and read it now if it is small; a bigger
    file is read by ``import_read_task``. Raises ImportFileError, leaving nothing behind."""
    job, read_later = files.import_start(
        ImportJob(created_by=actor, team=team, kind=kind), upload, KINDS[kind]
    )
    if read_later:
        enqueue_after_commit(import_read_task, job.pk)
    return job


@background(queue="default")
def import_read_task(job_id: int) -> int:
    job = ImportJob.objects.get(pk=job_id)
    return files.import_read_job(job, kind_of(job))


def import_map(job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Keep the chosen columns and check the rows: now for a small file, by a task for a big one."""
    if files.import_map(job, mapping):
        enqueue_after_commit(import_check_task, job.pk)
    else:
        import_check_job(job.pk)
    return job


def import_check(job: ImportJob) -> ImportJob:
    """Check every row and find who or what each row already is. Writes only to the job."""
    return files.import_check(job, kind_of(job))


def import_check_job(job_id: int) -> int:
    job = ImportJob.objects.get(pk=job_id)
    return files.import_check_job(job, kind_of(job))


@background(queue="default")
def import_check_task(job_id: int) -> int:
    return import_check_job(job_id)


def import_confirm(*, job: ImportJob, on_match: str, source: str, lawful_basis: str) -> ImportJob:
    """Record what a person chose for the checked rows; ``import_run_task`` then imports them."""
    job.on_match, job.source, job.lawful_basis = on_match, source, lawful_basis
    job.status = ImportJob.Status.IMPORTING
    job.save(update_fields=["on_match", "source", "lawful_basis", "status", "updated_at"])
    return job


def import_run(job: ImportJob) -> ImportJob:
    """Import the valid rows in atomic batches, from where any earlier run stopped."""
    return files.import_run(job, kind_of(job))


@background(queue="default")
def import_run_task(job_id: int) -> int:
    job = ImportJob.objects.get(pk=job_id)
    return files.import_run_job(job, kind_of(job))


def import_retry(job: ImportJob) -> ImportJob:
    """Take up a failed job again from where it stopped, with its kept file: write the rest of
    a confirmed import, or check (or read) the rows again. Raises ValueError when the job
    has not failed or its file is gone (refused files are removed: upload it again)."""
    if job.status != ImportJob.Status.FAILED or not job.file:
        raise ValueError("Only a failed import whose file is kept can be tried again.")
    if job.lawful_basis:  # confirmed, so the rows were checked and it was writing them
        job.status, task = ImportJob.Status.IMPORTING, import_run_task
    elif job.headers:
        job.status, task = ImportJob.Status.CHECKING, import_check_task
    else:
        job.status, task = ImportJob.Status.UPLOADED, import_read_task
    job.failure = ""
    job.save(update_fields=["status", "failure", "updated_at"])
    enqueue_after_commit(task, job.pk)
    return job


@on_interrupted(import_read_task, import_check_task, import_run_task)
def import_task_interrupted(stopped: Interrupted) -> None:
    files.import_interrupted(ImportJob, stopped.argument("job_id"), requeued=stopped.requeued)


def rejected_rows(job: ImportJob) -> Iterator[list[str]]:
    return files.rejected_rows(job)
