"""Consultations with their questions, and their responses (never equality answers, which
Chorus keeps apart and this API cannot reach: ``tests/test_layers.py`` keeps it from
importing ``chorus.equality``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from chorus.api.base import (
    CUSTOM_IN,
    CUSTOM_PATCH,
    ERRORS,
    ApiError,
    Body,
    DateTimeText,
    Id,
    Limit,
    Named,
    Page,
    acting,
    as_form_data,
    audit_call,
    audit_listed,
    check_texts,
    custom_error_names,
    custom_form_data,
    form_errors,
    local_text,
    need,
    no_nul,
    one,
    one_of,
    paged,
    projects_seen,
    token_of,
    when,
)
from chorus.api.models import Area, Level
from chorus.api.services import token_teams, token_visible
from chorus.consultations import services
from chorus.consultations.forms import ConsultationForm, EnteredResponseForm
from chorus.consultations.journey import answers_from, choices_for, field_name, section_form
from chorus.consultations.models import Answer, Consultation, Question, Response
from chorus.consultations.selectors import questions_in_order
from chorus.core.custom_fields import definitions, visible_values
from chorus.core.models import CustomField
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import Project

router = Router(tags=["consultations and responses"])


class OptionOut(Schema):
    value: str
    label: str
    label_cy: str


class QuestionOut(Schema):
    code: UUID
    kind: str
    text: str
    text_cy: str
    help_text: str
    help_text_cy: str
    required: bool
    options: list[OptionOut]
    follows: UUID | None = Field(description="The question this one follows up")
    shown_for: list[str] = Field(description="The answers to that question that ask this one")


class SectionOut(Schema):
    code: UUID
    title: str
    title_cy: str
    questions: list[QuestionOut]


class ConsultationOut(Schema):
    code: UUID
    kind: str
    status: str = Field(description="draft, forthcoming, open or closed")
    title: str
    title_cy: str
    summary: str
    summary_cy: str
    opens_at: datetime
    closes_at: datetime
    project: Named | None
    topics: list[int]
    regions: list[str]
    team: UUID | None
    responses: int
    body: str = Field(description="What is consulted on: blank lines part paragraphs, '## ' starts a heading")
    body_cy: str
    shorter_reason: str = Field(description="Why it is open for less than the standard, if it is")
    privacy_url: str
    contact_email: str
    contact_phone: str
    equality_monitoring: bool
    is_published: bool
    custom: dict[str, Any] = Field(description="Values of the fields administrators added, by key")
    created_at: datetime
    updated_at: datetime


class ConsultationIn(Body):
    kind: str = Field(description="consultation or survey")
    title: str = Field(description="200 characters at most")
    title_cy: str = ""
    summary: str = Field(description="One or two sentences, shown in lists and the calendar")
    summary_cy: str = ""
    body: str = ""
    body_cy: str = ""
    opens_at: DateTimeText = Field(description="When it opens, like 2026-03-27T09:00:00Z")
    closes_at: DateTimeText = Field(description="When it closes, after it opens")
    shorter_reason: str = Field("", description="Why it is open for less than the standard, if it is")
    project: UUID | None = None
    topics: list[Id] = Field([], description="Topics' ids")
    regions: list[str] = Field([], description="Regions' ONS codes")
    team: UUID | None = Field(None, description="Restrict it to a team: never shown to the public")
    privacy_url: str = Field("", description="The privacy notice's address: needed before publishing")
    contact_email: str = ""
    contact_phone: str = ""
    equality_monitoring: bool = False
    custom: dict[str, Any] = Field({}, description=CUSTOM_IN)


class ConsultationPatch(Body):
    """Only the fields sent change."""

    kind: str | None = None
    title: str | None = None
    title_cy: str | None = None
    summary: str | None = None
    summary_cy: str | None = None
    body: str | None = None
    body_cy: str | None = None
    opens_at: DateTimeText | None = None
    closes_at: DateTimeText | None = None
    shorter_reason: str | None = None
    project: UUID | None = None
    topics: list[Id] | None = None
    regions: list[str] | None = None
    team: UUID | None = None
    privacy_url: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    equality_monitoring: bool | None = None
    custom: dict[str, Any] | None = Field(None, description=CUSTOM_PATCH)


class ConsultationDetailOut(ConsultationOut):
    sections: list[SectionOut]


class ConsultationsPage(Page):
    results: list[ConsultationOut]


class AnswerOut(Schema):
    question: UUID
    value: Any = Field(description="Text, a list of option values, or the value as text")


class ResponseOut(Schema):
    code: UUID
    reference: str
    consultation: UUID
    channel: str
    respondent_type: str
    name: str
    email: str
    organisation: str
    publish: str
    language: str
    submitted_at: datetime = Field(
        description="When it was sent (for one entered by staff, the day received)"
    )
    created_at: datetime = Field(description="When Chorus stored it")
    answers: list[AnswerOut]


class ResponsesPage(Page):
    results: list[ResponseOut]


class AnswerIn(Body):
    question: UUID = Field(description="The question's code")
    value: str | list[str] = Field(
        description="Text; for a choice, the option's value; for several choices, a list of values"
    )


class ResponseIn(Body):
    channel: str = Field(description="How it came: email, post, phone, face_to_face or assisted")
    received_on: date = Field(description="The date it was received (YYYY-MM-DD), not in the future")
    respondent_type: str = Field("individual", description="individual or organisation")
    organisation: str = ""
    name: str = ""
    email: str = ""
    may_contact: bool = Field(False, description="They asked to be emailed what changed: needs email")
    publish: str = Field("no", description="How they agreed to it being published (no, anonymous or named)")
    answers: list[AnswerIn] = Field([], description="Their answers; none is required, as on the staff page")
    submission_key: UUID | None = Field(
        None,
        description="Your own id for this response. Sent again (after a timeout, say), the response "
        "already stored is returned with 200 and nothing is stored twice.",
    )


def _consultations() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("project", "team").prefetch_related("topics", "regions")


def _consultation_out(
    consultation: Consultation, defs: list[CustomField], seen: set[int] | None = None
) -> dict[str, Any]:
    """``seen``: the projects the token may see (the others are not named); all when None."""
    project = consultation.project if seen is None or consultation.project_id in seen else None
    return {
        "code": consultation.code,
        "kind": consultation.kind,
        "status": consultation.status(),
        "title": consultation.title,
        "title_cy": consultation.title_cy,
        "summary": consultation.summary,
        "summary_cy": consultation.summary_cy,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "project": {"code": project.code, "name": project.name} if project else None,
        "topics": sorted(t.pk for t in consultation.topics.all()),
        "regions": sorted(r.ons_code for r in consultation.regions.all()),
        "team": consultation.team.code if consultation.team else None,
        "responses": consultation.responses.count(),
        "body": consultation.body,
        "body_cy": consultation.body_cy,
        "shorter_reason": consultation.shorter_reason,
        "privacy_url": consultation.privacy_url,
        "contact_email": consultation.contact_email,
        "contact_phone": consultation.contact_phone,
        "equality_monitoring": consultation.equality_monitoring,
        "is_published": consultation.is_published,
        "custom": visible_values(defs, consultation.custom),
        "created_at": consultation.created_at,
        "updated_at": consultation.updated_at,
    }


def _options(question: Question) -> list[dict[str, str]]:
    """What a question may be answered with: its own options, or the scale, rating or yes/no
    answers Chorus asks with (answered by ``value``)."""
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return [
            {
                "value": str(o.get("value", "")),
                "label": str(o.get("label", "")),
                "label_cy": str(o.get("label_cy", "")),
            }
            for o in question.options or []
            if isinstance(o, dict)
        ]
    english, welsh = choices_for(question, "en"), dict(choices_for(question, "cy"))
    with translation.override("en"):
        shown = [(str(value), str(label)) for value, label in english]
    with translation.override("cy"):
        welsh_shown = {str(value): str(label) for value, label in welsh.items()}
    return [
        {"value": value, "label": label, "label_cy": welsh_shown.get(value, "")} for value, label in shown
    ]


def _question_out(question: Question) -> dict[str, Any]:
    return {
        "code": question.code,
        "kind": question.kind,
        "text": question.text,
        "text_cy": question.text_cy,
        "help_text": question.help_text,
        "help_text_cy": question.help_text_cy,
        "required": question.required,
        "options": _options(question),
        "follows": question.follows.code if question.follows else None,
        "shown_for": [str(v) for v in question.shown_for or []],
    }


def _response_out(response: Response) -> dict[str, Any]:
    return {
        "code": response.code,
        "reference": response.reference,
        "consultation": response.consultation.code,
        "channel": response.channel,
        "respondent_type": response.respondent_type,
        "name": response.name,
        "email": response.email,
        "organisation": response.organisation,
        "publish": response.publish,
        "language": response.language,
        "submitted_at": response.submitted_at,
        "created_at": response.created_at,
        "answers": [{"question": a.question.code, "value": a.value} for a in response.answers.all()],
    }


def _responses() -> QuerySet[Response]:
    from django.db.models import Prefetch

    return Response.objects.select_related("consultation").prefetch_related(
        Prefetch(
            "answers", queryset=Answer.objects.select_related("question").order_by("question__order", "pk")
        )
    )


@router.get("/consultations", response={200: ConsultationsPage, **ERRORS}, summary="List consultations")
def consultations_list(
    request: HttpRequest,
    kind: str | None = None,
    project: UUID | None = None,
    changed_since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.CONSULTATIONS)
    no_nul(kind, "kind")
    no_nul(cursor, "cursor")
    one_of(kind, Consultation.Kind.values, "kind")
    consultations = token_visible(token, _consultations())
    if kind:
        consultations = consultations.filter(kind=kind)
    if project:
        consultations = consultations.filter(project__code=project)
    if since := when(changed_since, "changed_since"):
        consultations = consultations.filter(updated_at__gte=since)
    rows, after = paged(consultations, cursor, limit)
    audit_call(request, object_type="consultations.consultation", detail={"shown": len(rows)})
    defs = definitions("consultation", acting(request))
    seen = projects_seen(request, [c.project_id for c in rows])
    return {"results": [_consultation_out(c, defs, seen) for c in rows], "next": after}


@router.get(
    "/consultations/{code}",
    response={200: ConsultationDetailOut, **ERRORS},
    summary="Read a consultation with its sections and questions",
)
def consultation_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.CONSULTATIONS)
    consultation = one(request, _consultations(), code=code)
    sections = consultation.sections.order_by("order", "id").prefetch_related("questions__follows")
    audit_call(request, obj=consultation)
    return {
        **_consultation_out(
            consultation,
            definitions("consultation", acting(request)),
            projects_seen(request, [consultation.project_id]),
        ),
        "sections": [
            {
                "code": s.code,
                "title": s.title,
                "title_cy": s.title_cy,
                "questions": [_question_out(q) for q in s.questions.all()],
            }
            for s in sections
        ],
    }


@router.get(
    "/consultations/{code}/responses",
    response={200: ResponsesPage, **ERRORS},
    summary="List a consultation's responses with their answers",
    description="Equality monitoring answers are never included: Chorus keeps them apart.",
)
def responses_list(
    request: HttpRequest,
    code: UUID,
    submitted_since: DateTimeText | None = None,
    stored_since: DateTimeText | None = None,
    channel: str | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    need(request, Area.CONSULTATIONS)
    no_nul(channel, "channel")
    no_nul(cursor, "cursor")
    consultation = one(request, Consultation.objects.all(), code=code)
    responses = _responses().filter(consultation=consultation)
    if since := when(submitted_since, "submitted_since"):
        responses = responses.filter(submitted_at__gte=since)
    if stored := when(stored_since, "stored_since"):
        responses = responses.filter(created_at__gte=stored)
    if one_of(channel, Response.Channel.values, "channel"):
        responses = responses.filter(channel=channel)
    rows, after = paged(responses, cursor, limit)
    audit_listed(
        request,
        rows,
        object_type="consultations.response",
        object_repr=f"API responses to {consultation.title}",
        detail={"consultation": str(consultation.code)},
    )
    return {"results": [_response_out(r) for r in rows], "next": after}


@router.get("/responses/{code}", response={200: ResponseOut, **ERRORS}, summary="Read a response")
def response_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.CONSULTATIONS)
    response = one(request, _responses(), code=code)
    audit_call(request, obj=response)
    return _response_out(response)


# Writing: through the staff pages' forms and services, so the same checks and messages
# apply, with the token's teams and visible projects in place of a user's.


def _consultation_form(
    request: HttpRequest, values: dict[str, Any], consultation: Consultation | None
) -> ConsultationForm:
    token = token_of(request)
    custom = custom_form_data(
        request, "consultation", values.pop("custom", None), consultation.custom if consultation else None
    )
    data = as_form_data(values)
    data.update(custom)
    for name in ("opens_at", "closes_at"):
        data[name] = local_text(values.get(name), name)
    if not values.get("equality_monitoring"):
        data.pop("equality_monitoring", None)  # an unticked box is not sent
    initial = None
    if consultation is not None:
        initial = {"project": consultation.project, "is_published": consultation.is_published}
    form = ConsultationForm(
        data=data, initial=initial, user=acting(request), custom=consultation.custom if consultation else None
    )
    fields: Any = form.fields
    fields["project"].queryset = token_visible(token, Project.objects.order_by("name"))
    fields["team"].queryset = token_teams(token)
    for name in ("project", "team"):
        fields[name].to_field_name = "code"
    fields["regions"].to_field_name = "ons_code"
    return form


def _consultation_saved(
    request: HttpRequest, form: ConsultationForm, consultation: Consultation | None
) -> dict[str, Any]:
    saved = services.consultation_save(
        actor=acting(request), request=request, consultation=consultation, **form.cleaned_data
    )
    found = _consultations().get(pk=saved.pk)
    audit_call(request, obj=found)
    return _consultation_out(
        found, definitions("consultation", acting(request)), projects_seen(request, [found.project_id])
    )


@router.post(
    "/consultations",
    response={201: ConsultationOut, **ERRORS},
    summary="Add a consultation, as a draft",
    description="It is published from its page in Chorus, after the publishing checklist.",
)
def consultation_create(request: HttpRequest, body: ConsultationIn) -> Status[dict[str, Any]]:
    need(request, Area.CONSULTATIONS, Level.WRITE)
    regions_ensure()
    values = body.model_dump()
    check_texts(values)
    form = _consultation_form(request, values, None)
    if not form.is_valid():
        raise form_errors(form, custom_error_names("consultation"))
    return Status(201, _consultation_saved(request, form, None))


@router.patch(
    "/consultations/{code}",
    response={200: ConsultationOut, **ERRORS},
    summary="Change a consultation",
    description="Only the fields sent change. A published one cannot be restricted to a team.",
)
def consultation_change(request: HttpRequest, code: UUID, body: ConsultationPatch) -> dict[str, Any]:
    need(request, Area.CONSULTATIONS, Level.WRITE)
    regions_ensure()
    consultation = one(request, _consultations(), code=code)
    changes = body.model_dump(exclude_unset=True)
    check_texts(changes)
    current = _consultation_out(consultation, definitions("consultation", acting(request)))
    values = {name: current[name] for name in ConsultationPatch.model_fields if name != "custom"}
    # A project the token may not see is kept by sending none (the form keeps such a link).
    project = consultation.project
    visible = (
        project is not None
        and token_visible(token_of(request), Project.objects.filter(pk=project.pk)).exists()
    )
    values["project"] = project.code if project is not None and visible else None
    values["opens_at"] = consultation.opens_at.isoformat()
    values["closes_at"] = consultation.closes_at.isoformat()
    values.update(changes)
    form = _consultation_form(request, values, consultation)
    if not form.is_valid():
        raise form_errors(form, custom_error_names("consultation"))
    return _consultation_saved(request, form, consultation)


@router.post(
    "/consultations/{code}/responses",
    response={200: ResponseOut, 201: ResponseOut, **ERRORS},
    summary="Add a response that came by email, post, phone or in person",
    description=(
        "As staff enter one on its page: no answer is required, and it is stored once. Send a "
        "submission_key to retry safely. Equality monitoring answers are never taken here."
    ),
)
def response_create(request: HttpRequest, code: UUID, body: ResponseIn) -> Status[dict[str, Any]]:
    need(request, Area.CONSULTATIONS, Level.WRITE)
    consultation = one(request, Consultation.objects.all(), code=code)
    values = body.model_dump()
    answers_sent = values.pop("answers")
    key = values.pop("submission_key")
    check_texts(values)
    for answer in answers_sent:
        check_texts({f"answers.{answer['question']}": answer["value"]})
    if (stored := _already_stored(request, key, consultation)) is not None:
        return Status(200, stored)
    questions = questions_in_order(consultation)
    data = _answers_data(answers_sent, questions)
    if not values["may_contact"]:
        values.pop("may_contact")  # an unticked box is not sent
    about = EnteredResponseForm(data=as_form_data(values))
    answers_form = section_form(questions, "en", data=as_form_data(data), required=False)
    if not (about.is_valid() and answers_form.is_valid()):
        errors = form_errors(about).errors if about.errors else {}
        errors |= form_errors(answers_form, {field_name(q): f"answers.{q.code}" for q in questions}).errors
        raise ApiError(400, errors)
    try:
        response = services.response_enter(
            actor=acting(request),
            request=request,
            consultation=consultation,
            questions=questions,
            about=about.cleaned_data,
            answers=answers_from(answers_form, questions),
            submission_key=key,
        )
    except IntegrityError:
        # The same key sent twice at once: the other call stored it.
        if (stored := _already_stored(request, key, consultation)) is None:
            raise
        return Status(200, stored)
    found = _responses().get(pk=response.pk)
    audit_call(request, obj=found)
    return Status(201, _response_out(found))


def _already_stored(
    request: HttpRequest, key: UUID | None, consultation: Consultation
) -> dict[str, Any] | None:
    """The response stored before with ``key``, if any (a 409 if it answers another consultation)."""
    stored = _responses().filter(submission_key=key).first() if key is not None else None
    if stored is None:
        return None
    if stored.consultation_id != consultation.pk:
        raise ApiError(
            409, {"submission_key": [_("This key was used for a response to another consultation.")]}
        )
    audit_call(request, obj=stored)
    return _response_out(stored)


def _answers_data(answers_sent: list[dict[str, Any]], questions: list[Question]) -> dict[str, Any]:
    """The answers sent as the staff page's form posts them; a 400 naming each answer to a
    question the consultation does not have, or a list sent to a question of one answer."""
    by_code = {str(q.code): q for q in questions}
    data: dict[str, Any] = {}
    wrong: dict[str, list[str]] = {}
    for answer in answers_sent:
        question, value = by_code.get(str(answer["question"])), answer["value"]
        if question is None:
            wrong[f"answers.{answer['question']}"] = [
                _("This consultation has no question with this code. Read the consultation for them.")
            ]
        elif isinstance(value, list) and question.kind != Question.Kind.MULTIPLE:
            wrong[f"answers.{question.code}"] = [
                _("This question takes one answer: send it as text, not a list.")
            ]
        else:
            multiple = question.kind == Question.Kind.MULTIPLE and isinstance(value, str)
            data[field_name(question)] = [value] if multiple else value
    if wrong:
        raise ApiError(400, wrong)
    return data
