"""The board pack as a Word document (python-docx, as the analysis report is, ADR 10):
the organisation's name and the period on a title page, then each section's tables,
headings in the organisation's colour. Written in the active language."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt, RGBColor

from chorus.core.dates import date_and_time
from chorus.insights.board_pack import Pack
from chorus.insights.board_pack_outline import (
    Cell,
    OutlineTable,
    day_text,
    pack_notes,
    pack_outline,
    pack_period,
    pack_title,
)
from chorus.insights.board_pack_pdf import brand_rgb

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _heading(document: DocxDocument, text: str, level: int) -> None:
    heading = document.add_heading(text, level=level)
    for run in heading.runs:
        run.font.color.rgb = RGBColor(*brand_rgb())


def _table(document: DocxDocument, table: OutlineTable) -> None:
    caption = document.add_paragraph()
    caption.add_run(table.caption).bold = True
    if not table.rows:
        document.add_paragraph(table.empty)
        return
    grid = document.add_table(rows=0, cols=len(table.header))
    grid.style = "Table Grid"
    rows: list[list[Cell]] = [list(table.header), *table.rows]
    for number, row in enumerate(rows):
        cells = grid.add_row().cells
        for column, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = str(value)
            paragraph = cell.paragraphs[0]
            if column in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if number == 0:
                for run in paragraph.runs:
                    run.bold = True
    if table.more:
        document.add_paragraph(table.more)
    document.add_paragraph()


def board_pack_docx_bytes(pack: Pack) -> bytes:
    document = Document()
    document.core_properties.title = f"{pack_title()}: {pack_period(pack)}"
    document.core_properties.author = pack.organisation
    document.core_properties.language = pack.language
    organisation = document.add_paragraph()
    run = organisation.add_run(pack.organisation)
    run.bold = True
    run.font.size = Pt(16)
    run.font.color.rgb = RGBColor(*brand_rgb())
    _heading(document, pack_title(), 0)
    document.add_paragraph(pack_period(pack)).runs[0].font.size = Pt(16)
    document.add_paragraph(
        _("Compared with %(start)s to %(end)s")
        % {"start": day_text(pack.previous_start), "end": day_text(pack.previous_end)}
    )
    document.add_paragraph(
        _("Produced %(when)s") % {"when": date_and_time(timezone.localtime(pack.made_at))}
    ).runs[0].add_break(WD_BREAK.PAGE)
    for section in pack_outline(pack):
        _heading(document, section.title, 1)
        document.add_paragraph(section.intro)
        for table in section.tables:
            _table(document, table)
    _heading(document, _("About these figures"), 1)
    for note in pack_notes(pack):
        document.add_paragraph(note)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
