"""The engagement report as an A4 PDF that reads well printed: tables first, bar charts beside them.

fpdf2 writes the PDF in pure Python, in the Roboto that ``chorus.core.pdf`` adds (it has
Welsh letters such as ŵ and ŷ, which the PDF core fonts do not).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from chorus.core.dates import date_and_time
from chorus.core.pdf import fonts_add
from chorus.core.registry import ExportSection
from chorus.engagement.report import Report, Row, Section

BLUE = (29, 112, 184)
GREY = (177, 180, 182)
TEXT = (11, 12, 12)
# Longest breakdowns are cut to their largest rows; the CSV has every row.
MOST_ROWS = 25


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _change(row: Row) -> str:
    sign = "+" if row.change > 0 else ""
    percent = row.change_percent
    return f"{sign}{row.change}" + (f" ({sign}{percent}%)" if percent is not None else "")


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Roboto", size=8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 6, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _table(pdf: FPDF, heading: str, rows: list[Row], periods: tuple[str, str]) -> None:
    shown = rows[:MOST_ROWS]
    data = [[heading, periods[0], periods[1], _("Change")]]
    data += [[str(r.label), f"{r.current:,}", f"{r.previous:,}", _change(r)] for r in shown]
    with pdf.table(
        data,
        col_widths=(80, 30, 30, 40),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(243, 242, 241)),
        line_height=5.5,
        padding=1.2,
        width=180,
    ):
        pass
    if len(rows) > MOST_ROWS:
        pdf.set_font("Roboto", size=8)
        pdf.cell(
            0,
            5,
            _("%(n)s more rows in the CSV download.") % {"n": len(rows) - MOST_ROWS},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Roboto", size=10)


def _bars(pdf: FPDF, section: Section) -> None:
    """Horizontal bars, this period (blue) over the previous (grey): the table above has the figures."""
    rows = section.rows[:12]
    if not rows:
        return
    largest = section.largest
    label_width, bar_width, height = 60.0, 110.0, 3.2
    needed = len(rows) * (2 * height + 2) + 10
    if pdf.get_y() + needed > pdf.h - 20:
        pdf.add_page()
    pdf.set_font("Roboto", size=7.5)
    y = pdf.get_y() + 2
    for row in rows:
        pdf.set_xy(pdf.l_margin, y)
        label = str(row.label)
        while pdf.get_string_width(label) > label_width - 2 and len(label) > 4:
            label = label[:-2]
        if label != str(row.label):
            label = label.rstrip() + "…"
        pdf.cell(label_width, 2 * height, label)
        for offset, value, colour in ((0.0, row.current, BLUE), (height, row.previous, GREY)):
            pdf.set_fill_color(*colour)
            width = bar_width * value / largest
            if width > 0:
                pdf.rect(pdf.l_margin + label_width, y + offset, width, height - 0.4, style="F")
        pdf.set_xy(pdf.l_margin + label_width + bar_width * row.current / largest + 1, y)
        pdf.cell(10, height, f"{row.current:,}")
        y += 2 * height + 2
    pdf.set_xy(pdf.l_margin, y)
    pdf.set_fill_color(*BLUE)
    pdf.rect(pdf.l_margin, y + 1, 4, 2.5, style="F")
    pdf.set_xy(pdf.l_margin + 5, y)
    pdf.cell(40, 4.5, _("This period"))
    pdf.set_fill_color(*GREY)
    pdf.rect(pdf.l_margin + 45, y + 1, 4, 2.5, style="F")
    pdf.set_xy(pdf.l_margin + 50, y)
    pdf.cell(40, 4.5, _("Previous period"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", size=10)
    pdf.ln(3)


def _shown(cell: object) -> str:
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return str(cell)
    return f"{cell:,}" if isinstance(cell, int) else f"{cell:,.1f}"


def _extra(pdf: FPDF, section: ExportSection) -> None:
    """A section a higher app adds, its figures right-aligned, each column as wide as its
    longest cell (and the longest word of its heading) needs."""
    _heading(pdf, str(section.heading))
    if section.note:
        pdf.multi_cell(0, 5, str(section.note), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if not section.rows:
        return
    pdf.set_font("Roboto", size=8.5)
    data = [[str(cell) for cell in section.header]] + [[_shown(cell) for cell in row] for row in section.rows]
    widths = [
        max(
            *(pdf.get_string_width(row[column]) for row in data[1:]),
            *(pdf.get_string_width(word) for word in data[0][column].split()),
            8.0,
        )
        + 3
        for column in range(len(data[0]))
    ]
    numeric = [any(isinstance(row[c], int | float) for row in section.rows) for c in range(len(data[0]))]
    with pdf.table(
        data,
        col_widths=tuple(widths),
        text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
        headings_style=FontFace(emphasis="BOLD", fill_color=(243, 242, 241)),
        line_height=4.8,
        padding=1.2,
        width=180,
    ):
        pass
    pdf.set_font("Roboto", size=10)


def _heading(pdf: FPDF, text: str, size: float = 13) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("Roboto", "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", size=10)
    pdf.ln(1)


def report_pdf_bytes(report: Report, extra: Sequence[ExportSection] = ()) -> bytes:
    """The report, then each of ``extra`` (the sections higher apps add)."""
    pdf = _Document(format="A4")
    pdf.set_title(_("Engagement report"))
    pdf.set_author(settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME)
    pdf.set_lang("cy" if _("Engagement report") != "Engagement report" else "en")
    fonts_add(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.footer_text = _("Engagement report, %(start)s to %(end)s") % {
        "start": _day(report.start),
        "end": _day(report.end),
    }
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_text_color(*TEXT)
    pdf.set_font("Roboto", "B", 20)
    pdf.multi_cell(0, 9, _("Engagement report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", size=11)
    lines = [
        _("%(start)s to %(end)s, compared with %(pstart)s to %(pend)s")
        % {
            "start": _day(report.start),
            "end": _day(report.end),
            "pstart": _day(report.previous_start),
            "pend": _day(report.previous_end),
        },
        _("Project: %(name)s") % {"name": report.project.name if report.project else _("all projects")},
        _("Team: %(name)s") % {"name": report.team.name if report.team else _("all teams")},
        _("Produced %(when)s by %(service)s")
        % {"when": date_and_time(timezone.localtime()), "service": settings.CHORUS_SERVICE_NAME},
    ]
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    periods = (_("This period"), _("Previous period"))
    _heading(pdf, _("Headline figures"))
    _table(pdf, _("Measure"), report.headline, periods)
    for section in report.sections:
        _heading(pdf, str(section.title))
        if not section.rows:
            pdf.multi_cell(0, 5, _("None in either period."), new_x="LMARGIN", new_y="NEXT")
            continue
        _table(pdf, str(section.measure), section.rows, periods)
        _bars(pdf, section)
    _heading(pdf, _("Coverage gaps"))
    gaps = (
        (_("Stakeholder groups with no activity in the period"), report.groups_not_engaged),
        (_("Regions with no activity in the period"), report.regions_not_engaged),
        (
            _("Projects with overdue checkpoints"),
            [f"{name} ({count})" for name, count in report.projects_overdue],
        ),
    )
    for title, names in gaps:
        pdf.set_font("Roboto", "B", 10)
        pdf.multi_cell(0, 5.5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", size=10)
        pdf.multi_cell(0, 5, ", ".join(names) if names else _("None."), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for added in extra:
        _extra(pdf, added)
    return bytes(pdf.output())
