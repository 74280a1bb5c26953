"""A respondent's copy of their answers: as plain text in the receipt email, and as a PDF
from the confirmation page, in the language they answered in.

The PDF is for the browser that sent the response only: sending puts the response's code
in that session, and without it the download is "not found". Equality monitoring answers
are never in a copy: they are kept apart (``chorus.equality``) and never joined to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from fpdf import FPDF

from chorus.consultations.journey import shown_answer
from chorus.consultations.models import Consultation, Response
from chorus.consultations.selectors import questions_in_order
from chorus.core.audit import audit_record
from chorus.core.dates import date_and_time
from chorus.core.models import AuditAction
from chorus.core.pdf import FONT, fonts_add

TEXT = (11, 12, 12)


@dataclass(frozen=True)
class AnswerCopied:
    question: str
    answer: str


@dataclass(frozen=True)
class PageCopied:
    title: str
    answers: list[AnswerCopied]


def _session_key(consultation: Consultation) -> str:
    return f"answered-{consultation.code}"


def response_sent_remember(request: HttpRequest, response: Response) -> None:
    """Let this browser session download a copy of ``response``."""
    request.session[_session_key(response.consultation)] = str(response.code)


def response_sent_here(request: HttpRequest, consultation: Consultation) -> Response | None:
    """The response this browser session sent to ``consultation``, if it sent one."""
    code = request.session.get(_session_key(consultation))
    if not code:
        return None
    return Response.objects.filter(code=code, consultation=consultation).first()


def answers_copied(response: Response) -> list[PageCopied]:
    """The questions answered and the answers, page by page, in the response's language."""
    language = response.language
    given = {answer.question_id: answer for answer in response.answers.all()}
    pages: list[PageCopied] = []
    section_id = None
    for question in questions_in_order(response.consultation):
        answer = given.get(question.pk)
        if answer is None:
            continue
        if question.section_id != section_id:
            section_id = question.section_id
            pages.append(PageCopied(title=question.section.title_for(language), answers=[]))
        pages[-1].answers.append(
            AnswerCopied(
                question=question.text_for(language), answer=shown_answer(question, answer.value, language)
            )
        )
    return pages


def answers_text(response: Response) -> str:
    """The answers as plain text, for the receipt email."""
    with translation.override(response.language):
        blocks = []
        for page in answers_copied(response):
            lines = [page.title, "-" * len(page.title)]
            for answered in page.answers:
                lines += ["", answered.question, answered.answer]
            blocks.append("\n".join(lines))
        return "\n\n\n".join(blocks) if blocks else _("You did not answer any of the questions.")


def _about(response: Response) -> list[tuple[str, str]]:
    rows = [(_("Responding"), str(response.get_respondent_type_display()))]
    if response.organisation:
        rows.append((_("Organisation"), response.organisation))
    if response.name:
        rows.append((_("Name"), response.name))
    if response.email:
        rows.append((_("Email address"), response.email))
    rows.append((_("Publishing your response"), str(response.get_publish_display())))
    return rows


def answers_pdf(response: Response) -> bytes:
    """The response as an A4 PDF: what it answered, the reference, and every answer."""
    language = response.language
    with translation.override(language):
        title = response.consultation.title_for(language)
        pdf = FPDF(format="A4")
        heading = _("Your response to “%(title)s”") % {"title": title}
        pdf.set_title(heading)
        pdf.set_author(settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME)
        pdf.set_lang(language)
        fonts_add(pdf)
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_page()
        pdf.set_text_color(*TEXT)
        pdf.set_font(FONT, "B", 18)
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(FONT, size=11)
        for label, value in (
            (_("Your reference number"), response.reference),
            (_("Sent"), date_and_time(response.submitted_at)),
            *_about(response),
        ):
            pdf.set_font(FONT, "B", 11)
            pdf.multi_cell(0, 6, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, size=11)
            pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pages = answers_copied(response)
        if not pages:
            pdf.ln(3)
            pdf.multi_cell(0, 6, _("You did not answer any of the questions."), new_x="LMARGIN", new_y="NEXT")
        for page in pages:
            pdf.ln(4)
            pdf.set_font(FONT, "B", 14)
            pdf.multi_cell(0, 7, page.title, new_x="LMARGIN", new_y="NEXT")
            for answered in page.answers:
                pdf.ln(2)
                pdf.set_font(FONT, "B", 11)
                pdf.multi_cell(0, 6, answered.question, new_x="LMARGIN", new_y="NEXT")
                pdf.set_font(FONT, size=11)
                pdf.multi_cell(0, 6, answered.answer, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(
            0,
            5,
            _("From %(service)s") % {"service": settings.CHORUS_SERVICE_NAME},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return bytes(pdf.output())


@require_GET
def respond_answers_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    """A copy of the answers this browser session sent, as a PDF; "not found" for anyone else."""
    consultation = Consultation.objects.public().filter(code=code).first()
    response = response_sent_here(request, consultation) if consultation is not None else None
    if response is None:
        raise Http404
    audit_record(
        actor=None, action=AuditAction.EXPORT, obj=response, request=request, detail={"respondent copy": True}
    )
    download = HttpResponse(answers_pdf(response), content_type="application/pdf")
    download["Content-Disposition"] = f'attachment; filename="response-{response.reference}.pdf"'
    # Personal data: never kept by a shared computer's browser or a proxy.
    download["Cache-Control"] = "private, no-store"
    return download
