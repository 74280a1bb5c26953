"""Consultations with their questions, and their responses (never equality answers, which
Chorus keeps apart and this API cannot reach: ``tests/test_layers.py`` keeps it from
importing ``chorus.equality``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from chorus.api.base import (
    ERRORS,
    DateTimeText,
    Limit,
    Named,
    Page,
    acting,
    audit_call,
    audit_listed,
    need,
    no_nul,
    one,
    paged,
    when,
)
from chorus.api.models import Area
from chorus.api.services import token_visible
from chorus.consultations.models import Answer, Consultation, Question, Response
from chorus.core.custom_fields import definitions, visible_values
from chorus.core.models import CustomField

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
    custom: dict[str, Any] = Field(description="Values of the fields administrators added, by key")
    created_at: datetime
    updated_at: datetime


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
    submitted_at: datetime
    answers: list[AnswerOut]


class ResponsesPage(Page):
    results: list[ResponseOut]


def _consultations() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("project", "team").prefetch_related("topics", "regions")


def _consultation_out(consultation: Consultation, defs: list[CustomField]) -> dict[str, Any]:
    project = consultation.project
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
        "custom": visible_values(defs, consultation.custom),
        "created_at": consultation.created_at,
        "updated_at": consultation.updated_at,
    }


def _question_out(question: Question) -> dict[str, Any]:
    return {
        "code": question.code,
        "kind": question.kind,
        "text": question.text,
        "text_cy": question.text_cy,
        "help_text": question.help_text,
        "help_text_cy": question.help_text_cy,
        "required": question.required,
        "options": [
            {
                "value": str(o.get("value", "")),
                "label": str(o.get("label", "")),
                "label_cy": str(o.get("label_cy", "")),
            }
            for o in question.options or []
            if isinstance(o, dict)
        ],
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
    return {"results": [_consultation_out(c, defs) for c in rows], "next": after}


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
        **_consultation_out(consultation, definitions("consultation", acting(request))),
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
    if channel:
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
