"""An analysis's summary report, built once and written as HTML, PDF or DOCX.

Every format shows the same things: for each broad theme its label, description, share,
quotes that stand for it and differ from each other, and its breakdowns (respondent type,
organisations, region, channel, stance) with small counts suppressed (``evidence.py``);
then its sub-themes with two quotes each. Quotes are the redacted text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.document import Document as DocxDocument
from fpdf import FPDF
from fpdf.fonts import FontFace

from chorus.analysis.evidence import Breakdown, Evidence, Row, theme_evidence
from chorus.analysis.models import AnalysisRun, Theme
from chorus.core.dates import date_and_time
from chorus.core.disclosure import suppress, threshold
from chorus.core.i18n import current_welsh_or_english
from chorus.core.pdf import FONT, fonts_add

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIGHT = (243, 242, 241)


@dataclass
class Child:
    theme: Theme
    quotes: list[str]


@dataclass
class Section:
    theme: Theme
    evidence: Evidence
    children: list[Child] = field(default_factory=list)

    @property
    def quotes(self) -> list[str]:
        return self.evidence.quotes


@dataclass
class Report:
    run: AnalysisRun
    sections: list[Section]
    totals: dict[str, str]  # sentiment: its count, or why it is not shown
    made: datetime
    changes: int
    campaigns: int


def report_build(run: AnalysisRun) -> Report:
    """What the summary report of ``run`` shows, in every format."""
    broad = list(run.themes.filter(level="broad").prefetch_related("children").order_by("-share"))
    children = [c for b in broad for c in b.children.all()]
    wanted = [q for c in children for q in c.quotes if isinstance(q, int)]
    quotes = dict(run.items.filter(pk__in=wanted).values_list("pk", "redacted"))
    sections = [
        Section(
            theme=b,
            evidence=theme_evidence(b),
            children=[
                Child(c, [quotes[q] for q in c.quotes if q in quotes][:2])
                for c in sorted(b.children.all(), key=lambda c: -c.share)
                if c.label != b.label
            ],
        )
        for b in broad
    ]
    return Report(
        run=run,
        sections=sections,
        totals=_totals(run),
        made=timezone.now(),
        changes=run.changes.count(),
        campaigns=run.campaign_count,
    )


def _totals(run: AnalysisRun) -> dict[str, str]:
    """The run's responses by sentiment, small counts suppressed as in every breakdown."""
    below = threshold()
    counts = {s: run.items.filter(sentiment=s).count() for s in ("positive", "neutral", "negative")}
    cells, _total = suppress(counts, below=below)
    rows = [Row(cell.key, cell.count, fewer=counts[cell.key] < below) for cell in cells]
    return {row.label: count_text(row, below) for row in rows}


def share_text(share: float) -> str:
    return f"{round(share * 100)}%"


def count_text(row: Row, below: int) -> str:
    """A breakdown cell as shown: its count and share, or why it is not shown."""
    if row.count is None:
        if row.fewer:
            return _("fewer than %(below)s") % {"below": below}
        return _("not shown, so that a smaller number cannot be worked out")
    if row.share is None:
        return f"{row.count:,}"
    return f"{row.count:,} ({share_text(row.share)})"


def total_text(breakdown: Breakdown, below: int) -> str:
    if breakdown.total is None:
        return _("fewer than %(below)s") % {"below": below}
    return f"{breakdown.total:,}"


def organisations_text(evidence: Evidence) -> str:
    """How many organisations responded as themselves, and the most frequent by name."""
    row = evidence.organisations
    if row is None:
        return ""
    if row.count is None:
        told = _("Fewer than %(below)s organisations responded as themselves.") % {"below": evidence.below}
    else:
        told = ngettext(
            "%(count)s organisation responded as itself.",
            "%(count)s organisations responded as themselves.",
            row.count,
        ) % {"count": f"{row.count:,}"}
    if evidence.organisations_named:
        told += " " + _("Among them: %(names)s.") % {"names": ", ".join(evidence.organisations_named)}
    return told


def _summary_lines(report: Report) -> list[str]:
    campaigns = ngettext(
        "%(n)s group of alike responses (a campaign or copy-paste) is counted once in the shares.",
        "%(n)s groups of alike responses (campaigns or copy-paste) are each counted once in the shares.",
        report.campaigns,
    ) % {"n": report.campaigns}
    changes = ngettext(
        "Analysts made %(n)s change to the themes.",
        "Analysts made %(n)s changes to the themes.",
        report.changes,
    ) % {"n": report.changes}
    consultation = (
        [_("A question of the consultation “%(title)s”.") % {"title": report.run.consultation_title}]
        if report.run.consultation_title
        else []
    )
    return [
        *consultation,
        _("%(n)s responses, analysed by Chorus; report made %(made)s.")
        % {"n": report.run.item_count, "made": date_and_time(timezone.localtime(report.made))},
        _("Sentiment: positive %(p)s, neutral %(u)s, negative %(g)s.")
        % {"p": report.totals["positive"], "u": report.totals["neutral"], "g": report.totals["negative"]},
        campaigns,
        _(
            "A response that makes two points can be in two themes, so the shares can add up to "
            "more than 100%."
        ),
        changes,
        _(
            "Quotes have personal data removed. In the tables of who responded, counts under "
            "%(below)s are not shown."
        )
        % {"below": threshold()},
    ]


def _title(report: Report) -> str:
    return _("Analysis summary: %(title)s") % {"title": report.run.title}


def _breakdown_rows(breakdown: Breakdown, below: int) -> list[list[str]]:
    rows = [[breakdown.title, _("Responses")]]
    rows += [[row.label, count_text(row, below)] for row in breakdown.rows]
    rows.append([_("All responses"), total_text(breakdown, below)])
    return rows


# PDF --------------------------------------------------------------------------------------


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 6, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _pdf_text(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, height: float = 5) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", align="L")


def report_pdf_bytes(report: Report) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_title(_title(report))
    pdf.set_author(settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME)
    pdf.set_lang(current_welsh_or_english())
    fonts_add(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.footer_text = _("For internal use: not for publication")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_text_color(11, 12, 12)
    _pdf_text(pdf, _title(report), size=18, bold=True, height=8)
    pdf.ln(2)
    for line in _summary_lines(report):
        _pdf_text(pdf, line)
    for section in report.sections:
        theme, evidence = section.theme, section.evidence
        pdf.ln(4)
        _pdf_text(pdf, f"{theme.label} ({share_text(theme.share)})", size=14, bold=True, height=7)
        if theme.description:
            _pdf_text(pdf, theme.description)
        for quote in section.quotes:
            pdf.set_x(pdf.l_margin + 5)
            pdf.set_font(FONT, size=10)
            pdf.multi_cell(0, 5, f"“{quote}”", new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1)
        for breakdown in evidence.tables:
            pdf.ln(2)
            pdf.set_font(FONT, size=9)
            with pdf.table(
                _breakdown_rows(breakdown, evidence.below),
                col_widths=(100, 80),
                text_align=("LEFT", "RIGHT"),
                headings_style=FontFace(emphasis="BOLD", fill_color=LIGHT),
                line_height=5,
                padding=1,
                width=180,
            ):
                pass
        if evidence.organisations is not None:
            pdf.ln(2)
            _pdf_text(pdf, organisations_text(evidence))
        for child in section.children:
            pdf.ln(2)
            _pdf_text(pdf, f"{child.theme.label} ({child.theme.size:,})", size=11, bold=True, height=6)
            if child.theme.description:
                _pdf_text(pdf, child.theme.description)
            for quote in child.quotes:
                pdf.set_x(pdf.l_margin + 5)
                pdf.set_font(FONT, size=10)
                pdf.multi_cell(0, 5, f"“{quote}”", new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(pdf.output())


# DOCX -------------------------------------------------------------------------------------


def _docx_table(document: DocxDocument, rows: list[list[str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for number, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
            if number == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def report_docx_bytes(report: Report) -> bytes:
    document = Document()
    document.core_properties.title = _title(report)
    document.core_properties.author = settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME
    document.core_properties.language = current_welsh_or_english()
    document.add_heading(_title(report), level=0)
    for line in _summary_lines(report):
        document.add_paragraph(line)
    for section in report.sections:
        theme, evidence = section.theme, section.evidence
        document.add_heading(f"{theme.label} ({share_text(theme.share)})", level=1)
        if theme.description:
            document.add_paragraph(theme.description)
        for quote in section.quotes:
            document.add_paragraph(quote, style="Quote")
        for breakdown in evidence.tables:
            _docx_table(document, _breakdown_rows(breakdown, evidence.below))
            document.add_paragraph()
        if evidence.organisations is not None:
            document.add_paragraph(organisations_text(evidence))
        for child in section.children:
            document.add_heading(f"{child.theme.label} ({child.theme.size:,})", level=2)
            if child.theme.description:
                document.add_paragraph(child.theme.description)
            for quote in child.quotes:
                document.add_paragraph(quote, style="Quote")
    document.add_paragraph(_("For internal use: not for publication"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
