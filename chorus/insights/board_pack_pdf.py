"""The board pack as an A4 PDF in the organisation's name and colour: a title page, then
each section's tables (fpdf2, in the Roboto of ``chorus.core.pdf``, which has the Welsh
letters). Written in the active language; the view chooses it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from chorus.core.dates import date_and_time
from chorus.core.pdf import FONT, fonts_add
from chorus.insights.board_pack import Pack, Table
from chorus.insights.board_pack_outline import (
    OutlineTable,
    day_text,
    pack_notes,
    pack_outline,
    pack_period,
    pack_title,
)

TEXT = (11, 12, 12)
GREY = (177, 180, 182)
LIGHT = (243, 242, 241)
WIDTH = 180


def brand_rgb() -> tuple[int, int, int]:
    """The organisation's colour (``CHORUS_BRAND_COLOUR``, "#rrggbb") as red, green, blue."""
    colour = str(settings.CHORUS_BRAND_COLOUR).lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 6, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str, size: float, colour: tuple[int, int, int] = TEXT) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_text_color(*colour)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)
    pdf.set_font(FONT, size=10)
    pdf.ln(1)


def _widths(table: OutlineTable) -> tuple[float, ...]:
    if table.widths:
        return table.widths
    columns = len(table.header)
    if table.numeric == (1, 2, 3) and columns == 4:
        return (72, 36, 36, 36)
    if columns == 5 and table.numeric == (3,):  # consultations
        return (60, 27, 27, 22, 44)
    if columns == 5:  # what was shared back
        return (30, 46, 46, 26, 32)
    if columns == 4:
        return (80, 30, 30, 40)
    return (80, 60, 40)


def _bars(pdf: FPDF, table: Table, brand: tuple[int, int, int]) -> None:
    """Horizontal bars, this period in the organisation's colour over the previous in grey,
    for figures whose table is just above (counts of things, never suppressed)."""
    rows = [f for f in table.figures if f.current is not None and f.previous is not None]
    if not rows:
        return
    largest = table.largest
    label_width, bar_width, height = 55.0, 105.0, 3.2
    if pdf.get_y() + len(rows) * (2 * height + 2) + 12 > pdf.h - 20:
        pdf.add_page()
    pdf.set_font(FONT, size=7.5)
    y = pdf.get_y() + 1
    for figure in rows:
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_width, 2 * height, str(figure.label))
        for offset, value, colour in ((0.0, figure.current, brand), (height, figure.previous, GREY)):
            width = bar_width * (value or 0) / largest
            if width > 0:
                pdf.set_fill_color(*colour)
                pdf.rect(pdf.l_margin + label_width, y + offset, width, height - 0.4, style="F")
        y += 2 * height + 2
    for x, colour, label in ((0.0, brand, table.columns[0]), (70.0, GREY, table.columns[1])):
        pdf.set_fill_color(*colour)
        pdf.rect(pdf.l_margin + x, y + 1, 4, 2.5, style="F")
        pdf.set_xy(pdf.l_margin + x + 5, y)
        pdf.cell(60, 4.5, str(label))
    pdf.set_xy(pdf.l_margin, y + 6)
    pdf.set_font(FONT, size=10)
    pdf.ln(2)


def _table(pdf: FPDF, table: OutlineTable) -> None:
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 5.5, table.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    if not table.rows:
        pdf.multi_cell(0, 5, table.empty, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    align = tuple("RIGHT" if i in table.numeric else "LEFT" for i in range(len(table.header)))
    data = [table.header, *([str(cell) for cell in row] for row in table.rows)]
    with pdf.table(
        data,
        col_widths=_widths(table),
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=LIGHT),
        line_height=5,
        padding=1.2,
        width=WIDTH,
    ):
        pass
    if table.more:
        pdf.set_font(FONT, size=8)
        pdf.multi_cell(0, 5, table.more, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.ln(3)
    if table.chart is not None:
        _bars(pdf, table.chart, brand_rgb())


def _title_page(pdf: _Document, pack: Pack) -> None:
    brand = brand_rgb()
    pdf.add_page()
    pdf.set_fill_color(*brand)
    pdf.rect(0, 0, pdf.w, 28, style="F")
    pdf.set_xy(15, 9)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, pack.organisation)
    pdf.set_xy(15, 70)
    pdf.set_text_color(*brand)
    pdf.set_font(FONT, "B", 30)
    pdf.multi_cell(0, 14, pack_title(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 9, pack_period(pack), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, size=11)
    compared = _("Compared with %(start)s to %(end)s") % {
        "start": day_text(pack.previous_start),
        "end": day_text(pack.previous_end),
    }
    made = _("Produced %(when)s") % {"when": date_and_time(timezone.localtime(pack.made_at))}
    for line in (compared, made):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")


def board_pack_pdf_bytes(pack: Pack) -> bytes:
    pdf = _Document(format="A4")
    pdf.set_title(f"{pack_title()}: {pack_period(pack)}")
    pdf.set_author(pack.organisation)
    pdf.set_lang(pack.language)
    fonts_add(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.footer_text = f"{pack.organisation}: {pack_title()}, {pack_period(pack)}"
    pdf.alias_nb_pages()
    _title_page(pdf, pack)
    brand = brand_rgb()
    pdf.add_page()
    for section in pack_outline(pack):
        _heading(pdf, section.title, 15, brand)
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(0, 5, section.intro, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for table in section.tables:
            _table(pdf, table)
    _heading(pdf, _("About these figures"), 13, brand)
    for note in pack_notes(pack):
        pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())
