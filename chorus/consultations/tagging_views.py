"""The staff page for reading one response, where staff who may change the consultation tag
it and add notes; those who may only view see both but cannot change them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.consultations import tagging
from chorus.consultations.forms import ResponseNoteForm, ResponseTagForm
from chorus.consultations.journey import shown_answer
from chorus.consultations.models import Response
from chorus.consultations.selectors import questions_in_order
from chorus.core.access import can_change, get_for_change, get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.i18n import current_welsh_or_english
from chorus.core.models import AuditAction


def _responses(code: UUID) -> QuerySet[Response]:
    return Response.objects.filter(consultation__code=code).select_related("consultation", "entered_by")


def _page(
    request: HttpRequest,
    response: Response,
    *,
    tag_form: ResponseTagForm | None = None,
    note_form: ResponseNoteForm | None = None,
) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":  # a refused tag or note shows the response again
        audit_record(actor=user, action=AuditAction.VIEW, obj=response, request=request)
    language = current_welsh_or_english()
    given = {a.question_id: a.value for a in response.answers.all()}
    answers = [
        {
            "question": question.text_for(language),
            # A Welsh page showing a question with no Welsh text marks it as English.
            "lang": "en" if language == "cy" and not question.text_cy else "",
            "answer": shown_answer(question, given[question.pk], language),
        }
        for question in questions_in_order(response.consultation)
        if question.pk in given
    ]
    return render(
        request,
        "consultations/response_detail.html",
        {
            "consultation": response.consultation,
            "response": response,
            "answers": answers,
            "show_contacts": user.can_see_contact_details,
            "may_change": can_change(user, response),
            "tags": response.tags.order_by("name"),
            "known_tags": tagging.tags_of(response.consultation),
            "notes": response.notes.select_related("author"),
            "tag_form": tag_form or ResponseTagForm(),
            "note_form": note_form or ResponseNoteForm(),
        },
    )


@staff_required
def response_detail(request: HttpRequest, code: UUID, response: UUID) -> HttpResponse:
    return _page(request, get_for_view(request, _responses(code), code=response))


@staff_required
@require_POST
def response_tag_add(request: HttpRequest, code: UUID, response: UUID) -> HttpResponse:
    found = get_for_change(request, _responses(code), code=response)
    form = ResponseTagForm(data=request.POST)
    if not form.is_valid():
        return _page(request, found, tag_form=form)
    tag = tagging.response_tag_add(
        response=found, name=form.cleaned_data["name"], actor=staff_user(request), request=request
    )
    messages.success(request, _("Tagged “%(tag)s”.") % {"tag": tag.name})
    return redirect("consultations:response_detail", code=code, response=found.code)


@staff_required
@require_POST
def response_tag_remove(request: HttpRequest, code: UUID, response: UUID, tag: UUID) -> HttpResponse:
    found = get_for_change(request, _responses(code), code=response)
    chosen = get_object_or_404(found.consultation.response_tags, code=tag)
    tagging.response_tag_remove(response=found, tag=chosen, actor=staff_user(request), request=request)
    messages.success(request, _("Tag “%(tag)s” removed.") % {"tag": chosen.name})
    return redirect("consultations:response_detail", code=code, response=found.code)


@staff_required
@require_POST
def response_note_add(request: HttpRequest, code: UUID, response: UUID) -> HttpResponse:
    found = get_for_change(request, _responses(code), code=response)
    form = ResponseNoteForm(data=request.POST)
    if not form.is_valid():
        return _page(request, found, note_form=form)
    tagging.response_note_add(
        response=found, text=form.cleaned_data["text"], actor=staff_user(request), request=request
    )
    messages.success(request, _("Note added."))
    return redirect("consultations:response_detail", code=code, response=found.code)
