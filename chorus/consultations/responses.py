"""Responses for staff: entering those that came by email, post, phone or in person, listing
them, and exporting them as CSV or XLSX (one row a response, one column a question, one
column an option of a multiple-choice question), written by a task (``exporters.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID, uuid4

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import User
from chorus.consultations import services
from chorus.consultations.forms import EnteredResponseForm
from chorus.consultations.journey import (
    answers_from,
    choices_for,
    section_form,
    shown_answer,
)
from chorus.consultations.models import Answer, Consultation, HelpRequest, Question, Response, ResponseTag
from chorus.consultations.selectors import answer_counts, questions_in_order
from chorus.consultations.views import EDITORS
from chorus.core.access import get_for_change, get_for_view, role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.exports import export_start
from chorus.core.i18n import current_language
from chorus.core.models import AuditAction

T = TypeVar("T")


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def response_enter(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    questions = questions_in_order(consultation)
    helped = _help_request(request, consultation)
    initial: dict[str, Any] = {
        "respondent_type": "individual",
        "publish": "no",
        "received_on": timezone.localdate(),
    }
    if helped is not None:
        initial |= {"channel": Response.Channel.ASSISTED, "name": helped.name, "email": helped.email}
    about = EnteredResponseForm(data=request.POST or None, initial=initial)
    # Staff type what they were sent: nothing is required here.
    # Questions in the page's language (answers are stored by option value, not label).
    language = "cy" if (get_language() or "").startswith("cy") else "en"
    answers_form = section_form(questions, language, data=request.POST or None, required=False)
    key = _submission_key(request)
    if request.method == "POST" and key and Response.objects.filter(submission_key=key).exists():
        messages.info(request, _("That response was already saved."))
        return redirect("consultations:response_list", code=consultation.code)
    if request.method == "POST" and about.is_valid() and answers_form.is_valid():
        user = staff_user(request)
        response = services.response_enter(
            actor=user,
            request=request,
            consultation=consultation,
            questions=questions,
            about=about.cleaned_data,
            answers=answers_from(answers_form, questions),
            submission_key=key,
            helped=helped,
        )
        messages.success(request, _("Response %(reference)s saved.") % {"reference": response.reference})
        if helped is not None:
            return redirect("consultations:help_queue")
        return redirect("consultations:response_enter", code=consultation.code)
    return render(
        request,
        "consultations/response_enter.html",
        {
            "consultation": consultation,
            "about": about,
            "answers_form": answers_form,
            "submission_key": key or uuid4(),
            "helped": helped,
        },
    )


def _help_request(request: HttpRequest, consultation: Consultation) -> HelpRequest | None:
    """The help request a response is completed for (``?help=<code>``), if any."""
    try:
        wanted = UUID(request.GET.get("help", ""))
    except ValueError:
        return None
    return HelpRequest.objects.filter(code=wanted, consultation=consultation, response__isnull=True).first()


def _submission_key(request: HttpRequest) -> UUID | None:
    try:
        return UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


@staff_required
def response_list(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    responses = consultation.responses.select_related("entered_by").prefetch_related("tags")
    tags = consultation.response_tags.order_by("name")
    tag = tags.filter(name=request.GET.get("tag", "")).first()
    if tag is not None:
        responses = responses.filter(tags=tag)
    page = Paginator(responses, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    user = staff_user(request)
    if page.object_list:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            obj=consultation,
            request=request,
            object_type="consultations.response",
            detail={"responses listed": len(page.object_list)},
        )
    by_channel = dict(
        consultation.responses.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")
    )
    return render(
        request,
        "consultations/response_list.html",
        {
            "consultation": consultation,
            "page": page,
            "query": urlencode({"tag": tag.name}) if tag else "",
            "tags": tags,
            "tag": tag,
            "show_contacts": user.can_see_contact_details,
            "summaries": closed_question_summary(consultation, current_language()),
            "by_channel": [(label, by_channel.get(value, 0)) for value, label in Response.Channel.choices],
        },
    )


def export_columns(questions: list[Question]) -> list[tuple[str, Question, str | None]]:
    """(header, question, option value) for each export column after the fixed ones."""
    columns: list[tuple[str, Question, str | None]] = []
    for number, question in enumerate(questions, start=1):
        if question.kind == Question.Kind.MULTIPLE:
            for option in question.options:
                columns.append((f"Q{number} {question.text}: {option['label']}", question, option["value"]))
        else:
            columns.append((f"Q{number} {question.text}", question, None))
    return columns


def export_rows(consultation: Consultation, user: User) -> Iterator[list[Any]]:
    """The header, then one row a response: read as plain values in batches, each batch's
    answers in one query, so a million responses stream in flat memory."""
    questions = questions_in_order(consultation)
    columns = export_columns(questions)
    contacts = user.can_see_contact_details
    fixed = ["reference", "submitted", "channel", "responding", "organisation", "publishing", "tags"]
    if contacts:
        fixed += ["name", "email"]
    yield fixed + [header for header, _q, _o in columns]
    # Labels looked up once, not per row (a field's get_..._display() is slow at this size).
    channels = {value: str(label) for value, label in Response.Channel.choices}
    respondents = {value: str(label) for value, label in Response.RespondentType.choices}
    publishing = {value: str(label) for value, label in Response.Publish.choices}
    fields = ["id", "reference", "submitted_at", "channel", "respondent_type", "organisation", "publish"]
    responses = consultation.responses.order_by("submitted_at", "id").values_list(*fields, "name", "email")
    for batch in _batches(responses.iterator(chunk_size=EXPORT_BATCH), EXPORT_BATCH):
        given: dict[int, dict[int, Any]] = {}
        answers = Answer.objects.filter(response_id__in=[r[0] for r in batch]).values_list(
            "response_id", "question_id", "value"
        )
        for response_id, question_id, value in answers:
            given.setdefault(response_id, {})[question_id] = value
        tagged: dict[int, list[str]] = {}
        tags = ResponseTag.responses.through.objects.filter(response_id__in=[r[0] for r in batch])
        for response_id, tag_name in tags.order_by("responsetag__name").values_list(
            "response_id", "responsetag__name"
        ):
            tagged.setdefault(response_id, []).append(tag_name)
        for pk, reference, submitted_at, channel, respondent, organisation, publish, name, email in batch:
            mine = given.get(pk, {})
            row: list[Any] = [
                reference,
                timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M"),
                channels.get(channel, channel),
                respondents.get(respondent, respondent),
                organisation,
                publishing.get(publish, publish),
                ", ".join(tagged.get(pk, [])),
            ]
            if contacts:
                row += [name, email]
            for _header, question, option in columns:
                value = mine.get(question.pk)
                if option is not None:
                    row.append(1 if isinstance(value, list) and option in value else 0)
                else:
                    row.append(shown_answer(question, value, "en"))
            yield row


# Responses read (and their answers fetched) at a time by an export.
EXPORT_BATCH = 1000


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@staff_required
def response_export(request: HttpRequest, code: UUID, file_format: str) -> HttpResponseBase:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    user = staff_user(request)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=consultation,
        request=request,
        object_repr=f"Responses to {consultation.title} ({file_format})",
    )
    export = export_start(
        user=user,
        exporter="consultations.responses",
        params={"consultation": str(consultation.code)},
        file_format=file_format,
        title=_("Responses to %(title)s") % {"title": consultation.title},
        download_name=f"responses-{consultation.code}",
    )
    return redirect("core:export_status", code=export.code)


def closed_question_summary(consultation: Consultation, language: str) -> list[dict[str, Any]]:
    """For each question with answers to choose from: how many chose each answer."""
    closed = [
        q
        for q in questions_in_order(consultation)
        if q.kind not in (Question.Kind.TEXT, Question.Kind.NUMBER, Question.Kind.DATE)
    ]
    counted, answered_by = answer_counts(closed)
    summaries = []
    for question in closed:
        counts = counted[question.pk]
        answered = answered_by[question.pk]
        rows = [
            {
                "label": label,
                "count": counts.get(value, 0),
                "percent": round(100 * counts.get(value, 0) / answered) if answered else 0,
            }
            for value, label in choices_for(question, language)
        ]
        summaries.append(
            {
                "question": question.text_for(language),
                "answered": answered,
                "rows": rows,
                "largest": max([1, *(r["count"] for r in rows)]),
                "multiple": question.kind == Question.Kind.MULTIPLE,
            }
        )
    return summaries
