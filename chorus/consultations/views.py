"""Consultation pages: staff set them up; the public find them and see what changed."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chorus.accounts.models import Role
from chorus.consultations import services
from chorus.consultations.forms import (
    ConsultationFilterForm,
    ConsultationForm,
    DocumentForm,
    PublicConsultationFilterForm,
)
from chorus.consultations.gunning import warnings_before_closing
from chorus.consultations.journey import shown_answer
from chorus.consultations.models import Answer, Consultation, Question, Response, SupportingDocument
from chorus.consultations.moderation import published_name, published_responses, published_text, waiting
from chorus.consultations.selectors import document_histories, public_consultations_found, questions_in_order
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.custom_fields import filtered as custom_filtered
from chorus.core.custom_fields import rows as custom_rows
from chorus.core.downloads import csv_response
from chorus.core.i18n import current_language
from chorus.core.text import render_page_text
from chorus.directory.reference import regions_ensure
from chorus.engagement.selectors import published_impact
from chorus.equality.views import counts_page

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)
PUBLIC_PAGE_SIZE = 20
FIELDS = (
    "kind",
    "title",
    "title_cy",
    "summary",
    "summary_cy",
    "body",
    "body_cy",
    "opens_at",
    "closes_at",
    "shorter_reason",
    "project",
    "team",
    "is_published",
    "privacy_url",
    "contact_email",
    "contact_phone",
    "equality_monitoring",
)


@staff_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ConsultationFilterForm(data=request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    consultations = custom_filtered(
        visible_to(user, Consultation.objects.select_related("project", "team")), "consultation", filters
    )
    page = Paginator(consultations, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(v not in (None, "") for v in filters.values()),
        },
    )


@staff_required
def consultation_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    consultation = get_for_view(
        request, Consultation.objects.select_related("project", "owner", "team"), code=code
    )
    documents = document_histories(consultation)
    may_delete_files = user.is_administrator and consultation.is_published
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "custom_rows": custom_rows("consultation", user, consultation.custom),
            "may_change": can_change(user, consultation),
            "impact": consultation.impact.all(),
            "documents": documents,
            "current_documents": [h.latest for h in documents if not h.withdrawn],
            # An administrator may delete any version's file of a published consultation,
            # from the history, so it is shown to them whenever there is a document.
            "may_delete_files": may_delete_files,
            "document_history_shown": any(len(h.versions) > 1 or h.withdrawn for h in documents)
            or (may_delete_files and bool(documents)),
            "document_form": DocumentForm(),
            "moderation_waiting": waiting(consultation).count(),
        },
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    regions_ensure()
    user = staff_user(request)
    consultation = get_for_change(request, Consultation.objects.all(), code=code) if code else None
    initial = None
    if consultation is not None:
        initial = {name: getattr(consultation, name) for name in FIELDS}
        initial["topics"] = list(consultation.topics.all())
        initial["regions"] = list(consultation.regions.all())
    form = ConsultationForm(
        data=request.POST or None,
        initial=initial,
        user=user,
        custom=consultation.custom if consultation else None,
    )
    if request.method == "POST" and form.is_valid():
        consultation = services.consultation_save(
            actor=user, request=request, consultation=consultation, **form.cleaned_data
        )
        messages.success(request, _("Consultation saved."))
        return redirect("consultations:consultation_detail", code=consultation.code)
    # Staff close a consultation early by moving its closing date: warn them what that risks.
    warnings = (
        warnings_before_closing(consultation)
        if consultation is not None and consultation.status() == Consultation.Status.OPEN
        else []
    )
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "consultation": consultation, "warnings": warnings},
    )


@require_GET
def public_consultation_list(request: HttpRequest) -> HttpResponse:
    """Every public consultation, open, forthcoming and closed, to search and filter; the
    closed ones with what people said and what changed because of it."""
    regions_ensure()
    form = PublicConsultationFilterForm(data=request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    now = timezone.now()
    found = public_consultations_found(filters, now).prefetch_related(published_impact())
    page = Paginator(found, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "consultations/public_consultation_list.html",
        {
            "form": form,
            "page": page,
            "entries": [(c, c.status(now)) for c in page.object_list],
            "query": kept.urlencode(),
            "searched": any(filters.get(name) for name in ("q", "status", "topic", "region")),
        },
    )


@require_GET
def public_consultation(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = (
        Consultation.objects.public().filter(code=code).prefetch_related("topics", "regions").first()
    )
    if consultation is None:
        raise Http404
    language = current_language()
    return render(
        request,
        "consultations/public_consultation.html",
        {
            "consultation": consultation,
            "title": consultation.title_for(language),
            "summary": consultation.summary_for(language),
            "body": render_page_text(consultation.body_for(language)),
            "status": consultation.status(),
            "impact": consultation.impact.filter(is_published=True),
            "has_questions": consultation.sections.filter(questions__isnull=False).exists(),
            "documents": [_shown(d, language) for d in consultation.documents.current()],
            "has_published_responses": consultation.status() == Consultation.Status.CLOSED
            and published_responses(consultation).exists(),
            "language": language,
            "now": timezone.now(),
        },
    )


@require_GET
def public_consultation_impact(request: HttpRequest, code: UUID) -> HttpResponse:
    """ "You said, we did" for one consultation: its published impact records."""
    consultation = Consultation.objects.public().filter(code=code).first()
    if consultation is None:
        raise Http404
    records = consultation.impact.filter(is_published=True)
    if not records.exists():
        raise Http404
    language = current_language()
    return render(
        request,
        "consultations/public_consultation_impact.html",
        {
            "consultation": consultation,
            "title": consultation.title_for(language),
            "records": records,
            "language": language,
        },
    )


@require_GET
def public_responses(request: HttpRequest, code: UUID) -> HttpResponse:
    """Responses whose respondents agreed to publication and that a moderator published, once
    the consultation has closed: the moderated text only, and names only where agreed."""
    consultation = _closed_public(code)
    language = current_language()
    published = (
        published_responses(consultation)
        .select_related("moderation")
        .order_by("submitted_at", "id")
        .prefetch_related("answers__question__section")
    )
    page = Paginator(published, 20).get_page(request.GET.get("page"))
    entries = [
        {
            "who": published_name(response),
            "answers": [
                {
                    "question": answer.question.text_for(language),
                    "answer": published_text(
                        response, answer, shown_answer(answer.question, answer.value, language)
                    ),
                }
                for answer in sorted(
                    response.answers.all(),
                    key=lambda a: (a.question.section.order, a.question.order, a.question_id),
                )
            ],
        }
        for response in page.object_list
    ]
    return render(
        request,
        "consultations/public_responses.html",
        {
            "consultation": consultation,
            "title": consultation.title_for(language),
            "page": page,
            "entries": entries,
            "query": "",
        },
    )


def _closed_public(code: UUID) -> Consultation:
    consultation = Consultation.objects.public().filter(code=code).first()
    if consultation is None or consultation.status() != Consultation.Status.CLOSED:
        raise Http404
    return consultation


@require_GET
def public_responses_download(request: HttpRequest, code: UUID) -> StreamingHttpResponse:
    """The published responses as CSV: one row per response, one column per question, the
    moderated text exactly as on the page."""
    consultation = _closed_public(code)
    language = current_language()
    questions = questions_in_order(consultation)
    published = published_responses(consultation).select_related("moderation").order_by("submitted_at", "id")

    def rows() -> Iterator[list[str]]:
        yield [_("Response"), _("Respondent"), _("Responding as"), *[q.text_for(language) for q in questions]]
        answered = published.prefetch_related("answers__question").iterator(chunk_size=500)
        for number, response in enumerate(answered, start=1):
            given = {a.question_id: a for a in response.answers.all()}
            yield [
                str(number),
                published_name(response) or _("Anonymous"),
                str(response.get_respondent_type_display()),
                *[_published_cell(response, given.get(q.pk), q, language) for q in questions],
            ]

    return csv_response(rows(), f"published-responses-{consultation.code}.csv")


def _published_cell(response: Response, answer: Answer | None, question: Question, language: str) -> str:
    if answer is None:
        return ""
    return published_text(response, answer, shown_answer(question, answer.value, language))


def _shown(document: SupportingDocument, language: str) -> SupportingDocument:
    document.shown_title = document.title_for(language)  # type: ignore[attr-defined]
    return document


@staff_required
def consultation_equality(request: HttpRequest, code: UUID) -> HttpResponse:
    """Equality monitoring counts for a consultation: aggregates only, small numbers hidden."""
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    return counts_page(
        request,
        asked=consultation,
        asked_for=consultation.code,
        template="consultations/consultation_equality.html",
        name="consultation",
    )
