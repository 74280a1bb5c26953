"""The pipeline for a small file (``StagedImport``): read and checked while the person
waits, its checked rows kept on the job, then written once when confirmed.

A kind of this sort is held well under the deployment's import limits by its own
``max_bytes`` and ``max_rows``, so reading it in the request is safe. Nothing is
stored when the file is refused, and nothing is written before the confirmation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from chorus.core.hooks import event_happened
from chorus.core.imports.models import StagedImport
from chorus.core.imports.rows import CheckedRow, RowChecker
from chorus.core.spreadsheets import Limits, SpreadsheetError, read_upload

S = TypeVar("S", bound=StagedImport)


def read_now(upload: Any, *, max_bytes: int, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """An upload's header and rows, within the kind's own limits and the deployment's.
    Raises ``SpreadsheetError`` saying what to fix."""
    headers, rows = read_upload(upload, limits=Limits.from_settings(max_bytes=max_bytes, max_rows=max_rows))
    if not rows:
        raise SpreadsheetError(_("The file has a header row but no rows under it."))
    return headers, rows


def check_rows(checker: RowChecker, rows: Iterable[tuple[int, list[str]]]) -> list[CheckedRow]:
    return [checker.check(line, row) for line, row in rows]


def confirm_once(job: S, write: Callable[[S], list[str]]) -> S:
    """Write a checked import once: a second confirmation (a double click, a resubmitted
    form) finds the job done and changes nothing. ``write`` writes the job's rows and
    returns the names of the job's fields it set (its counts)."""
    with transaction.atomic():
        job = type(job)._default_manager.select_for_update().get(pk=job.pk)
        if job.status != StagedImport.Status.CHECKED:
            return job
        changed = write(job)
        job.status = StagedImport.Status.DONE
        job.save(update_fields=["status", *changed, "updated_at"])
        event_happened("import_finished", job)
    return job


def cancel(job: StagedImport) -> bool:
    """Cancel a checked import; False when it was already dealt with."""
    if job.status != StagedImport.Status.CHECKED:
        return False
    job.status = StagedImport.Status.CANCELLED
    job.save(update_fields=["status", "updated_at"])
    return True


def rows_to_fix(headers: list[str], rows: Iterable[tuple[int, list[str], list[str]]]) -> Iterator[list[str]]:
    """The (line, cells, errors) of rows with problems as a table to download and fix."""
    yield ["line", *headers, "what to fix"]
    for line, cells, errors in rows:
        yield [str(line), *cells, " ".join(errors)]
