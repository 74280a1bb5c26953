"""Exports of any size: written by a task, complete or absent, shown being prepared,
downloaded only by whoever asked (and still may), audited, and removed when they expire."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import User
from chorus.consultations.models import Consultation
from chorus.core import exports
from chorus.core.exports import Exporter, export_start, exports_expired_remove, register_exporter
from chorus.core.models import AuditAction, AuditEntry, ExportFile
from tests.conftest import sign_in
from tests.core.export_helpers import asked
from tests.factories import ConsultationFactory, ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "exports"
    with override_settings(CHORUS_EXPORT_DIR=folder):
        yield folder


class Numbers:
    """A test exporter of ``rows`` rows that fails after ``fail_after`` rows if set."""

    def __init__(self) -> None:
        self.rows = 10
        self.fail_after: int | None = None
        self.allowed = True
        self.progress_seen: list[int] = []

    def table(self, user: User, params: dict[str, Any]) -> tuple[list[str], Iterator[list[Any]]]:
        def rows() -> Iterator[list[Any]]:
            for n in range(1, self.rows + 1):
                if self.fail_after is not None and n > self.fail_after:
                    raise RuntimeError("the database went away")
                self.progress_seen.append(ExportFile.objects.get().rows_written)
                yield [n, -n, f"=cmd|' /C calc'!A{n}", "plain"]

        return ["number", "negative", "text", "more"], rows()


@pytest.fixture
def numbers() -> Iterator[Numbers]:
    exporter = Numbers()
    register_exporter(
        Exporter(
            name="tests.numbers",
            rows=exporter.table,
            may_export=lambda user, params: exporter.allowed,
            count=lambda user, params: exporter.rows,
            sheet="Numbers",
        )
    )
    yield exporter
    exports.EXPORTERS.pop("tests.numbers")


def _start(user: User, file_format: str = "csv") -> ExportFile:
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = export_start(
            user=user,
            exporter="tests.numbers",
            params={},
            file_format=file_format,
            title="Numbers",
            download_name="numbers",
        )
    export.refresh_from_db()
    return export


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_failure_midway_leaves_no_file_and_says_why(
    officer: User, numbers: Numbers, export_dir: Path
) -> None:
    numbers.rows, numbers.fail_after = 50, 30
    for file_format in ("csv", "xlsx"):
        export = _start(officer, file_format)
        assert export.status == ExportFile.Status.FAILED
        assert export.error == exports.FAILED_UNEXPECTED
        assert export.path == "" and export.finished_at is not None
        assert _files(export_dir) == []  # neither the file nor a part of it


def test_a_finished_csv_is_complete_and_safe_to_open(
    officer: User, numbers: Numbers, export_dir: Path
) -> None:
    export = _start(officer)
    assert export.status == ExportFile.Status.READY
    assert export.rows_written == export.total_rows == 10
    assert _files(export_dir) == [f"{export.code}.csv"]
    rows = list(csv.reader(io.StringIO((export_dir / export.path).read_text())))
    assert rows[0] == ["number", "negative", "text", "more"]
    assert len(rows) == 11
    # A formula is made text; numbers, negative ones too, stay numbers.
    assert rows[1] == ["1", "-1", "'=cmd|' /C calc'!A1", "plain"]
    assert export.expires_at == export.finished_at + timedelta(hours=24)


def test_progress_is_recorded_while_the_file_is_written(
    officer: User, numbers: Numbers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 3)
    _start(officer)
    # What the database said as each row was read: 0 until three rows had passed, and so on.
    assert numbers.progress_seen == [0, 0, 0, 3, 3, 3, 6, 6, 6, 9]


def test_excel_rows_past_the_sheet_limit_continue_on_more_sheets(
    officer: User, numbers: Numbers, export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 5)  # a header and four rows a sheet
    export = _start(officer, "xlsx")
    assert export.status == ExportFile.Status.READY and export.sheets == 3
    book = openpyxl.load_workbook(export_dir / export.path)
    assert book.sheetnames == ["Numbers 1 of 3", "Numbers 2 of 3", "Numbers 3 of 3"]
    numbers_read = []
    for sheet in book.worksheets:
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert header == ("number", "negative", "text", "more")
        numbers_read += [row[0] for row in rows]
    assert numbers_read == list(range(1, 11))
    assert book.worksheets[0].cell(row=2, column=2).value == -1


def test_an_export_the_user_may_no_longer_take_fails_with_the_reason(officer: User, numbers: Numbers) -> None:
    numbers.allowed = False
    export = _start(officer)
    assert export.status == ExportFile.Status.FAILED
    assert export.error == exports.FAILED_FORBIDDEN


def test_only_whoever_asked_downloads_and_each_download_is_audited(
    client: Client, officer: User, numbers: Numbers, team: Any
) -> None:
    export = _start(officer)
    colleague = UserFactory(teams=[team])  # same team and role, but did not ask for it
    sign_in(client, colleague)
    for name in ("core:export_status", "core:export_download"):
        assert client.get(reverse(name, args=[export.code])).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
    sign_in(client, officer)
    response = client.get(reverse("core:export_download", args=[export.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="numbers.csv"'
    assert b"".join(response.streaming_content).count(b"\n") == 11  # type: ignore[attr-defined]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == officer and entry.object_id == str(export.code)
    assert entry.detail == {"export": "tests.numbers", "format": "csv", "rows": 10}


def test_a_download_is_refused_once_the_user_may_no_longer_see_what_it_holds(
    client: Client, officer: User, other_team: Any
) -> None:
    consultation = ConsultationFactory(team=officer.teams.get())
    ResponseFactory(consultation=consultation, reference="KEPTBACK")
    sign_in(client, officer)
    page = asked(client, reverse("consultations:response_export", args=[consultation.code, "csv"]))
    export = ExportFile.objects.get()
    assert page["Location"] == reverse("core:export_status", args=[export.code])
    download = reverse("core:export_download", args=[export.code])
    assert client.get(download).status_code == 200
    Consultation.objects.filter(pk=consultation.pk).update(team=other_team)
    assert client.get(download).status_code == 404


def test_an_expired_download_is_refused_and_its_file_removed(
    client: Client, officer: User, numbers: Numbers, export_dir: Path
) -> None:
    export = _start(officer)
    ExportFile.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    sign_in(client, officer)
    download = reverse("core:export_download", args=[export.code])
    refused = client.get(download)
    assert refused.status_code == 410
    assert "This download has expired" in refused.content.decode()
    assert _files(export_dir) == [f"{export.code}.csv"]  # until the daily job runs
    assert exports_expired_remove() == 1
    assert _files(export_dir) == []
    export.refresh_from_db()
    assert export.status == ExportFile.Status.EXPIRED
    assert client.get(download).status_code == 410
    listed = client.get(reverse("core:export_list")).content.decode()
    assert "Numbers" in listed and "Expired" in listed


def test_the_daily_job_marks_exports_that_never_finished_as_failed(officer: User, numbers: Numbers) -> None:
    export = ExportFile.objects.create(
        requested_by=officer,
        exporter="tests.numbers",
        file_format="csv",
        title="Numbers",
        download_name="n.csv",
    )
    ExportFile.objects.filter(pk=export.pk).update(
        status=ExportFile.Status.RUNNING, created_at=timezone.now() - timedelta(hours=25)
    )
    exports_expired_remove()
    export.refresh_from_db()
    assert export.status == ExportFile.Status.FAILED and export.error == exports.FAILED_UNFINISHED


def test_asking_for_the_responses_shows_the_file_being_prepared_then_offers_it(
    client: Client, officer: User
) -> None:
    consultation = ConsultationFactory(team=officer.teams.get(), title="Bus routes")
    ResponseFactory(consultation=consultation, reference="FIRSTONE")
    sign_in(client, officer)
    # Without the task run yet: the page says it is being prepared, and polls.
    response = client.get(reverse("consultations:response_export", args=[consultation.code, "xlsx"]))
    export = ExportFile.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Preparing your download" in page and "Responses to Bus routes" in page
    assert 'hx-trigger="every 2s"' in page and "Waiting to start" in page
    assert "/file/" not in page
    exports.export_write.call(export.pk)
    update = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Your download is ready" in update and "hx-trigger" not in update
    assert reverse("core:export_download", args=[export.code]) in update
    assert "1 row" in update
    listed = client.get(reverse("core:export_list")).content.decode()
    assert "Responses to Bus routes" in listed and "Ready" in listed
    book = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("core:export_download", args=[export.code])).streaming_content)
        )  # type: ignore[attr-defined]
    )
    assert book.sheetnames == ["Responses"]
    assert book.active.cell(row=2, column=1).value == "FIRSTONE"


def test_a_stopped_worker_leaves_no_part_file_and_the_export_waits_or_fails(
    officer: User, numbers: Numbers, export_dir: Path
) -> None:
    from chorus.core.tasks import Interrupted

    export = ExportFile.objects.create(
        requested_by=officer,
        exporter="tests.numbers",
        file_format="csv",
        title="Numbers",
        download_name="n.csv",
    )
    ExportFile.objects.filter(pk=export.pk).update(status=ExportFile.Status.RUNNING, rows_written=7)
    export_dir.mkdir()
    (export_dir / f".{export.code}.csv.0123.part").write_text("number\n1\n")

    def stopped(requeued: bool) -> Interrupted:
        return Interrupted("t", "p", [export.pk], {}, attempts=1, requeued=requeued, last_seen=timezone.now())

    exports.export_interrupted(stopped(requeued=True))
    export.refresh_from_db()
    assert (export.status, export.rows_written) == (ExportFile.Status.QUEUED, 0)
    assert _files(export_dir) == []
    exports.export_interrupted(stopped(requeued=False))
    export.refresh_from_db()
    assert export.status == ExportFile.Status.FAILED and export.error == exports.FAILED_STOPPED


def test_a_file_that_took_a_while_is_announced_by_email(officer: User, numbers: Numbers, mailoutbox) -> None:
    with override_settings(CHORUS_EXPORT_EMAIL_AFTER_SECONDS=0):
        export = _start(officer)
    assert export.status == ExportFile.Status.READY
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert "Numbers" in mailoutbox[0].subject
    assert f"/staff/downloads/{export.code}/" in mailoutbox[0].body
    mailoutbox.clear()
    _start(officer)  # quick (the default is a minute): the page that was watching said so
    assert mailoutbox == []
