"""Every CSV and Excel file Chorus writes, made safe to open in a spreadsheet.

Exports carry text the public wrote. A spreadsheet runs a cell that starts with =, +, -
or @ as a formula, Excel also after leading spaces and for the full-width forms of those
characters, and a leading tab or carriage return can hide what follows. Such text (other
than a plain figure such as -3, -1,600 or -16%) is prefixed with an apostrophe, and in
Excel files every text cell is written as text, never as a formula. Numbers (negative ones
too) are written as numbers: callers pass figures as ``int``, ``float`` or ``Decimal``, not
as text. Nothing else in Chorus calls
``csv.writer`` or openpyxl's ``Workbook`` (tests/core/test_download_safety.py keeps it
so): files built in tasks, ZIP files and the ``chorus analyse`` command write through
``safe_csv_writer``, ``csv_text`` and ``xlsx_bytes`` too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise

# =, +, - and @ and their full-width forms (which Excel also reads as the operators).
FORMULA_CHARACTERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


# A plain figure such as -3, +0.5, -1,600 or -16% runs nothing, so it is left as it is
# (a spreadsheet reads it as the number it is).
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?", re.ASCII)


def _is_formula(text: str) -> bool:
    if text[:1] in ("\t", "\r", "\n"):
        return True
    stripped = text.strip()
    return stripped[:1] in FORMULA_CHARACTERS and not _NUMBER.fullmatch(stripped)


def spreadsheet_safe(value: Any) -> Any:
    """``value``, with an apostrophe in front if a spreadsheet would run it as a formula."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and _is_formula(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(cell) for cell in row]


class SafeCsvWriter:
    """``csv.writer`` whose every cell passes ``spreadsheet_safe`` first."""

    def __init__(self, file: _Writable) -> None:
        self._writer = csv.writer(file)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_csv_writer(file: _Writable) -> SafeCsvWriter:
    """A CSV writer onto ``file`` that makes every cell spreadsheet-safe."""
    return SafeCsvWriter(file)


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """``rows`` (the first is the header) as the text of a spreadsheet-safe CSV file."""
    out = io.StringIO()
    safe_csv_writer(out).writerows(rows)
    return out.getvalue()


class _Echo:
    """A file-like object whose write returns what it was given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` (the first is the header) as a CSV attachment named ``filename``."""
    writer = safe_csv_writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
    attachment(response, filename)
    return response


# Values openpyxl writes as numbers, dates or booleans; anything else is written as text.
_XLSX_TYPES = (bool, int, float, Decimal, datetime, date, time, timedelta)


def _xlsx_cell(worksheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, _XLSX_TYPES):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(spreadsheet_safe(value)))
    if not text.startswith("=") and text not in ERROR_CODES:
        return text  # openpyxl writes any other text as text (and this is cheaper at a million rows)
    cell = WriteOnlyCell(worksheet, value=text)
    # Text, whatever it looks like: never a formula, nor an error code such as #N/A.
    cell.data_type = "s"
    return cell


def xlsx_bytes(rows: Iterable[Iterable[Any]], sheet: str) -> bytes:
    """``rows`` (the first is the header) as an Excel file of one sheet, made spreadsheet-safe."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Rows in one Excel worksheet, the header included; a bigger export continues on more sheets.
EXCEL_MAX_ROWS = 1_048_576


class SafeXlsxWriter:
    """An Excel file written row by row (openpyxl's write-only mode, so memory stays flat),
    every cell made spreadsheet-safe. ``header`` starts every sheet; rows past Excel's
    limit continue on further sheets, which are then named "<sheet> 1 of N", "2 of N"..."""

    def __init__(self, header: Iterable[Any], sheet: str, *, max_rows: int | None = None) -> None:
        from openpyxl import Workbook

        self._workbook = Workbook(write_only=True)
        self._header = list(header)
        self._sheet = sheet
        self._per_sheet = (max_rows or EXCEL_MAX_ROWS) - 1  # the header takes one
        self._sheets: list[Any] = []
        self._in_sheet = self._per_sheet  # so the first row opens the first sheet
        self._new_sheet()

    @property
    def sheets(self) -> int:
        return len(self._sheets)

    def _new_sheet(self) -> None:
        worksheet = self._workbook.create_sheet(f"{self._sheet[:20]} {len(self._sheets) + 1}")
        worksheet.append([_xlsx_cell(worksheet, value) for value in self._header])
        self._sheets.append(worksheet)
        self._in_sheet = 0

    def writerow(self, row: Iterable[Any]) -> None:
        if self._in_sheet >= self._per_sheet:
            self._new_sheet()
        worksheet = self._sheets[-1]
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
        self._in_sheet += 1

    def discard(self) -> None:
        """Close the sheets of a file that will not be saved and remove their temporary files."""
        for worksheet in self._sheets:
            worksheet.close()
            worksheet._writer.cleanup()

    def save(self, path: Any) -> None:
        count = len(self._sheets)
        for number, worksheet in enumerate(self._sheets, start=1):
            worksheet.title = self._sheet[:31] if count == 1 else f"{self._sheet[:18]} {number} of {count}"
        self._workbook.save(path)


def xlsx_response(rows: Iterable[Iterable[Any]], filename: str, sheet: str) -> HttpResponse:
    """Write ``rows`` (the first is the header) to one Excel sheet, made spreadsheet-safe."""
    response = HttpResponse(xlsx_bytes(rows, sheet), content_type=XLSX_CONTENT_TYPE)
    attachment(response, filename)
    return response


def absolute_url(path: str) -> str:
    """A path on this site as a full address, for emails and feeds sent without a request."""
    from django.conf import settings

    return settings.CHORUS_BASE_URL.rstrip("/") + path
