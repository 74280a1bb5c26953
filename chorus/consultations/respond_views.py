"""Public pages for responding to a consultation: about you, the questions, check, submit."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.consultations.answers_copy import answers_text, response_sent_here, response_sent_remember
from chorus.consultations.forms import AboutForm, SaveDraftForm
from chorus.consultations.journey import (
    ConsultationClosed,
    draft_start,
    equality_pass,
    equality_passed,
    first_unfinished,
    page_done,
    page_questions,
    response_submit,
    section_finish,
    section_form,
    section_keep,
    shown_answer,
    still_to_do,
    visible_sections,
)
from chorus.consultations.models import (
    Consultation,
    Question,
    Response,
    ResponseDraft,
    Section,
    SubmissionAttempt,
)
from chorus.core.email import email_send_later
from chorus.core.i18n import current_language
from chorus.core.ratelimit import HONEYPOT, address_hash, client_address, reached, record, slow_down
from chorus.equality.services import equality_answered
from chorus.equality.views import equality_step

logger = logging.getLogger("chorus.consultations")

# Anti-spam without a CAPTCHA: a field people never see, a least time to answer, and a
# limit of submissions per address (settings CHORUS_RESPOND_LEAST_SECONDS, 5 unless set,
# and CHORUS_RESPOND_MOST_PER_ADDRESS, 10 in 10 minutes unless set).
PER = timedelta(minutes=10)
RESPOND_SCOPE = "respond"


def _session_key(consultation: Consultation) -> str:
    return f"draft-{consultation.code}"


def _consultation(code: UUID) -> Consultation:
    found = Consultation.objects.public().filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _closed(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    status = consultation.status()
    return render(
        request,
        "consultations/respond_closed.html",
        {
            "consultation": consultation,
            "status": status,
            "title": consultation.title_for(current_language()),
        },
        status=410 if status == Consultation.Status.CLOSED else 403,
    )


def _draft(request: HttpRequest, consultation: Consultation) -> ResponseDraft | None:
    code = request.session.get(_session_key(consultation))
    if not code:
        return None
    return ResponseDraft.objects.filter(
        code=code, consultation=consultation, expires_at__gt=timezone.now()
    ).first()


def _context(consultation: Consultation, **more: Any) -> dict[str, Any]:
    return {"consultation": consultation, "title": consultation.title_for(current_language()), **more}


@require_http_methods(["GET", "POST"])
def respond_start(request: HttpRequest, code: UUID) -> HttpResponse:
    """Start a response (the "Respond online" button). Reached again by a reload or a
    bookmark, it goes on where the person stopped, or to the consultation's page: a GET
    never starts a draft, so crawlers and link checkers leave none behind."""
    consultation = _consultation(code)
    if consultation.status() != Consultation.Status.OPEN:
        return _closed(request, consultation)
    draft = _draft(request, consultation)
    if request.method != "POST":
        if draft is None or hasattr(draft, "response"):
            return redirect("consultations:public_consultation", code=consultation.code)
        return redirect(_resume_url(consultation, draft))
    if draft is None or hasattr(draft, "response"):
        draft = draft_start(consultation)
        request.session[_session_key(consultation)] = str(draft.code)
    return redirect("consultations:respond_about", code=consultation.code)


def _step_url(consultation: Consultation, step: int, *, returning: bool = False) -> str:
    """The URL of a step: 0 is "about you", n the nth page of questions."""
    if step == 0:
        url = reverse("consultations:respond_about", kwargs={"code": consultation.code})
    else:
        url = reverse("consultations:respond_section", kwargs={"code": consultation.code, "number": step})
    return f"{url}?return=check" if returning else url


def _check_url(consultation: Consultation) -> str:
    return reverse("consultations:respond_check", kwargs={"code": consultation.code})


def _resume_url(consultation: Consultation, draft: ResponseDraft) -> str:
    """Where the person stopped: the first step not finished, then the equality page if
    they have not been past it, then "check your answers"."""
    step = first_unfinished(visible_sections(consultation, draft.answers), draft)
    if step is not None:
        return _step_url(consultation, step)
    if consultation.equality_monitoring and not equality_passed(draft):
        return reverse("consultations:respond_equality", kwargs={"code": consultation.code})
    return _check_url(consultation)


def _after_change(consultation: Consultation, draft: ResponseDraft) -> str:
    """After a change made from "check your answers": back there, unless the change opened
    a question that now needs answering (a follow-up), which comes first."""
    step = first_unfinished(visible_sections(consultation, draft.answers), draft)
    return _check_url(consultation) if step is None else _step_url(consultation, step, returning=True)


def _returning(request: HttpRequest) -> bool:
    return request.GET.get("return") == "check"


def _guard(
    request: HttpRequest, code: UUID
) -> tuple[Consultation, ResponseDraft | None, HttpResponse | None]:
    consultation = _consultation(code)
    if consultation.status() != Consultation.Status.OPEN:
        return consultation, None, _closed(request, consultation)
    draft = _draft(request, consultation)
    if draft is None:
        return consultation, None, redirect("consultations:public_consultation", code=consultation.code)
    return consultation, draft, None


@require_http_methods(["GET", "POST"])
def respond_about(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation, draft, stop = _guard(request, code)
    if stop or draft is None:
        return stop or redirect("consultations:public_consultation", code=code)
    form = AboutForm(data=request.POST or None, initial=draft.about or None)
    returning = _returning(request)
    if request.method == "POST" and form.is_valid():
        draft.about = form.cleaned_data
        draft.save(update_fields=["about", "updated_at"])
        if returning:
            return redirect(_after_change(consultation, draft))
        return redirect(_next_url(consultation, draft, 0))
    back = (
        _check_url(consultation)
        if returning
        else reverse("consultations:public_consultation", kwargs={"code": consultation.code})
    )
    return render(request, "consultations/respond_about.html", _context(consultation, form=form, back=back))


def _next_url(consultation: Consultation, draft: ResponseDraft, after: int) -> str:
    pages = visible_sections(consultation, draft.answers)
    if after < len(pages):
        return reverse(
            "consultations:respond_section", kwargs={"code": consultation.code, "number": after + 1}
        )
    if consultation.equality_monitoring:
        return reverse("consultations:respond_equality", kwargs={"code": consultation.code})
    return reverse("consultations:respond_check", kwargs={"code": consultation.code})


@require_http_methods(["GET", "POST"])
def respond_section(request: HttpRequest, code: UUID, number: int) -> HttpResponse:
    consultation, draft, stop = _guard(request, code)
    if stop or draft is None:
        return stop or redirect("consultations:public_consultation", code=code)
    language = current_language()
    pages = visible_sections(consultation, draft.answers)
    if not 1 <= number <= len(pages):
        return redirect(_next_url(consultation, draft, len(pages)))
    section, shown = pages[number - 1]
    questions = page_questions(section, shown)
    form = section_form(questions, language, data=request.POST or None, answers=draft.answers)
    returning = _returning(request)
    if request.method == "POST" and request.POST.get("save") == "later":
        # Saving never checks the answers: what was typed is kept, valid or not.
        section_keep(draft=draft, form=form, questions=questions)
        return redirect("consultations:respond_save", code=consultation.code)
    if request.method == "POST" and form.is_valid():
        section_finish(draft=draft, form=form, questions=questions)
        if returning:
            return redirect(_after_change(consultation, draft))
        return redirect(_next_url(consultation, draft, number))
    if returning:
        back = _check_url(consultation)
    elif number > 1:
        back = _step_url(consultation, number - 1)
    else:
        back = _step_url(consultation, 0)
    return render(
        request,
        "consultations/respond_section.html",
        _context(
            consultation,
            form=form,
            section=section,
            section_title=section.title_for(language),
            number=number,
            total=len(pages),
            back=back,
        ),
    )


@require_http_methods(["GET", "POST"])
def respond_equality(request: HttpRequest, code: UUID) -> HttpResponse:
    """The optional equality monitoring page. Answers go straight to the separate store."""
    consultation, draft, stop = _guard(request, code)
    if stop or draft is None:
        return stop or redirect("consultations:public_consultation", code=code)
    if not consultation.equality_monitoring:
        return redirect("consultations:respond_check", code=consultation.code)
    if draft.equality_key is None:
        draft.equality_key = uuid4()
        draft.save(update_fields=["equality_key", "updated_at"])
    form = equality_step(request, key=draft.equality_key, asked_for=consultation.code)
    if form is None:
        equality_pass(draft=draft)
        return redirect("consultations:respond_check", code=consultation.code)
    pages = len(visible_sections(consultation, draft.answers))
    back = (
        reverse("consultations:respond_section", kwargs={"code": consultation.code, "number": pages})
        if pages
        else reverse("consultations:respond_about", kwargs={"code": consultation.code})
    )
    return render(
        request, "consultations/respond_equality.html", _context(consultation, form=form, back=back)
    )


def _slow_down(request: HttpRequest, consultation: Consultation, *, too_fast: bool = False) -> HttpResponse:
    """Why the response was not sent yet, truthfully: sent seconds after starting, or one of
    many from the same connection."""
    reason = (
        _(
            "Your response was sent very soon after you started it, which is what automated "
            "programs do. Your answers are saved: wait a few seconds, then go back and send it again."
        )
        if too_fast
        else _(
            "We have received a lot of responses from your connection in the last few minutes. "
            "Your answers are saved: wait a few minutes, then go back and send your response again."
        )
    )
    return slow_down(
        request,
        heading=_("Please wait before sending"),
        paragraphs=[reason],
        back_url=reverse("consultations:respond_check", args=[consultation.code]),
        back_label=_("Back to your answers"),
    )


def _reject(request: HttpRequest, consultation: Consultation, address: str, reason: str) -> None:
    SubmissionAttempt.objects.create(consultation=consultation, address_hash=address, rejected_because=reason)
    logger.warning("Rejected a response to %s: %s", consultation.code, reason)


def _check_send(
    request: HttpRequest, consultation: Consultation, draft: ResponseDraft, *, missing: bool, language: str
) -> HttpResponse | None:
    """Send the response from the check page, unless it is from a robot, too fast or over
    the limit; None when required answers are missing, so the page shows them."""
    client = client_address(request)
    address = address_hash(client)
    # Required answers first: a person with something still to answer sees that, never a
    # refusal meant for robots. Robots turned away here count nothing, so they cannot use
    # up the limit of the people who share their address; only responses stored count.
    if missing:
        return None
    if request.POST.get(HONEYPOT):
        _reject(request, consultation, address, "honeypot")
        return redirect("consultations:respond_done", code=consultation.code)
    if (timezone.now() - draft.created_at).total_seconds() < settings.CHORUS_RESPOND_LEAST_SECONDS:
        _reject(request, consultation, address, "too fast")
        return _slow_down(request, consultation, too_fast=True)
    if reached(RESPOND_SCOPE, client, limit=settings.CHORUS_RESPOND_MOST_PER_ADDRESS, per=PER):
        _reject(request, consultation, address, "rate limit")
        return _slow_down(request, consultation)
    try:
        response, new = response_submit(draft=draft, language=language)
    except ConsultationClosed:
        return _closed(request, consultation)
    response_sent_remember(request, response)
    if new:
        record(RESPOND_SCOPE, client, per=PER)
        SubmissionAttempt.objects.create(consultation=consultation, address_hash=address)
        if response.email:
            _send_receipt(request, response, language)
    return redirect("consultations:respond_done", code=consultation.code)


def _check_rows(
    consultation: Consultation,
    draft: ResponseDraft,
    pages: list[tuple[Section, list[Question]]],
    language: str,
) -> list[dict[str, Any]]:
    """Each page of questions, with the answers and a link to change them, and whether the
    person has finished it (a page not reached yet says so rather than showing blanks)."""
    return [
        {
            "title": section.title_for(language),
            "change": _step_url(consultation, number, returning=True),
            "done": page_done(questions, draft.answers),
            "answers": [
                {
                    "question": q.text_for(language),
                    "answer": shown_answer(q, draft.answers.get(str(q.code)), language),
                }
                for q in questions
            ],
        }
        for number, (section, questions) in enumerate(pages, start=1)
    ]


@require_http_methods(["GET", "POST"])
def respond_check(request: HttpRequest, code: UUID) -> HttpResponse:
    language = current_language()
    consultation = _consultation(code)
    draft = _draft(request, consultation)
    if draft is not None and hasattr(draft, "response"):
        # Submitted already (a double click or a resubmitted form): the same response.
        return redirect("consultations:respond_done", code=consultation.code)
    if consultation.status() != Consultation.Status.OPEN:
        return _closed(request, consultation)
    if draft is None:
        return redirect("consultations:public_consultation", code=consultation.code)
    pages = visible_sections(consultation, draft.answers)
    todo = [
        {"text": text, "url": _step_url(consultation, step, returning=True)}
        for text, step in still_to_do(pages, draft, language)
    ]
    if request.method == "POST":
        sent = _check_send(request, consultation, draft, missing=bool(todo), language=language)
        if sent is not None:
            return sent
    if consultation.equality_monitoring:
        back = reverse("consultations:respond_equality", kwargs={"code": consultation.code})
    else:
        back = _step_url(consultation, len(pages))
    return render(
        request,
        "consultations/respond_check.html",
        _context(
            consultation,
            rows=_check_rows(consultation, draft, pages, language),
            about=draft.about,
            about_labels={
                "respondent_type": dict(Response.RespondentType.choices).get(
                    draft.about.get("respondent_type", "")
                ),
                "publish": dict(Response.Publish.choices).get(draft.about.get("publish", "")),
            },
            todo=todo,
            back=back,
            change_about=_step_url(consultation, 0, returning=True),
            equality_answered=bool(draft.equality_key and equality_answered(draft.equality_key)),
            honeypot=HONEYPOT,
        ),
    )


def _send_receipt(request: HttpRequest, response: Response, language: str) -> None:
    consultation = response.consultation
    body = render_to_string(
        "consultations/email/receipt.txt",
        {
            "response": response,
            "title": consultation.title_for(language),
            "service_name": settings.CHORUS_SERVICE_NAME,
            "answers": answers_text(response),
            "url": request.build_absolute_uri(
                reverse("consultations:public_consultation", kwargs={"code": consultation.code})
            ),
            "equality_remove": request.build_absolute_uri(
                reverse("equality:remove", kwargs={"key": response.equality_key})
            )
            if response.equality_key
            else "",
        },
    )
    email_send_later(
        to=[response.email],
        subject=_("Your response to %(title)s: %(reference)s")
        % {"title": consultation.title_for(language), "reference": response.reference},
        body=body,
    )


def respond_done(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = _consultation(code)
    draft = _draft(request, consultation)
    response = Response.objects.filter(draft=draft).first() if draft else None
    sent_here = response is not None and response_sent_here(request, consultation) == response
    return render(
        request,
        "consultations/respond_done.html",
        _context(consultation, response=response, copy_available=sent_here),
    )


@require_http_methods(["GET", "POST"])
def respond_save(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation, draft, stop = _guard(request, code)
    if stop or draft is None:
        return stop or redirect("consultations:public_consultation", code=code)
    form = SaveDraftForm(data=request.POST or None, initial={"email": draft.about.get("email")})
    sent = False
    if request.method == "POST" and form.is_valid():
        draft.return_email = form.cleaned_data["email"]
        draft.save(update_fields=["return_email", "updated_at"])
        language = current_language()
        body = render_to_string(
            "consultations/email/return_link.txt",
            {
                "title": consultation.title_for(language),
                "expires": draft.expires_at,
                "url": request.build_absolute_uri(
                    reverse(
                        "consultations:respond_resume",
                        kwargs={"code": consultation.code, "draft": draft.code},
                    )
                ),
                "service_name": settings.CHORUS_SERVICE_NAME,
            },
        )
        email_send_later(
            to=[draft.return_email],
            subject=_("Return to your response: %(title)s") % {"title": consultation.title_for(language)},
            body=body,
        )
        sent = True
    return render(
        request,
        "consultations/respond_save.html",
        _context(consultation, form=form, sent=sent, draft=draft, back=_resume_url(consultation, draft)),
    )


def respond_resume(request: HttpRequest, code: UUID, draft: UUID) -> HttpResponse:
    consultation = _consultation(code)
    found = ResponseDraft.objects.filter(code=draft, consultation=consultation).first()
    if found is None or found.expires_at <= timezone.now() or hasattr(found, "response"):
        return render(request, "consultations/respond_link_expired.html", _context(consultation), status=410)
    if consultation.status() != Consultation.Status.OPEN:
        return _closed(request, consultation)
    request.session[_session_key(consultation)] = str(found.code)
    return redirect(_resume_url(consultation, found))
