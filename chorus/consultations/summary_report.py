"""A consultation's summary report as an A4 PDF for staff: its dates, how many responded by
each channel, and for every closed question a page with a bar chart and a table of counts.

The report is for staff only (it is reached from staff pages, by staff who may view the
consultation), so it shows real counts, small ones included, and says on every page that it
is for internal use; anything published must go through ``chorus.core.disclosure`` instead.
Written in the page's language with the Roboto that ``chorus.core.pdf`` adds (Welsh letters).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.fonts import FontFace

from chorus.consultations.models import Consultation, Response
from chorus.consultations.responses import closed_question_summary
from chorus.core.access import get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.dates import date_and_time
from chorus.core.i18n import current_welsh_or_english
from chorus.core.models import AuditAction
from chorus.core.pdf import FONT, fonts_add

BLUE = (29, 112, 184)
TEXT = (11, 12, 12)
LIGHT = (243, 242, 241)


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 6, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width``."""
    if pdf.get_string_width(text) <= width:
        return text
    while len(text) > 4 and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _bars(pdf: FPDF, summary: dict[str, Any]) -> None:
    """One horizontal bar an answer, its length the share of those who answered."""
    label_width, bar_width, height = 65.0, 95.0, 6.0
    pdf.set_font(FONT, size=9)
    y = pdf.get_y() + 2
    for row in summary["rows"]:
        if y + height > pdf.h - pdf.b_margin:  # a long list of answers goes on over the page
            pdf.add_page()
            pdf.set_font(FONT, size=9)
            y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_width, height, _fit(pdf, str(row["label"]), label_width - 2))
        width = bar_width * row["count"] / summary["largest"]
        pdf.set_fill_color(*LIGHT)
        pdf.rect(pdf.l_margin + label_width, y + 0.5, bar_width, height - 1, style="F")
        if width > 0:
            pdf.set_fill_color(*BLUE)
            pdf.rect(pdf.l_margin + label_width, y + 0.5, width, height - 1, style="F")
        pdf.set_xy(pdf.l_margin + label_width + bar_width + 2, y)
        pdf.cell(20, height, f"{row['count']:,}")
        y += height + 1.5
    pdf.set_xy(pdf.l_margin, y + 3)


def _table(pdf: FPDF, summary: dict[str, Any]) -> None:
    data = [[_("Answer"), _("Responses"), _("Per cent")]]
    data += [[str(r["label"]), f"{r['count']:,}", f"{r['percent']}%"] for r in summary["rows"]]
    pdf.set_font(FONT, size=10)
    with pdf.table(
        data,
        col_widths=(110, 35, 35),
        text_align=("LEFT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=LIGHT),
        line_height=6,
        padding=1.2,
        width=180,
    ):
        pass


def summary_report_bytes(consultation: Consultation) -> bytes:
    language = current_welsh_or_english()
    title = consultation.title_cy if language == "cy" and consultation.title_cy else consultation.title
    pdf = _Document(format="A4")
    pdf.set_title(_("Summary report: %(title)s") % {"title": title})
    pdf.set_author(settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME)
    pdf.set_lang(language)
    fonts_add(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.footer_text = _("For internal use: not for publication")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_text_color(*TEXT)
    pdf.set_font(FONT, size=11)
    pdf.multi_cell(0, 6, _("Summary report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=11)
    day = "j F Y"
    lines = [
        _("Open from %(opens)s to %(closes)s")
        % {
            "opens": date_format(timezone.localtime(consultation.opens_at), day),
            "closes": date_format(timezone.localtime(consultation.closes_at), day),
        },
        _("Produced %(when)s by %(service)s")
        % {"when": date_and_time(timezone.localtime()), "service": settings.CHORUS_SERVICE_NAME},
    ]
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(
        0,
        6,
        _(
            "For internal use. This report shows every count, however small, so it could identify "
            "people. Do not publish it or share it outside the organisation."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    by_channel = dict(
        consultation.responses.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")
    )
    pdf.ln(3)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, _("Responses by channel"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, size=10)
    channels = [[_("Channel"), _("Responses")]]
    channels += [[str(label), f"{by_channel.get(value, 0):,}"] for value, label in Response.Channel.choices]
    channels.append([_("All channels"), f"{sum(by_channel.values()):,}"])
    with pdf.table(
        channels,
        col_widths=(110, 35),
        text_align=("LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=LIGHT),
        line_height=6,
        padding=1.2,
        width=145,
        align="LEFT",
    ):
        pass
    summaries = closed_question_summary(consultation, language)
    if not summaries:
        pdf.ln(4)
        pdf.multi_cell(0, 6, _("This consultation has no questions with answers to choose from."))
    for number, summary in enumerate(summaries, start=1):
        pdf.add_page()
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(
            0,
            5,
            _("Question %(number)s of %(total)s") % {"number": number, "total": len(summaries)},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(0, 7, summary["question"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=10)
        answered = ngettext(
            "%(count)s person answered this question.",
            "%(count)s people answered this question.",
            summary["answered"],
        ) % {"count": f"{summary['answered']:,}"}
        if summary["multiple"]:
            answered += " " + _(
                "People could choose more than one answer, so the percentages add up to more than 100."
            )
        pdf.multi_cell(0, 5, answered, new_x="LMARGIN", new_y="NEXT", align="L")
        _bars(pdf, summary)
        _table(pdf, summary)
    return bytes(pdf.output())


@staff_required
def summary_report_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        obj=consultation,
        request=request,
        object_repr=f"Summary report of {consultation.title} (PDF)",
    )
    download = HttpResponse(summary_report_bytes(consultation), content_type="application/pdf")
    download["Content-Disposition"] = f'attachment; filename="summary-report-{consultation.code}.pdf"'
    return download
