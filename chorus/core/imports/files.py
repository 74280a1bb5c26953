"""The pipeline for a file kept with its job (``FileImport``): read, map, check, confirm, write.

Nothing is written until a person has seen the check and confirmed. A file is stored
only after the cheap checks, and its rows are read by a task, not the request, once it
is bigger than ``READ_NOW_BYTES``. A file refused on the way (over a limit, damaged)
marks its job failed with the reason and is removed, so a refused file leaves nothing.
Rows are written in atomic batches that add to the job's progress in the same
transaction, so a crash leaves whole batches and a rerun carries on where it stopped.

The app that owns the job model keeps its table of kinds and its tasks; each function
here takes the job and its ``ImportKind``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.core.hooks import event_happened
from chorus.core.imports.kinds import ImportKind
from chorus.core.imports.models import FileImport
from chorus.core.imports.rows import CheckedRow
from chorus.core.spreadsheets import Limits, SpreadsheetError, check, read_table

logger = logging.getLogger(__name__)

J = TypeVar("J", bound=FileImport)

# Files whose content is up to this size (a CSV's bytes, what a workbook unpacks to) are
# read while the person waits; bigger ones by a task, after only the cheap checks.
READ_NOW_BYTES = 1024 * 1024
# Files up to this many rows are checked while the person waits; bigger ones by a task.
CHECK_NOW_ROWS = 2000

# For a failure that is not the file's fault; the details go to the log, not the page.
UNEXPECTED = gettext_lazy(
    "Chorus could not finish. Try again, and if it happens again tell your Chorus administrator."
)


def limits() -> Limits:
    return Limits.from_settings()


def import_start(job: J, upload: Any, kind: ImportKind) -> tuple[J, bool]:
    """Store an uploaded file on the (unsaved) job after the cheap checks, and read it now if
    it is small. Returns the saved job and whether a task must read it. Raises
    ``SpreadsheetError``, leaving nothing behind."""
    checked = check(upload, upload.name, limits=limits())
    job.original_name = upload.name[:255]
    job.file.save(upload.name, upload, save=False)
    if checked.content_bytes > READ_NOW_BYTES:
        job.save()
        return job, True
    try:
        import_read(job, kind)
    except SpreadsheetError:
        job.file.delete(save=False)
        raise
    except Exception:
        job.file.delete(save=False)
        logger.exception("An uploaded import file could not be read")
        raise SpreadsheetError(
            _("Chorus could not read the file. Save it again as CSV UTF-8 and upload that.")
        ) from None
    job.save()
    return job, False


def import_read(job: J, kind: ImportKind) -> J:
    """Read the header, guess the columns and count the rows, within the import limits.
    Sets the job's fields without saving it."""
    with job.file.open("rb") as handle:
        table = read_table(handle, job.original_name, limits=limits())
        if not any(h for h in table.headers):
            raise SpreadsheetError(_("The header row is empty. Put the column names in the first row."))
        total = sum(1 for _row in table.rows)
    if total == 0:
        raise SpreadsheetError(_("The file has a header row but no rows under it."))
    job.headers = table.headers
    job.mapping = kind.guess_mapping(table.headers, job.created_by)
    job.total_rows = total
    return job


def refuse(job: FileImport, message: str, *, remove_file: bool = True) -> None:
    """Mark the job failed, saying why, and remove its file: a refused file leaves nothing."""
    job = type(job)._default_manager.get(pk=job.pk)
    if job.file and remove_file:
        job.file.delete(save=False)
    job.status = FileImport.Status.FAILED
    job.failure = message[:2000]
    job.save(update_fields=["file", "status", "failure", "updated_at"])


def import_read_job(job: FileImport, kind: ImportKind) -> int:
    """A task's reading of a big file; returns its number of rows."""
    try:
        import_read(job, kind)
    except SpreadsheetError as error:
        refuse(job, error.message)
        return 0
    except Exception:
        refuse(job, str(UNEXPECTED))
        raise
    job.save(update_fields=["headers", "mapping", "total_rows", "updated_at"])
    return job.total_rows


def rows(job: FileImport) -> Iterator[tuple[int, list[str]]]:
    with job.file.open("rb") as handle:
        yield from read_table(handle, job.original_name, limits=limits()).rows


def import_map(job: FileImport, mapping: dict[str, str]) -> bool:
    """Keep the columns a person chose and start the check. Returns whether the check must
    run in a task (a big file) rather than now."""
    job.mapping = mapping
    job.status = FileImport.Status.CHECKING
    job.save(update_fields=["mapping", "status", "updated_at"])
    return job.total_rows > CHECK_NOW_ROWS


def import_check(job: J, kind: ImportKind) -> J:
    """Check every row and find which rows are already in Chorus. Writes only to the job.
    Only the fields whoever started the import may see are read (a task runs this too)."""
    checker = kind.checker(job.headers, kind.mapping_for(job.mapping, job.created_by))
    problems: list[dict[str, Any]] = []
    valid: list[CheckedRow] = []
    for line, row in rows(job):
        checked = checker.check(line, row)
        if checked.errors:
            problems.append({"line": line, "errors": checked.errors})
        else:
            valid.append(checked)
    job.problems = problems
    job.valid_rows = len(valid)
    job.matches = kind.matcher(valid)
    job.status = FileImport.Status.CHECKED
    job.save(update_fields=["problems", "valid_rows", "matches", "status", "updated_at"])
    return job


def import_check_job(job: FileImport, kind: ImportKind) -> int:
    """Check a job's rows; a file refused on the way (over a limit, damaged) marks the job
    failed with the reason and is removed. Returns the number of valid rows."""
    try:
        import_check(job, kind)
    except SpreadsheetError as error:
        refuse(job, error.message)
        return 0
    except Exception:
        # Not the file's fault: keep it, so the check can be looked into and run again.
        refuse(job, str(UNEXPECTED), remove_file=False)
        raise
    return job.valid_rows


def import_cancel(job: FileImport) -> None:
    job.status = FileImport.Status.CANCELLED
    job.save(update_fields=["status", "updated_at"])


def import_run(job: J, kind: ImportKind) -> J:
    """Write the valid rows in atomic batches, from where any earlier run stopped."""
    if kind.writer is None:
        raise TypeError(f"The {kind.name} import has no batch writer")
    checker = kind.checker(job.headers, kind.mapping_for(job.mapping, job.created_by))
    write = kind.writer(job, checker)

    def run_batch(batch: list[CheckedRow]) -> None:
        # The batch and the progress that counts it commit together, or neither does.
        with transaction.atomic():
            created = write(batch)
            job.processed_rows += len(batch)
            job.created_count += created
            job.updated_count += len(batch) - created
            job.save(update_fields=["processed_rows", "created_count", "updated_count", "updated_at"])

    batch: list[CheckedRow] = []
    position = 0
    for line, row in rows(job):
        checked = checker.check(line, row)
        if checked.errors:
            continue
        position += 1
        if position <= job.processed_rows:
            continue
        batch.append(checked)
        if len(batch) >= kind.batch_size:
            run_batch(batch)
            batch = []
    if batch:
        run_batch(batch)
    job.status = FileImport.Status.DONE
    job.save(update_fields=["status", "updated_at"])
    event_happened("import_finished", job)
    return job


def import_run_job(job: FileImport, kind: ImportKind) -> int:
    """A task's run of an import; returns how many records it created."""
    try:
        import_run(job, kind)
    except SpreadsheetError as error:
        refuse(job, error.message)
        return job.created_count
    except Exception:
        # The file stays: a rerun carries on from the last whole batch.
        type(job)._default_manager.filter(pk=job.pk).update(
            status=FileImport.Status.FAILED, failure=str(UNEXPECTED)
        )
        raise
    return job.created_count


STOPPED = gettext_lazy(
    "The import stopped because the worker running it stopped. Rows already imported are kept "
    "and nothing was half-written. Try again, and if it happens again tell your Chorus administrator."
)


def import_interrupted(job_model: type[FileImport], job_id: int, *, requeued: bool) -> None:
    """The task reading, checking or writing a job lost its worker. Its batches committed with
    their progress, so a run queued again carries on; one given up marks the job failed,
    keeping its file, so it can be tried again."""
    if requeued:
        return
    busy = [FileImport.Status.UPLOADED, FileImport.Status.CHECKING, FileImport.Status.IMPORTING]
    job_model._default_manager.filter(pk=job_id, status__in=busy).update(
        status=FileImport.Status.FAILED, failure=str(STOPPED)
    )


def rejected_rows(job: FileImport) -> Iterator[list[str]]:
    """The rows that failed the check, as they were, with the reasons in a last column."""
    reasons = {p["line"]: " ".join(p["errors"]) for p in job.problems}
    yield ["line", *job.headers, "what to fix"]
    for line, row in rows(job):
        if line in reasons:
            yield [str(line), *row, reasons[line]]
