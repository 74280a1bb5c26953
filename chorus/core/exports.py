"""Exports of any size: a file written by a task, complete or absent, kept for a while.

An app registers each export it offers with ``register_exporter``: a name, a function
that gives the header and the rows for a user and the export's parameters, and a check
that the user may still export what the parameters name (asked again when the task runs
and at every download). Its view checks access as usual, then calls ``export_start``
and sends the person to the page that shows the file being prepared.

The task writes to a temporary file beside the final one and renames it only once every
row is written, so a failure or a killed worker leaves no partial file: the export is
marked failed with its reason, or (killed) stays unfinished and is never offered. CSV and
Excel files are written through ``chorus.core.downloads``, so cells a spreadsheet would
run are made text; Excel files are written row by row and continue on further sheets
past Excel's row limit. Files are kept ``CHORUS_EXPORT_KEEP_HOURS`` after they are ready
and then removed by the daily ``exports_expired`` job (``chorus.core.jobs``).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext

from chorus.core.dates import date_and_time
from chorus.core.downloads import EXCEL_MAX_ROWS, SafeXlsxWriter, safe_csv_writer
from chorus.core.models import ExportFile
from chorus.core.tasks import Interrupted, background, enqueue_after_commit, on_interrupted

if TYPE_CHECKING:
    from chorus.accounts.models import User

logger = logging.getLogger(__name__)

# The rows an export gives: the header, then the rows themselves (read lazily).
Table = tuple[Sequence[Any], Iterable[Sequence[Any]]]
Params = dict[str, Any]

# How often (in rows) a running export records how far it has got.
PROGRESS_EVERY = 5000

FAILED_FORBIDDEN = "You may no longer export this."
FAILED_UNKNOWN = "Chorus no longer offers this export."
FAILED_UNEXPECTED = "Chorus could not finish the file. The details are in the worker's log."
FAILED_UNFINISHED = "The file was not finished in time: the worker writing it stopped."
FAILED_STOPPED = "The worker writing the file stopped, and it was not tried again."


@dataclass(frozen=True)
class Exporter:
    name: str
    rows: Callable[[User, Params], Table]
    may_export: Callable[[User, Params], bool]
    # How many rows the export will hold, where that is cheap to know (for the progress bar).
    count: Callable[[User, Params], int | None] | None = None
    sheet: str = "Data"


EXPORTERS: dict[str, Exporter] = {}


def register_exporter(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.name] = exporter
    return exporter


def header_and_rows(rows: Iterable[Sequence[Any]]) -> Table:
    """A table from rows whose first row is the header (as the older export functions give)."""
    iterator = iter(rows)
    return next(iterator), iterator


def export_dir() -> Path:
    return Path(settings.CHORUS_EXPORT_DIR)


def export_path(export: ExportFile) -> Path | None:
    return export_dir() / export.path if export.path else None


def export_requested(
    request: HttpRequest,
    *,
    object_type: str,
    label: str,
    filters: dict[str, object],
    exporter: str,
    params: Params,
    file_format: str,
    title: str,
    download_name: str,
    detail: dict[str, str] | None = None,
) -> HttpResponseBase:
    """What a page's "Download" link does: audit the export of ``object_type`` records (the
    list's filters that are set, and ``detail``), queue the task that writes the file, and
    send the person to the page that shows it being prepared. The caller has checked access."""
    from chorus.core.access import staff_user
    from chorus.core.audit import audit_record
    from chorus.core.models import AuditAction

    user = staff_user(request)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        request=request,
        object_type=object_type,
        object_repr=label,
        detail={**{k: str(v) for k, v in filters.items() if v}, **(detail or {})},
    )
    export = export_start(
        user=user,
        exporter=exporter,
        params=params,
        file_format=file_format,
        title=title,
        download_name=download_name,
    )
    return redirect("core:export_status", code=export.code)


def export_start(
    *,
    user: User,
    exporter: str,
    params: Params,
    file_format: str,
    title: str,
    download_name: str,
) -> ExportFile:
    """Record what ``user`` asked for and queue the task that writes it. The caller has
    checked access and audited the request; ``download_name`` has no extension."""
    if exporter not in EXPORTERS:
        raise KeyError(f"No exporter is registered as {exporter!r}")
    if file_format not in ExportFile.Format.values:
        raise ValueError(f"Exports are CSV or XLSX, not {file_format!r}")
    with transaction.atomic():
        export = ExportFile.objects.create(
            requested_by=user,
            exporter=exporter,
            params=params,
            file_format=file_format,
            title=title[:300],
            language=translation.get_language() or "",
            download_name=f"{download_name[:190]}.{file_format}",
        )
        enqueue_after_commit(export_write, export.pk)
    return export


def _progress(export: ExportFile, **fields: Any) -> None:
    ExportFile.objects.filter(pk=export.pk).update(**fields)


def _written(export: ExportFile, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """``rows``, recording every ``PROGRESS_EVERY`` how many have passed."""
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % PROGRESS_EVERY == 0:
            _progress(export, rows_written=count)
    export.rows_written = count


def _write_csv(path: Path, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> int:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = safe_csv_writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    return 1


def _write_xlsx(path: Path, header: Sequence[Any], rows: Iterable[Sequence[Any]], sheet: str) -> int:
    writer = SafeXlsxWriter(header, sheet, max_rows=EXCEL_MAX_ROWS)
    try:
        for row in rows:
            writer.writerow(row)
    except BaseException:
        writer.discard()
        raise
    writer.save(path)
    return writer.sheets


@background(queue="default")
def export_write(export_id: int) -> str:
    """Write one export's file; mark it ready, or failed with its reason."""
    export = ExportFile.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or not export.is_working:
        return "nothing to do"
    exporter = EXPORTERS.get(export.exporter)
    if exporter is None:
        return export_fail(export, FAILED_UNKNOWN)
    user = export.requested_by
    if not exporter.may_export(user, export.params):
        return export_fail(export, FAILED_FORBIDDEN)
    directory = export_dir()
    final = f"{export.code}.{export.file_format}"
    # Beside the final name, so the rename is atomic; a unique name, so a rerun never
    # writes into the file of a run it replaces.
    partial = directory / f".{final}.{uuid.uuid4().hex}.part"
    try:
        total = exporter.count(user, export.params) if exporter.count else None
        _progress(export, status=ExportFile.Status.RUNNING, total_rows=total, rows_written=0)
        directory.mkdir(parents=True, exist_ok=True)
        # Labels in the language of the page the person asked from.
        with translation.override(export.language or None):
            header, rows = exporter.rows(user, export.params)
            if export.file_format == ExportFile.Format.XLSX:
                sheets = _write_xlsx(partial, header, _written(export, rows), exporter.sheet)
            else:
                sheets = _write_csv(partial, header, _written(export, rows))
        os.replace(partial, directory / final)
    except Exception:
        partial.unlink(missing_ok=True)
        logger.exception("Export %s (%s) failed", export.code, export.exporter)
        return export_fail(export, FAILED_UNEXPECTED)
    now = timezone.now()
    _progress(
        export,
        status=ExportFile.Status.READY,
        rows_written=export.rows_written,
        sheets=sheets,
        path=final,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.CHORUS_EXPORT_KEEP_HOURS),
        error="",
    )
    _tell_when_slow(export)
    return f"{export.rows_written} rows"


def _tell_when_slow(export: ExportFile) -> None:
    """Email whoever asked when the file took long enough that they may have left the page."""
    user = export.requested_by
    waited = (timezone.now() - export.created_at).total_seconds()
    if user is None or not user.email or waited < settings.CHORUS_EXPORT_EMAIL_AFTER_SECONDS:
        return
    from django.urls import reverse

    from chorus.core.downloads import absolute_url
    from chorus.core.email import email_send_later

    with translation.override(export.language or None):
        link = absolute_url(reverse("core:export_status", args=[export.code]))
        expires = date_and_time(timezone.localtime(export.expires_at)) if export.expires_at else ""
        email_send_later(
            to=[user.email],
            subject=gettext("Your download is ready: %(title)s") % {"title": export.title},
            body=gettext(
                "The file you asked for is ready: %(title)s.\n\n"
                "Download it here (you will need to sign in):\n%(link)s\n\n"
                "It will be deleted on %(expires)s. After that, ask for it again."
            )
            % {"title": export.title, "link": link, "expires": expires},
        )


@on_interrupted(export_write)
def export_interrupted(interrupted: Interrupted) -> None:
    """A worker stopped while writing the file: its temporary file goes, and the export
    waits to be written again from the start, or fails if it will not be."""
    export = ExportFile.objects.filter(pk=interrupted.argument("export_id")).first()
    if export is None or not export.is_working:
        return
    for leftover in export_dir().glob(f".{export.code}.*.part"):
        leftover.unlink(missing_ok=True)
    if interrupted.requeued:
        _progress(export, status=ExportFile.Status.QUEUED, rows_written=0)
    else:
        export_fail(export, FAILED_STOPPED)


def export_fail(export: ExportFile, reason: str) -> str:
    _progress(export, status=ExportFile.Status.FAILED, finished_at=timezone.now(), error=reason, path="")
    return reason


def export_may_download(export: ExportFile, user: User) -> bool:
    """Whether ``user`` may have the file: only who asked, and only while they may still
    export what it holds."""
    if export.requested_by_id != user.pk or not user.is_active:
        return False
    exporter = EXPORTERS.get(export.exporter)
    return exporter is not None and exporter.may_export(user, export.params)


def exports_for(user: User) -> QuerySet[ExportFile]:
    return ExportFile.objects.filter(requested_by=user).order_by("-created_at")


def exports_expired_remove(now: datetime | None = None) -> int:
    """Delete the files of exports past their expiry and mark them expired; also remove
    temporary files left by a worker that was killed mid-export, and mark exports that never
    finished as failed. Returns how many expired."""
    now = now or timezone.now()
    expired = list(ExportFile.objects.filter(expires_at__lte=now).exclude(status=ExportFile.Status.EXPIRED))
    for export in expired:
        path = export_path(export)
        if path is not None:
            path.unlink(missing_ok=True)
    ExportFile.objects.filter(pk__in=[e.pk for e in expired]).update(
        status=ExportFile.Status.EXPIRED, path=""
    )
    # An export still unfinished a whole keeping period after it was asked for will not finish.
    ExportFile.objects.filter(
        status__in=[ExportFile.Status.QUEUED, ExportFile.Status.RUNNING],
        created_at__lte=now - timedelta(hours=settings.CHORUS_EXPORT_KEEP_HOURS),
    ).update(status=ExportFile.Status.FAILED, finished_at=now, error=FAILED_UNFINISHED)
    directory = export_dir()
    if directory.is_dir():
        stale = (now - timedelta(hours=settings.CHORUS_EXPORT_KEEP_HOURS)).timestamp()
        for leftover in directory.glob(".*.part"):
            if leftover.stat().st_mtime < stale:
                leftover.unlink(missing_ok=True)
    return len(expired)
