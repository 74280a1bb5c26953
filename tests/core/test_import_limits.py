"""Every import reads its file through chorus.core.spreadsheets, within limits: a file that is
too big, unpacks to too much, has too many rows or columns, or is damaged is refused with a
message that says what to do, never a server error, and leaves no file and no job behind."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from chorus.analysis.models import AnalysisRun, SocialPost, SocialSource
from chorus.bulletins.models import Subscriber, SubscriberImport
from chorus.consultations.models import Consultation, Question, ResponseImport, Section
from chorus.core.imports import files
from chorus.core.spreadsheets import Limits, SpreadsheetError, check, read_table
from chorus.directory.models import ImportJob, Person
from chorus.engagement.models import Activity, AttendanceImport

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def with_sheet(valid: bytes, write_sheet) -> bytes:
    """A copy of a valid workbook whose first sheet is written by ``write_sheet``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(valid)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for part in source.infolist():
            if part.filename == SHEET:
                with copy.open(SHEET, "w") as sheet:
                    write_sheet(sheet)
            else:
                copy.writestr(part, source.read(part.filename))
    return out.getvalue()


def zip_bomb(unpacked: int = 51 * MB) -> bytes:
    """A real workbook, about 150 KB, whose sheet unpacks to ``unpacked`` bytes of rows."""
    row = b'<row><c t="inlineStr"><is><t>Jones</t></is></c><c t="inlineStr"><is><t>a@b.org</t></is></c></row>'

    def write(sheet) -> None:
        sheet.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
        block = row * 1000
        for _ in range(unpacked // len(block) + 1):
            sheet.write(block)
        sheet.write(b"</sheetData></worksheet>")

    return with_sheet(workbook([["Last name", "Email"]]), write)


def truncated() -> bytes:
    valid = workbook([["First name", "Last name", "Email"]] + [["Ffion", "Hughes", "f@example.org"]] * 50)
    return valid[: len(valid) // 2]


def csv_rows(count: int, header: str = "First name,Last name,Email") -> bytes:
    lines = [header] + [f"Name{i},Last{i},p{i}@example.org" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _limits(**changes: int) -> Limits:
    return Limits(
        **{
            "max_bytes": 50 * MB,
            "max_rows": 100_000,
            "max_columns": 200,
            "max_unpacked_bytes": 50 * MB,
            "max_ratio": 100,
            **changes,
        }
    )


def _read(content: bytes, name: str, **changes: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    table = read_table(io.BytesIO(content), name, limits=_limits(**changes))
    return table.headers, list(table.rows)


# The reader itself


def test_a_zip_bomb_is_refused_from_its_zip_directory_before_it_is_unpacked(bomb: bytes) -> None:
    assert len(bomb) < 500 * 1024
    with pytest.raises(SpreadsheetError) as refused:
        check(io.BytesIO(bomb), "list.xlsx", limits=_limits())
    assert "The workbook unpacks to 51." in str(refused.value)
    assert "Chorus reads workbooks up to 50.0" in str(refused.value)
    assert "split the rows into smaller workbooks" in str(refused.value)


def test_a_workbook_compressed_far_more_than_spreadsheets_are_is_refused() -> None:
    squeezed = zip_bomb(unpacked=5 * MB)
    with pytest.raises(SpreadsheetError, match="compressed far more than spreadsheets are"):
        check(io.BytesIO(squeezed), "list.xlsx", limits=_limits())


def test_an_ordinary_workbook_passes_the_checks_and_reads() -> None:
    content = workbook([["Name", "Email", None], ["Ffion Hughes", "f@example.org", None], [], ["Aled", 7]])
    assert check(io.BytesIO(content), "list.xlsx", limits=_limits()).format == "xlsx"
    headers, rows = _read(content, "list.xlsx")
    assert headers == ["Name", "Email"]
    assert rows == [(2, ["Ffion Hughes", "f@example.org"]), (4, ["Aled", "7"])]


def test_a_truncated_workbook_is_a_clear_error() -> None:
    with pytest.raises(SpreadsheetError, match="may be damaged or only partly uploaded"):
        _read(truncated(), "list.xlsx")


def test_a_workbook_damaged_inside_is_a_clear_error_when_its_rows_are_read() -> None:
    def write(sheet) -> None:
        sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        sheet.write(b'<dimension ref="A1:A3"/><sheetData>')
        sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>')
        sheet.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>Ffion</t></is></c></row><row r="3"><c')

    damaged = with_sheet(workbook([["Name"]]), write)
    table = read_table(io.BytesIO(damaged), "list.xlsx", limits=_limits())
    assert table.headers == ["Name"]
    with pytest.raises(SpreadsheetError, match="may be damaged or only partly uploaded"):
        list(table.rows)


def test_a_workbook_claiming_a_row_past_the_last_is_refused_without_reading_the_gap() -> None:
    def write(sheet) -> None:
        sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        sheet.write(b"<sheetData>")
        sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>')
        sheet.write(b'<row r="1000000000000"><c r="A1000000000000" t="inlineStr"><is><t>x</t></is></c></row>')
        sheet.write(b"</sheetData></worksheet>")

    table = read_table(io.BytesIO(with_sheet(workbook([["Name"]]), write)), "list.xlsx", limits=_limits())
    with pytest.raises(SpreadsheetError, match="past row 1,048,576"):
        list(table.rows)


def test_a_password_protected_workbook_and_an_old_xls_file_say_what_to_do() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(SpreadsheetError, match=r"protected with a password. Remove the password"):
        _read(ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100, "locked.xlsx")
    with pytest.raises(SpreadsheetError, match=r"old Excel \(.xls\) workbook. Save it as Excel Workbook"):
        _read(ole, "old.xlsx")


def test_a_workbook_saved_with_a_csv_name_is_named_for_what_it_is() -> None:
    with pytest.raises(SpreadsheetError, match="is an Excel workbook, not CSV"):
        _read(workbook([["Name"], ["Ffion"]]), "list.csv")


def test_rows_over_the_limit_are_counted_and_the_message_says_how_to_fix_it() -> None:
    with pytest.raises(SpreadsheetError) as refused:
        _read(csv_rows(412_000, "a,b"), "big.csv")
    assert str(refused.value) == (
        "The file has 412,000 rows. Chorus imports up to 100,000 rows at a time: "
        "split the file and import each part."
    )


def test_rows_over_the_limit_in_a_workbook_are_refused_too() -> None:
    content = workbook([["Name"]] + [[f"Person {i}"] for i in range(12)])
    with pytest.raises(SpreadsheetError, match=r"The file has 12 rows. Chorus imports up to 10 rows"):
        _read(content, "list.xlsx", max_rows=10)


def test_columns_over_the_limit_are_refused_in_csv_and_in_workbooks() -> None:
    header = [f"Column {i}" for i in range(12)]
    for content, name in (
        (",".join(header).encode() + b"\n" + b"x\n", "wide.csv"),
        (workbook([header]), "wide.xlsx"),
    ):
        with pytest.raises(SpreadsheetError, match=r"The file has 12 columns. Chorus reads up to 10 columns"):
            _read(content, name, max_columns=10)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(SpreadsheetError, match=r"Chorus imports files up to 1.0"):
        check(io.BytesIO(b"Name\n" + b"x\n" * 600_000), "big.csv", limits=_limits(max_bytes=MB))


def test_csv_is_read_as_utf8_with_a_bom_or_else_windows_1252() -> None:
    assert _read("\ufeffName;Town\nSiân;Caerdydd\n".encode(), "a.csv") == (
        ["Name", "Town"],
        [(2, ["Siân", "Caerdydd"])],
    )
    assert _read("Name\nSiân\n".encode("cp1252"), "b.csv")[1] == [(2, ["Siân"])]
    with pytest.raises(SpreadsheetError, match=r"not readable text. Save it as CSV UTF-8"):
        _read(b"Name\n\xc3(\x81\n", "c.csv")


def test_a_csv_line_that_cannot_be_parsed_is_named() -> None:
    with pytest.raises(SpreadsheetError, match="Line 3 cannot be read as CSV"):
        _read(b"Name,Note\nA,fine\nB,x" + b"y" * 200_000 + b"\n", "long.csv")


def test_a_binary_file_with_a_csv_name_is_refused() -> None:
    with pytest.raises(SpreadsheetError, match="not CSV text"):
        _read("Name\nSiân\n".encode("utf-16"), "utf16.csv")


# Every import path, with the three files the issue names


def _bad_files(bomb: bytes) -> dict[str, tuple[bytes, str]]:
    return {
        "zip bomb": (bomb, "list.xlsx"),
        "truncated workbook": (truncated(), "list.xlsx"),
        "too many rows": (csv_rows(7), "list.csv"),
    }


MESSAGES = {
    "zip bomb": "The workbook unpacks to",
    "truncated workbook": "may be damaged or only partly uploaded",
    "too many rows": "The file has 7 rows. Chorus imports up to 5 rows at a time: split the file",
}
CSV_ONLY = {**MESSAGES, "zip bomb": "Choose a CSV file", "truncated workbook": "Choose a CSV file"}
# The social media import takes CSV or JSON exports, so a workbook is refused by its name.
SOCIAL = {
    **MESSAGES,
    "zip bomb": "must be a .csv or .json export",
    "truncated workbook": "must be a .csv or .json",
}
KINDS = list(MESSAGES)


@pytest.fixture
def five_rows(settings) -> None:
    settings.CHORUS_IMPORT_MAX_ROWS = 5


@pytest.mark.parametrize("bad", KINDS)
@pytest.mark.parametrize("kind", ["people", "organisations"])
def test_the_directory_import_refuses_a_bad_file_leaving_nothing(
    officer_client: Client, bomb: bytes, media: Path, five_rows, bad: str, kind: str
) -> None:
    content, name = _bad_files(bomb)[bad]
    reply = officer_client.post(
        reverse("directory:import_upload"), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )
    assert reply.status_code == 200
    assert MESSAGES[bad] in reply.content.decode()
    assert not ImportJob.objects.exists() and stored(media) == []


def test_a_big_directory_file_is_read_by_a_task_which_refuses_it_and_removes_the_file(
    officer_client: Client, media: Path, five_rows, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(files, "READ_NOW_BYTES", 10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = officer_client.post(
            reverse("directory:import_upload"), {"file": SimpleUploadedFile("big.csv", csv_rows(7))}
        )
    job = ImportJob.objects.get()
    assert job.headers == [] and job.total_rows == 0  # nothing read in the request
    map_url = reverse("directory:import_map", kwargs={"code": job.code})
    assert reply.url == map_url and "Reading the file" in officer_client.get(map_url).content.decode()
    assert len(stored(media)) == 1
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not job.file and stored(media) == []
    polled = officer_client.get(map_url, headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == map_url
    page = officer_client.get(map_url, follow=True).content.decode()
    assert MESSAGES["too many rows"] in page and "Upload a different file" in page


def test_a_big_directory_file_within_the_limits_is_read_by_the_task_then_matched(
    officer_client: Client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(files, "READ_NOW_BYTES", 10)
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("directory:import_upload"), {"file": SimpleUploadedFile("big.csv", csv_rows(3))}
        )
    job = ImportJob.objects.get()
    assert job.total_rows == 3 and job.mapping["last_name"] == "Last name"
    page = officer_client.get(reverse("directory:import_map", kwargs={"code": job.code})).content.decode()
    assert "Match the columns" in page


def test_a_file_refused_by_the_check_is_failed_with_the_reason_and_removed(
    officer_client: Client, media: Path, settings
) -> None:
    officer_client.post(
        reverse("directory:import_upload"), {"file": SimpleUploadedFile("list.csv", csv_rows(7))}
    )
    job = ImportJob.objects.get()
    settings.CHORUS_IMPORT_MAX_ROWS = 5  # lowered between the upload and the check
    reply = officer_client.post(reverse("directory:import_map", kwargs={"code": job.code}), job.mapping)
    page = officer_client.get(reply.url).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and stored(media) == []
    assert MESSAGES["too many rows"] in page and not Person.objects.exists()
    rejected = officer_client.get(reverse("directory:import_rejected", kwargs={"code": job.code}))
    assert rejected.status_code == 404


@pytest.mark.parametrize("bad", KINDS)
def test_the_attendance_import_refuses_a_bad_file_leaving_nothing(
    officer_client: Client, bomb: bytes, media: Path, five_rows, bad: str
) -> None:
    activity = Activity.objects.create(
        kind="user_forum", title="Civil users' forum", starts_at=timezone.now() - timedelta(days=1)
    )
    content, name = _bad_files(bomb)[bad]
    reply = officer_client.post(
        reverse("engagement:attendance_import", args=[activity.code]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert reply.status_code == 200 and MESSAGES[bad] in reply.content.decode()
    assert not AttendanceImport.objects.exists() and stored(media) == []


@pytest.mark.parametrize("bad", KINDS)
def test_the_response_import_refuses_a_bad_file_leaving_nothing(
    officer_client: Client, bomb: bytes, media: Path, five_rows, bad: str
) -> None:
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Court fees",
        summary="Fees.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
    )
    section = Section.objects.create(consultation=consultation, title="Questions", order=1)
    Question.objects.create(section=section, kind="text", text="Why?", order=1)
    content, name = _bad_files(bomb)[bad]
    reply = officer_client.post(
        reverse("consultations:response_import", args=[consultation.code]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert reply.status_code == 200 and MESSAGES[bad] in reply.content.decode()
    assert not ResponseImport.objects.exists() and stored(media) == []


@pytest.mark.parametrize("bad", KINDS)
def test_the_subscriber_import_refuses_a_bad_file_leaving_nothing(
    officer_client: Client, bomb: bytes, media: Path, five_rows, bad: str
) -> None:
    content, name = _bad_files(bomb)[bad]
    if bad == "too many rows":
        content = b"email\n" + b"".join(f"p{i}@example.org\n".encode() for i in range(7))
    reply = officer_client.post(
        reverse("bulletins:subscriber_import"),
        {
            "file": SimpleUploadedFile(name, content),
            "source_detail": "Forum sheet",
            "lawful_basis": "consent",
        },
    )
    assert reply.status_code == 200 and MESSAGES[bad] in reply.content.decode()
    assert not Subscriber.objects.exists() and not SubscriberImport.objects.exists()
    assert stored(media) == []


@pytest.mark.parametrize("bad", KINDS)
def test_the_social_media_import_refuses_a_bad_file_leaving_nothing(
    officer_client: Client, team, bomb: bytes, media: Path, five_rows, bad: str
) -> None:
    source = SocialSource.objects.create(name="Mentions", team=team)
    content, name = _bad_files(bomb)[bad]
    if bad == "too many rows":
        content = b"author,date,text\n" + b"".join(f"@p{i},2026-11-01,hello\n".encode() for i in range(7))
    reply = officer_client.post(
        reverse("analysis:source_detail", args=[source.code]), {"file": SimpleUploadedFile(name, content)}
    )
    assert reply.status_code == 200 and SOCIAL[bad] in reply.content.decode()
    assert not SocialPost.objects.exists() and stored(media) == []


def test_a_social_media_json_export_over_the_row_limit_is_refused(
    officer_client: Client, team, five_rows
) -> None:
    source = SocialSource.objects.create(name="Mentions", team=team)
    posts = b"[" + b",".join(b'{"author": "@a", "date": "2026-11-01", "text": "hi"}' for _ in range(7)) + b"]"
    reply = officer_client.post(
        reverse("analysis:source_detail", args=[source.code]), {"file": SimpleUploadedFile("p.json", posts)}
    )
    assert MESSAGES["too many rows"] in reply.content.decode() and not SocialPost.objects.exists()


@pytest.mark.parametrize("bad", KINDS)
def test_the_coding_framework_upload_refuses_a_bad_file_leaving_nothing(
    officer_client: Client, team, bomb: bytes, media: Path, five_rows, bad: str
) -> None:
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Court visits",
        summary="Tell us.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
        team=team,
    )
    content, name = _bad_files(bomb)[bad]
    if bad == "too many rows":
        content = b"theme,example\n" + b"".join(f"Theme {i},example {i}\n".encode() for i in range(7))
    reply = officer_client.post(
        reverse("analysis:run_start"),
        {
            "subject": f"consultation:{consultation.code}",
            "mode": "fast",
            "framework": SimpleUploadedFile(name, content),
        },
    )
    assert reply.status_code == 200 and CSV_ONLY[bad] in reply.content.decode()
    assert not AnalysisRun.objects.exists() and stored(media) == []
