"""Reading uploaded spreadsheets (CSV and Excel .xlsx) within limits, for every import.

Every import reads its file through here, so one set of limits protects them all: the
file's size; for a workbook, what its ZIP says it unpacks to and how hard each part is
compressed, read from the ZIP's directory before openpyxl opens anything; the number
of columns; and the number of rows. Whatever is wrong with a file (too big, cut short,
damaged, protected with a password, not the type its name says) becomes a
``SpreadsheetError`` whose message says what is wrong and how to fix it, never a crash.

``check`` does only the cheap checks (the name, the size, the first bytes, the ZIP's
directory) and suits the upload request. ``read_table`` reads every row and suits a
task, or an import whose own limits keep it small enough to read while the person
waits.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, cast

from django.conf import settings
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

CSV = "csv"
XLSX = "xlsx"
BOTH = (CSV, XLSX)
ZIP_MAGIC = b"PK\x03\x04"
# Old Excel (.xls) files and password-protected workbooks are OLE compound files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
# A part this small does no harm however hard it is compressed (styles, themes).
RATIO_FLOOR = 1024 * 1024
MOST_PARTS = 10_000
CHUNK = 1024 * 1024


class SpreadsheetError(Exception):
    """The file cannot be imported; the message says why and how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_unpacked_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls, *, max_bytes: int | None = None, max_rows: int | None = None) -> Limits:
        """The deployment's limits, made tighter where an import expects less."""
        most_bytes = int(settings.CHORUS_IMPORT_MAX_BYTES)
        most_rows = int(settings.CHORUS_IMPORT_MAX_ROWS)
        return cls(
            max_bytes=min(most_bytes, max_bytes) if max_bytes else most_bytes,
            max_rows=min(most_rows, max_rows) if max_rows else most_rows,
            max_columns=int(settings.CHORUS_IMPORT_MAX_COLUMNS),
            max_unpacked_bytes=int(settings.CHORUS_IMPORT_MAX_UNPACKED_BYTES),
            max_ratio=int(settings.CHORUS_IMPORT_MAX_COMPRESSION_RATIO),
        )


@dataclass(frozen=True)
class Checked:
    format: str
    # What reading the file means: its size for CSV, what its ZIP unpacks to for XLSX.
    content_bytes: int


@dataclass
class Table:
    headers: list[str]
    # The rows with something in them and their line numbers (the header is line 1).
    rows: Iterator[tuple[int, list[str]]]


def _number(value: int) -> str:
    return str(number_format(value, force_grouping=True))


def _unreadable_workbook() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file is not a readable Excel workbook: it may be damaged or only partly uploaded. "
            "Open it in Excel, save it again as .xlsx (or as CSV) and upload it again."
        )
    )


def format_of(name: str, formats: Sequence[str] = BOTH) -> str:
    """The format the file's name says, if the import takes it."""
    suffix = PurePath(name or "").suffix.lower().lstrip(".")
    if suffix in formats:
        return suffix
    if tuple(formats) == (CSV,):
        raise SpreadsheetError(_("Choose a CSV file. In Excel, use Save As and choose CSV UTF-8."))
    raise SpreadsheetError(_("Choose a CSV or Excel (.xlsx) file."))


def _binary(handle: Any) -> IO[bytes]:
    """The file object under Django's wrappers (uploads, a model's file field)."""
    inner = handle.file if isinstance(handle, File) else handle
    if inner is None:
        raise SpreadsheetError(_("Choose a CSV or Excel (.xlsx) file."))
    return cast("IO[bytes]", inner)


def _size(handle: IO[bytes]) -> int:
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def check(handle: Any, name: str, *, limits: Limits, formats: Sequence[str] = BOTH) -> Checked:
    """The cheap checks, fit for the upload request: the file's type by its name and its first
    bytes, its size and, for a workbook, its ZIP directory. Reads no rows."""
    kind = format_of(name, formats)
    handle = _binary(handle)
    size = _size(handle)
    if size > limits.max_bytes:
        raise too_big(size, limits)
    head = handle.read(64 * 1024)
    handle.seek(0)
    if kind == CSV:
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise SpreadsheetError(
                _(
                    "The file is an Excel workbook, not CSV. "
                    "In Excel, use Save As, choose CSV UTF-8 and upload that."
                )
            )
        if b"\x00" in head:
            raise SpreadsheetError(
                _("The file is not CSV text. In Excel, use Save As, choose CSV UTF-8 and upload that.")
            )
        return Checked(CSV, size)
    if head.startswith(OLE_MAGIC):
        raise _ole_error(handle)
    return Checked(XLSX, _check_zip(handle, limits))


def _ole_error(handle: IO[bytes]) -> SpreadsheetError:
    """A workbook protected with a password, or an old .xls workbook: both are OLE files."""
    handle.seek(0)
    tail = b""
    while chunk := handle.read(CHUNK):
        if ENCRYPTION_STREAM in tail + chunk:
            handle.seek(0)
            return SpreadsheetError(
                _(
                    "The workbook is protected with a password. Remove the password in Excel "
                    "(File, Info, Protect Workbook), save it and upload it again."
                )
            )
        tail = chunk[-len(ENCRYPTION_STREAM) :]
    handle.seek(0)
    return SpreadsheetError(
        _(
            "The file is an old Excel (.xls) workbook. "
            "Save it as Excel Workbook (.xlsx) or CSV and upload it again."
        )
    )


def _check_zip(handle: IO[bytes], limits: Limits) -> int:
    """What the workbook unpacks to, from its ZIP directory (no part is unpacked here).

    zipfile never unpacks more of a part than the directory says it holds, so the sum
    checked here bounds what openpyxl can read."""
    try:
        with zipfile.ZipFile(handle) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _unreadable_workbook() from None
    finally:
        handle.seek(0)
    if any(part.flag_bits & 0x1 for part in parts):
        raise SpreadsheetError(
            _(
                "The workbook is protected with a password. Remove the password in Excel "
                "(File, Info, Protect Workbook), save it and upload it again."
            )
        )
    if len(parts) > MOST_PARTS or "[Content_Types].xml" not in {part.filename for part in parts}:
        raise _unreadable_workbook()
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise SpreadsheetError(
            _(
                "The workbook unpacks to %(size)s. Chorus reads workbooks up to %(limit)s unpacked: "
                "split the rows into smaller workbooks and import each one."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limits.max_unpacked_bytes)}
        )
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > limits.max_ratio * max(part.compress_size, 1):
            raise SpreadsheetError(
                _(
                    "The workbook is compressed far more than spreadsheets are (over %(ratio)s to 1), "
                    "so Chorus will not open it. Delete any empty rows and columns after your data, "
                    "save it as CSV and upload that."
                )
                % {"ratio": _number(limits.max_ratio)}
            )
    return unpacked


def read_table(handle: Any, name: str, *, limits: Limits, formats: Sequence[str] = BOTH) -> Table:
    """The header and the rows of a CSV or XLSX file, as text, within ``limits``.

    The header is read here; the rows as they are iterated. Either raises
    ``SpreadsheetError``, the rows when the file turns out damaged part way or has more
    rows than the limit (counted to the end, so the message gives the number)."""
    handle = _binary(handle)
    checked = check(handle, name, limits=limits, formats=formats)
    if checked.format == CSV:
        headers, rows = _csv_table(handle, limits)
    else:
        headers, rows = _xlsx_table(handle, limits)
    return Table(headers, _within(rows, limits))


def read_upload(
    upload: Any, *, limits: Limits, formats: Sequence[str] = BOTH
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """An uploaded file's header and every non-empty row with its line number, for an
    import small enough by its own limits to read while the person waits."""
    table = read_table(upload, upload.name or "", limits=limits, formats=formats)
    return table.headers, list(table.rows)


# The last row a spreadsheet can have. A workbook that claims a row past it (a tiny file
# saying row 1,000,000,000,000) would otherwise have every empty row before it read.
LAST_ROW = 1_048_576


def _within(rows: Iterator[tuple[int, list[str]]], limits: Limits) -> Iterator[tuple[int, list[str]]]:
    count = 0
    for line, row in rows:
        if line > LAST_ROW:
            raise SpreadsheetError(
                _(
                    "The file says it has rows past row %(last)s, the last a spreadsheet can have. "
                    "Save it again from your spreadsheet program, or as CSV, and upload it again."
                )
                % {"last": f"{LAST_ROW:,}"}
            )
        if not any(row):
            continue
        count += 1
        if count > limits.max_rows:
            # Count the rest (the size limits bound it), so the message can say how many.
            count += sum(1 for rest_line, rest in rows if rest_line <= LAST_ROW and any(rest))
            raise too_many_rows(count, limits)
        yield line, row


def too_big(size: int, limits: Limits) -> SpreadsheetError:
    """The error for a file of ``size`` bytes, more than ``limits`` allow."""
    return SpreadsheetError(
        _(
            "The file is %(size)s. Chorus imports files up to %(limit)s at a time: "
            "split the file and import each part."
        )
        % {"size": filesizeformat(size), "limit": filesizeformat(limits.max_bytes)}
    )


def too_many_rows(count: int, limits: Limits) -> SpreadsheetError:
    """The error for a file of ``count`` rows, more than ``limits`` allow."""
    return SpreadsheetError(
        ngettext(
            "The file has %(count)s row. Chorus imports up to %(limit)s rows at a time: "
            "split the file and import each part.",
            "The file has %(count)s rows. Chorus imports up to %(limit)s rows at a time: "
            "split the file and import each part.",
            count,
        )
        % {"count": _number(count), "limit": _number(limits.max_rows)}
    )


def _too_wide(count: int, limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file has %(count)s columns. Chorus reads up to %(limit)s columns: "
            "delete the columns you do not need and try again."
        )
        % {"count": _number(count), "limit": _number(limits.max_columns)}
    )


def _empty() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file is empty. Put a header row naming the columns in row 1, "
            "and the data in the rows under it."
        )
    )


def _encoding(handle: IO[bytes]) -> str:
    """UTF-8 (with or without the byte order mark Excel writes), else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        handle.seek(0)
        return encoding
    handle.seek(0)
    raise SpreadsheetError(_("The file is not readable text. Save it as CSV UTF-8 and try again."))


def _delimiter(first_line: str) -> str:
    """The header row's separator: a comma, or the semicolon or tab some tools write."""
    counts = {mark: first_line.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] > counts[","] else ","


def _csv_table(handle: IO[bytes], limits: Limits) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    encoding = _encoding(handle)
    first_line = handle.readline(64 * 1024).decode(encoding, errors="replace")
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=_delimiter(first_line))

    def broken() -> SpreadsheetError:
        return SpreadsheetError(
            _(
                "Line %(line)s cannot be read as CSV: look for a quote mark with no partner "
                "or a very long cell, fix it and upload the file again."
            )
            % {"line": _number(reader.line_num)}
        )

    try:
        header = next(reader, None)
    except csv.Error:
        text.detach()
        raise broken() from None
    if not header or not any(cell.strip() for cell in header):
        text.detach()
        raise _empty()
    if len(header) > limits.max_columns:
        text.detach()
        raise _too_wide(len(header), limits)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    raise broken() from None
                line += 1
                yield line, [cell.strip() for cell in row[: limits.max_columns]]
        finally:
            if not text.closed:
                text.detach()

    return [cell.strip() for cell in header], rows()


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _xlsx_table(handle: IO[bytes], limits: Limits) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        logger.info("An uploaded workbook could not be opened", exc_info=True)
        raise _unreadable_workbook() from None
    try:
        sheet = workbook.worksheets[0]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            raise SpreadsheetError(
                _("The first sheet is empty. Put a header row naming the columns in row 1.")
            )
        # Rows are padded to the width the sheet claims; read each row's own width instead.
        sheet.reset_dimensions()
        first = list(next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ()))
        while first and first[-1] in (None, ""):
            first.pop()
    except SpreadsheetError:
        workbook.close()
        raise
    except Exception:
        workbook.close()
        logger.info("An uploaded workbook's first row could not be read", exc_info=True)
        raise _unreadable_workbook() from None
    headers = [_cell(value) for value in first]
    if not any(headers):
        workbook.close()
        raise SpreadsheetError(_("The first sheet is empty. Put a header row naming the columns in row 1."))
    if len(headers) > limits.max_columns:
        workbook.close()
        raise _too_wide(len(headers), limits)

    def rows() -> Iterator[tuple[int, list[str]]]:
        # Cells beyond the header's last column have no name to import them by.
        try:
            source = sheet.iter_rows(min_row=2, max_col=len(headers), values_only=True)
            for line, values in enumerate(source, start=2):
                yield line, [_cell(value) for value in values]
        except SpreadsheetError:
            raise
        except Exception:
            logger.info("An uploaded workbook could not be read to the end", exc_info=True)
            raise _unreadable_workbook() from None
        finally:
            workbook.close()

    return headers, rows()
