"""Staff build a consultation's questions: sections, questions of each type, follow-ups,
changing and reordering them, a preview exactly as the public will see it, the checklist
that publishes it, and duplicating a consultation as a template.

Once anyone has responded, the questions are locked (see ``services._unlocked``): the
answers given must keep their meaning, so a change means a copy, not an edit."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.consultations import services
from chorus.consultations.forms import QuestionForm, SectionForm
from chorus.consultations.gunning import warnings_before_opening
from chorus.consultations.journey import section_form
from chorus.consultations.models import Consultation, Question, Section
from chorus.consultations.publishing import LOCKED, publish_checklist, ready_to_publish
from chorus.consultations.views import EDITORS
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
)
from chorus.core.i18n import current_language


def _consultation(request: HttpRequest, code: UUID) -> Consultation:
    return get_for_change(request, Consultation.objects.all(), code=code)


def _question(consultation: Consultation, code: UUID) -> Question:
    found = (
        Question.objects.filter(code=code, section__consultation=consultation)
        .select_related("section__consultation", "follows__section")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _section(consultation: Consultation, code: UUID) -> Section:
    found = (
        Section.objects.filter(code=code, consultation=consultation).select_related("consultation").first()
    )
    if found is None:
        raise Http404
    return found


def _to_builder(consultation: Consultation) -> HttpResponse:
    return redirect("consultations:questions", code=consultation.code)


def _locked(request: HttpRequest, consultation: Consultation, heading: str) -> HttpResponse:
    """Why the questions cannot change now, and what to do instead."""
    return render(
        request,
        "consultations/questions_locked.html",
        {"consultation": consultation, "heading": heading, "reason": LOCKED},
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


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
    try:
        if request.method == "POST" and section_form_.is_bound and section_form_.is_valid():
            services.section_add(
                actor=user, request=request, consultation=consultation, **section_form_.cleaned_data
            )
            messages.success(request, _("Section added."))
            return _to_builder(consultation)
        if request.method == "POST" and question_form.is_bound and question_form.is_valid():
            services.question_add(
                actor=user, request=request, consultation=consultation, **question_form.cleaned_data
            )
            messages.success(request, _("Question added."))
            return _to_builder(consultation)
    except ValidationError as error:
        _refused(request, error)
        return _to_builder(consultation)
    sections = list(consultation.sections.prefetch_related("questions__follows"))
    return render(
        request,
        "consultations/questions.html",
        {
            "consultation": consultation,
            "sections": sections,
            "section_form": section_form_,
            "question_form": question_form,
            "locked": consultation.questions_locked(),
            "locked_reason": LOCKED,
        },
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, code: UUID, question: UUID) -> HttpResponse:
    """Change a question: its texts in both languages, its type, options and follow-up."""
    consultation = _consultation(request, code)
    found = _question(consultation, question)
    if consultation.questions_locked():
        return _locked(request, consultation, _("Change a question"))
    form = QuestionForm(data=request.POST or None, consultation=consultation, editing=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(
                actor=staff_user(request), request=request, question=found, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Question changed."))
        return _to_builder(consultation)
    return render(
        request,
        "consultations/question_edit.html",
        {"consultation": consultation, "question": found, "form": form},
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, code: UUID, section: UUID) -> HttpResponse:
    """Rename a section, in English and Welsh."""
    consultation = _consultation(request, code)
    found = _section(consultation, section)
    if consultation.questions_locked():
        return _locked(request, consultation, _("Change a section"))
    form = SectionForm(data=request.POST or None, initial={"title": found.title, "title_cy": found.title_cy})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                actor=staff_user(request), request=request, section=found, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Section changed."))
        return _to_builder(consultation)
    return render(
        request,
        "consultations/section_edit.html",
        {"consultation": consultation, "section": found, "form": form},
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def question_move(request: HttpRequest, code: UUID, question: UUID) -> HttpResponse:
    consultation = _consultation(request, code)
    found = _question(consultation, question)
    try:
        services.question_move(
            actor=staff_user(request), request=request, question=found, up=request.POST.get("move") == "up"
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Question moved."))
    return _to_builder(consultation)


@require_POST
@staff_required
@role_required(*EDITORS)
def section_move(request: HttpRequest, code: UUID, section: UUID) -> HttpResponse:
    consultation = _consultation(request, code)
    found = _section(consultation, section)
    try:
        services.section_move(
            actor=staff_user(request), request=request, section=found, up=request.POST.get("move") == "up"
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Section moved."))
    return _to_builder(consultation)


@require_POST
@staff_required
@role_required(*EDITORS)
def question_delete(request: HttpRequest, code: UUID, question: UUID) -> HttpResponse:
    consultation = _consultation(request, code)
    found = _question(consultation, question)
    try:
        services.question_remove(actor=staff_user(request), request=request, question=found)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Question removed."))
    return _to_builder(consultation)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, code: UUID) -> HttpResponse:
    """The checklist before publishing (a GOV.UK task list), and publishing once it is done."""
    consultation = _consultation(request, code)
    tasks = publish_checklist(consultation)
    tried = request.method == "POST" and not consultation.is_published
    if tried and ready_to_publish(tasks):
        services.consultation_publish(actor=staff_user(request), request=request, consultation=consultation)
        if consultation.opens_at and consultation.opens_at > timezone.now():
            messages.success(request, _("Published. It shows as forthcoming until it opens."))
        else:
            messages.success(request, _("Published. It is open now."))
        return redirect("consultations:consultation_detail", code=consultation.code)
    return render(
        request,
        "consultations/publish.html",
        {
            "consultation": consultation,
            "tasks": tasks,
            "ready": ready_to_publish(tasks),
            "to_do": [task for task in tasks if not task.done] if tried else [],
            # Warnings only: what a court or the consultation principles would ask about.
            "warnings": [check.shows for check in warnings_before_opening(consultation)]
            if not consultation.is_published
            else [],
        },
    )


@staff_required
def preview(request: HttpRequest, code: UUID, number: int = 1) -> HttpResponse:
    """Each page of questions exactly as the public see it, without sending anything."""
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    # Editors came from the question builder; everyone else may only read the questions.
    may_change = can_change(staff_user(request), consultation)
    language = current_language()
    all_pages = [
        (s, list(s.questions.select_related("follows__section", "section")))
        for s in consultation.sections.all()
    ]
    pages = [(s, q) for s, q in all_pages if q]
    if not pages:
        if not may_change:
            messages.info(request, _("It has no questions yet."))
            return redirect("consultations:consultation_detail", code=consultation.code)
        messages.info(request, _("Add a section and a question to preview them."))
        return _to_builder(consultation)
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
            "may_change": may_change,
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
