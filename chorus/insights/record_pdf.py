"""The consultation record as files: an A4 PDF, and a ZIP file of the evidence (the PDF;
every version of every document file the consultation held, a folder per document; and
CSV files of every document version, responses by channel and respondent type, the help
requests, the history of its documents and questions, and the analysis audit trail).

fpdf2 writes the PDF in Roboto (``chorus.core.pdf``), which has the Welsh letters. The CSV
files go through the spreadsheet-safe writer, so no cell runs as a formula.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from chorus.consultations.gunning import MET, MISSING
from chorus.core.dates import date_and_time, long_date
from chorus.core.downloads import csv_text
from chorus.core.pdf import FONT, fonts_add
from chorus.insights.consultation_record import Event, Record

if TYPE_CHECKING:
    from chorus.accounts.models import User

TEXT = (11, 12, 12)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(243, 242, 241))


def _status_label(status: str) -> str:
    if status == MET:
        return _("Met")
    if status == MISSING:
        return _("Missing")
    return _("Warning")


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 6, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.ln(1)


def _line(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    """A table whose first row is its headings, or a line saying there is nothing to show."""
    if len(rows) < 2:
        _line(pdf, _("Nothing recorded."))
        return
    pdf.set_font(FONT, size=9)
    with pdf.table(
        [list(row) for row in rows],
        col_widths=tuple(widths),
        headings_style=HEADINGS,
        line_height=5,
        padding=1.2,
        width=180,
        text_align="LEFT",
    ):
        pass
    pdf.set_font(FONT, size=10)
    pdf.ln(2)


def _events(events: Iterable[Event], with_about: bool = False) -> list[list[str]]:
    heading = [_("When"), _("Who")] + ([_("Analysis")] if with_about else []) + [_("What")]
    return [heading] + [
        [date_and_time(e.at), e.who] + ([e.about] if with_about else []) + [e.what] for e in events
    ]


def _summary(record: Record) -> list[list[str]]:
    consultation = record.consultation
    length = record.length
    if length.meets:
        meets = _("Yes, it meets the standard of %(weeks)s weeks") % {"weeks": length.standard_weeks}
    elif consultation.shorter_reason.strip():
        meets = _("No, it is shorter than the standard of %(weeks)s weeks, for this reason:") % {
            "weeks": length.standard_weeks
        }
        meets += " " + consultation.shorter_reason.strip()
    else:
        meets = _("No, it is shorter than the standard of %(weeks)s weeks. No reason recorded.") % {
            "weeks": length.standard_weeks
        }
    return [
        [_("Record"), _("What it shows")],
        [_("Status"), record.status],
        [_("Set up"), date_and_time(record.made_at)],
        [_("Published"), date_and_time(record.published_at) if record.published_at else _("Not recorded")],
        [_("Opens"), date_and_time(consultation.opens_at)],
        [_("Closes"), date_and_time(consultation.closes_at)],
        [_("Length"), str(length)],
        [_("Against the standard"), meets],
    ]


def record_pdf_bytes(record: Record) -> bytes:
    """The record as an A4 PDF."""
    consultation = record.consultation
    title = _("Consultation record")
    pdf = _Document(format="A4")
    pdf.set_title(f"{title}: {consultation.title}")
    pdf.set_author(settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME)
    pdf.set_lang("cy" if title != "Consultation record" else "en")
    fonts_add(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.footer_text = f"{title}: {consultation.title}"[:90]
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_text_color(*TEXT)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, consultation.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    _line(
        pdf,
        _("Produced %(when)s by %(service)s")
        % {"when": date_and_time(timezone.localtime()), "service": settings.CHORUS_SERVICE_NAME},
    )
    _heading(pdf, _("Dates and length"))
    _table(pdf, _summary(record), (50, 130))
    _heading(pdf, _("Checklist against the Gunning principles"))
    _table(
        pdf,
        [[_("Principle"), _("Check"), _("Status"), _("What the record shows")]]
        + [[str(c.principle), c.name, _status_label(c.status), c.shows] for c in record.checklist],
        (40, 45, 20, 75),
    )
    _heading(pdf, _("Documents: every version"))
    _table(pdf, _document_rows(record), (40, 15, 35, 30, 30, 30))
    _heading(pdf, _("Questions"))
    _line(pdf, _questions_stand(record))
    _table(
        pdf,
        [[_("Page"), _("Question")]] + [[q.section.title, q.text] for q in record.questions],
        (50, 130),
    )
    _heading(pdf, _("Every change to its questions"))
    _table(pdf, _question_change_rows(record), (35, 30, 85, 30))
    _heading(pdf, _("History of its documents and questions"))
    _table(pdf, _events(record.history), (40, 40, 100))
    _heading(pdf, _("Formats and channels offered"))
    _table(
        pdf,
        [[_("Format or channel"), _("Offered"), _("What the record shows")]]
        + [[o.name, _yes(o.offered), o.shows] for o in record.offers],
        (50, 20, 110),
    )
    if record.events:
        _table(
            pdf,
            [[_("Event"), _("Type"), _("When")]]
            + [[a.title, str(a.get_kind_display()), date_and_time(a.starts_at)] for a in record.events],
            (80, 50, 50),
        )
    _heading(pdf, _("Requests for help"))
    _table(pdf, _help_rows(record), (15, 30, 35, 20, 20, 30, 30))
    _heading(pdf, _("Responses"))
    _line(pdf, _("Responses in all: %(count)s") % {"count": f"{record.responses:,}"})
    _table(pdf, [[str(cell) for cell in row] for row in _count_rows(record)], (60, 60, 60))
    _line(pdf, _("Responses published after moderation: %(count)s") % {"count": record.published_responses})
    _heading(pdf, _("Analysis"))
    _table(pdf, _run_rows(record), (50, 25, 35, 20, 15, 35))
    _heading(pdf, _("Analysis audit trail"))
    _table(pdf, _events(record.trail, with_about=True), (35, 35, 40, 70))
    _heading(pdf, _("Published response: you said, we did"))
    _table(
        pdf,
        [[_("You said"), _("We did"), _("Themes it answers"), _("Decided"), _("Published")]]
        + [
            [
                i.you_said,
                i.we_did,
                "; ".join(t.label for t in i.themes.all()),
                long_date(i.decided_on) + (f", {i.decided_by}" if i.decided_by else ""),
                long_date(i.published_at) if i.is_published and i.published_at else _yes(i.is_published),
            ]
            for i in record.impact
        ],
        (45, 45, 35, 30, 25),
    )
    return bytes(pdf.output())


def _person(user: User | None) -> str:
    return (user.full_name or user.email) if user is not None else ""


def _document_rows(record: Record) -> list[list[str]]:
    """Every version of every document: what it was, when and by whom it was added, and
    when it was replaced or withdrawn; a version whose file was deleted says so and why
    in place of its file."""
    heading = [
        _("Document"),
        _("Version"),
        _("File"),
        _("Added"),
        _("Replaced or withdrawn"),
        _("Title in Welsh"),
    ]
    rows = [heading]
    for history in record.document_histories:
        for version in history.versions:
            d = version.document
            if version.replaced_at is not None:
                became = _("Replaced on %(when)s") % {"when": date_and_time(version.replaced_at)}
            elif d.withdrawn_at is not None:
                became = _("Withdrawn on %(when)s") % {"when": date_and_time(d.withdrawn_at)}
                if d.withdrawn_by is not None:
                    became += f", {_person(d.withdrawn_by)}"
            else:
                became = _("Current")
            added = date_and_time(d.created_at) + (f", {_person(d.added_by)}" if d.added_by else "")
            rows.append(
                [
                    d.title,
                    str(d.version),
                    d.file_deleted_note() or f"{d.original_name} ({filesizeformat(d.size)})",
                    added,
                    became,
                    d.title_cy or _("Not given"),
                ]
            )
    return rows


def _questions_stand(record: Record) -> str:
    if record.questions_changed_after_opening:
        return _(
            "Its questions as they stand now. They were changed after it opened: the changes are listed next."
        )
    if record.opened:
        return _("Its questions as they stood when it opened, unchanged since.")
    return _("Its questions as they stand now; it has not opened yet.")


def _question_change_rows(record: Record) -> list[list[str]]:
    opens = record.consultation.opens_at
    return [[_("When"), _("Who"), _("What changed"), _("Before or after it opened")]] + [
        [
            date_and_time(e.at),
            e.who,
            e.what,
            _("After it opened") if e.at > opens else _("Before it opened"),
        ]
        for e in record.question_changes
    ]


def _help_rows(record: Record) -> list[list[str]]:
    heading = [
        _("Number"),
        _("Asked"),
        _("Help wanted"),
        _("In Welsh"),
        _("Status"),
        _("Last updated"),
        _("Response entered for them"),
    ]
    return [heading] + [
        [
            str(h.number),
            date_and_time(h.asked_on),
            h.way,
            _yes(h.in_welsh),
            h.status,
            date_and_time(h.updated_on),
            _yes(h.responded),
        ]
        for h in record.help_requests
    ]


def _count_rows(record: Record) -> list[list[Any]]:
    return (
        [[_("Grouped by"), _("Group"), _("Responses")]]
        + [[_("Channel"), t.label, t.count] for t in record.by_channel]
        + [[_("Respondent type"), t.label, t.count] for t in record.by_type]
    )


def _run_rows(record: Record) -> list[list[str]]:
    return [[_("Analysis"), _("Status"), _("Finished"), _("Themes"), _("Locked"), _("Review")]] + [
        [
            r.title,
            r.status,
            date_and_time(r.finished_at) if r.finished_at else _("Not finished"),
            str(r.themes),
            str(r.locked),
            r.review
            + (" " + _("(signed off by %(name)s)") % {"name": r.signed_off_by} if r.signed_off_by else ""),
        ]
        for r in record.runs
    ]


def _member_name(number: int, title: str, version: int, original: str) -> str:
    """A version's place in the ZIP file: a numbered folder per document, each version's
    file named by its version, so two files of the same name both fit, and no name from
    an upload makes folders of its own."""
    name = PurePosixPath(original.replace("\\", "/")).name or "document"
    folder = f"{number:02d}-{slugify(title)[:60]}".rstrip("-")
    return f"documents/{folder}/v{version}-{name}"


def record_zip_write(record: Record, file: IO[bytes]) -> None:
    """Write the ZIP file of the record's evidence into ``file``; each document is copied
    from storage in chunks, so no file is held in memory whole."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("consultation-record.pdf", record_pdf_bytes(record))
        for number, history in enumerate(record.document_histories, start=1):
            for version in history.versions:
                document = version.document
                if document.file_deleted_at is not None:
                    continue  # deleted for good; the PDF and the CSV say when, by whom and why
                try:
                    source = document.file.open("rb")
                except OSError:
                    continue  # the file is gone from storage; the PDF still lists the document
                member = _member_name(
                    number, history.versions[0].document.title, document.version, document.original_name
                )
                with source, archive.open(member, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
        archive.writestr("documents-every-version.csv", csv_text(_document_rows(record)))
        archive.writestr(
            "responses-by-channel-and-type.csv",
            csv_text(_count_rows(record)),
        )
        archive.writestr("help-requests.csv", csv_text(_help_rows(record)))
        archive.writestr("history-of-documents-and-questions.csv", csv_text(_events(record.history)))
        archive.writestr("analysis-audit-trail.csv", csv_text(_events(record.trail, with_about=True)))


def record_zip_bytes(record: Record) -> bytes:
    """The ZIP file of the record's evidence, as bytes (the view spools it to disk instead)."""
    buffer = io.BytesIO()
    record_zip_write(record, buffer)
    return buffer.getvalue()
