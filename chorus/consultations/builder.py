"""Staff build a consultation's questions: sections, questions of each type, follow-ups,
a preview exactly as the public will see it, and duplicating a consultation as a template."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.consultations import services
from chorus.consultations.forms import QuestionForm, SectionForm
from chorus.consultations.journey import section_form
from chorus.consultations.models import Consultation, Question
from chorus.consultations.views import EDITORS
from chorus.core.access import get_for_change, get_for_view, role_required, staff_required, staff_user
from chorus.core.i18n import current_language


def _consultation(request: HttpRequest, code: UUID) -> Consultation:
    return get_for_change(request, Consultation.objects.all(), code=code)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, code: UUID) -> HttpResponse:
    """The builder: sections and their questions, with forms to add more."""
    consultation = _consultation(request, code)
    section_form_ = SectionForm(data=request.POST if request.POST.get("add") == "section" else None)
    question_form = QuestionForm(
        data=request.POST if request.POST.get("add") == "question" else None, consultation=consultation
    )
    user = staff_user(request)
    if request.method == "POST" and section_form_.is_bound and section_form_.is_valid():
        services.section_add(
            actor=user, request=request, consultation=consultation, **section_form_.cleaned_data
        )
        messages.success(request, _("Section added."))
        return redirect("consultations:questions", code=consultation.code)
    if request.method == "POST" and question_form.is_bound and question_form.is_valid():
        services.question_add(
            actor=user, request=request, consultation=consultation, **question_form.cleaned_data
        )
        messages.success(request, _("Question added."))
        return redirect("consultations:questions", code=consultation.code)
    sections = consultation.sections.prefetch_related("questions__follows")
    return render(
        request,
        "consultations/questions.html",
        {
            "consultation": consultation,
            "sections": sections,
            "section_form": section_form_,
            "question_form": question_form,
            "has_responses": consultation.responses.exists(),
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def question_delete(request: HttpRequest, code: UUID, question: UUID) -> HttpResponse:
    consultation = _consultation(request, code)
    found = Question.objects.filter(code=question, section__consultation=consultation).first()
    if found is None:
        raise Http404
    if found.answers.exists():
        messages.error(request, _("That question has answers, so it cannot be removed."))
    else:
        services.question_remove(actor=staff_user(request), request=request, question=found)
        messages.success(request, _("Question removed."))
    return redirect("consultations:questions", code=consultation.code)


@staff_required
def preview(request: HttpRequest, code: UUID, number: int = 1) -> HttpResponse:
    """Each page of questions exactly as the public see it, without sending anything."""
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    language = current_language()
    all_pages = [(s, list(s.questions.all())) for s in consultation.sections.prefetch_related("questions")]
    pages = [(s, q) for s, q in all_pages if q]
    if not pages:
        messages.info(request, _("Add a section and a question to preview them."))
        return redirect("consultations:questions", code=consultation.code)
    number = max(1, min(number, len(pages)))
    section, questions_ = pages[number - 1]
    return render(
        request,
        "consultations/preview.html",
        {
            "consultation": consultation,
            "title": consultation.title_for(language),
            "section_title": section.title_for(language),
            "form": section_form(questions_, language),
            "number": number,
            "total": len(pages),
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def duplicate(request: HttpRequest, code: UUID) -> HttpResponse:
    """Copy a consultation, its sections and questions (not responses) as an unpublished draft."""
    original = get_for_view(request, Consultation.objects.all(), code=code)
    copy = services.consultation_duplicate(actor=staff_user(request), request=request, original=original)
    messages.success(request, _("Copied. Change the dates and texts, then publish it."))
    return redirect("consultations:consultation_edit", code=copy.code)
