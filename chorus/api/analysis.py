"""Analysis runs, their themes, and which theme each analysed text was given."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from chorus.analysis.models import AnalysisRun, Assignment, Item, SocialSource
from chorus.analysis.services import run_create
from chorus.api.base import (
    ERRORS,
    ApiError,
    Body,
    Limit,
    Page,
    acting,
    audit_call,
    need,
    no_nul,
    one,
    one_of,
    paged,
    token_of,
)
from chorus.api.models import Area, Level
from chorus.api.services import token_visible
from chorus.consultations.models import Answer, Consultation, Question
from chorus.engagement.models import Activity
from chorus.feedback.models import Service

router = Router(tags=["analysis"])


class RunOut(Schema):
    code: UUID
    title: str
    subject: str
    mode: str
    status: str
    review_stage: str
    consultation: UUID | None
    item_count: int
    team: UUID | None
    created_at: datetime
    finished_at: datetime | None


class RunsPage(Page):
    results: list[RunOut]


class ThemeOut(Schema):
    id: int
    key: int
    level: str
    parent: int | None
    label: str
    description: str
    keyphrases: list[str]
    size: int
    share: float
    locked: bool


class RunDetailOut(RunOut):
    themes: list[ThemeOut]


class AssignmentOut(Schema):
    item: int = Field(description="The analysed text's id in this run")
    source: str = Field(description="What the text came from (a response's answer, feedback, a post)")
    source_id: int
    text: str = Field(description="The text with personal data taken out")
    sentiment: str
    stance: str = Field(
        description="For a question that pairs agree or disagree with why: the answer it went with"
    )
    response: UUID | None = Field(description="For a consultation answer: the response's code")
    question: UUID | None = Field(description="For a consultation answer: the question's code")
    themes: list[int] = Field(description="Ids of the themes it was given")


class RunIn(Body):
    subject: str = Field(
        description="What to analyse: question (a free-text question), consultation (each of its "
        "free-text questions), service (a service's feedback), social (a source's posts) or event "
        "(an event's evaluation comments)"
    )
    of: UUID = Field(description="The code of the question, consultation, service, social source or event")
    mode: str = Field("fast", description="fast or accurate")


class AssignmentsPage(Page):
    results: list[AssignmentOut]


def _run_out(run: AnalysisRun) -> dict[str, Any]:
    return {
        "code": run.code,
        "title": run.title,
        "subject": run.subject,
        "mode": run.mode,
        "status": run.status,
        "review_stage": run.review_stage,
        "consultation": run.consultation.code if run.consultation else None,
        "item_count": run.item_count,
        "team": run.team.code if run.team else None,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


def _runs() -> Any:
    return AnalysisRun.objects.select_related("consultation", "team")


@router.get("/analysis-runs", response={200: RunsPage, **ERRORS}, summary="List analysis runs")
def runs_list(
    request: HttpRequest,
    consultation: UUID | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.ANALYSIS)
    no_nul(cursor, "cursor")
    runs = token_visible(token, _runs())
    if consultation:
        runs = runs.filter(consultation__code=consultation)
    rows, after = paged(runs, cursor, limit)
    audit_call(request, object_type="analysis.analysisrun", detail={"shown": len(rows)})
    return {"results": [_run_out(r) for r in rows], "next": after}


@router.get(
    "/analysis-runs/{code}", response={200: RunDetailOut, **ERRORS}, summary="Read a run with its themes"
)
def run_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.ANALYSIS)
    run = one(request, _runs(), code=code)
    audit_call(request, obj=run)
    return {
        **_run_out(run),
        "themes": [
            {
                "id": t.pk,
                "key": t.key,
                "level": t.level,
                "parent": t.parent_id,
                "label": t.label,
                "description": t.description,
                "keyphrases": [str(k) for k in t.keyphrases or []],
                "size": t.size,
                "share": t.share,
                "locked": t.locked,
            }
            for t in run.themes.order_by("level", "key")
        ],
    }


@router.get(
    "/analysis-runs/{code}/assignments",
    response={200: AssignmentsPage, **ERRORS},
    summary="Each analysed text with the themes it was given",
)
def run_assignments(
    request: HttpRequest, code: UUID, cursor: str | None = None, limit: Limit = 50
) -> dict[str, Any]:
    need(request, Area.ANALYSIS)
    no_nul(cursor, "cursor")
    run = one(request, AnalysisRun.objects.all(), code=code)
    rows, after = paged(
        Item.objects.filter(run=run).only("pk", "source", "source_id", "redacted", "sentiment", "stance"),
        cursor,
        limit,
    )
    answers = {
        pk: (response, question)
        for pk, response, question in Answer.objects.filter(
            pk__in=[i.source_id for i in rows if i.source == Item.Source.ANSWER],
            # Named only where the token may open them (a consultation may move team after a run).
            response__consultation__in=token_visible(token_of(request), Consultation.objects.all()),
        ).values_list("pk", "response__code", "question__code")
    }
    themes: dict[int, list[int]] = {}
    for item_id, theme_id in Assignment.objects.filter(item__in=[i.pk for i in rows]).values_list(
        "item_id", "theme_id"
    ):
        themes.setdefault(item_id, []).append(theme_id)
    audit_call(request, obj=run, detail={"texts shown": len(rows)})
    return {
        "results": [
            {
                "item": i.pk,
                "source": i.source,
                "source_id": i.source_id,
                "text": i.redacted,
                "sentiment": i.sentiment,
                "stance": i.stance,
                "response": _answer_of(i, answers)[0],
                "question": _answer_of(i, answers)[1],
                "themes": sorted(themes.get(i.pk, [])),
            }
            for i in rows
        ],
        "next": after,
    }


def _answer_of(item: Item, answers: dict[int, tuple[UUID, UUID]]) -> tuple[UUID | None, UUID | None]:
    """The response and question of a consultation answer's item, by their codes."""
    if item.source != Item.Source.ANSWER or item.source_id not in answers:
        return None, None
    return answers[item.source_id]


def _target(request: HttpRequest, subject: str, code: UUID) -> Any:
    """The record a new run reads, if the token may see it; a 400 naming ``of`` otherwise."""
    token = token_of(request)
    found: Any = None
    if subject == AnalysisRun.Subject.QUESTION:
        questions = Question.objects.select_related("section__consultation")
        found = token_visible(token, questions).filter(code=code).first()
        if found is not None and found.kind != Question.Kind.TEXT:
            raise ApiError(400, {"of": [_("Only free-text questions are analysed: this one is not.")]})
    else:
        model: Any = {
            AnalysisRun.Subject.CONSULTATION: Consultation,
            AnalysisRun.Subject.SERVICE: Service,
            AnalysisRun.Subject.SOCIAL: SocialSource,
            AnalysisRun.Subject.EVENT: Activity,
        }[AnalysisRun.Subject(subject)]
        found = token_visible(token, model.objects.all()).filter(code=code).first()
        if isinstance(found, Consultation):
            texts = Question.objects.filter(section__consultation=found, kind=Question.Kind.TEXT)
            if not texts.exists():
                raise ApiError(400, {"of": [_("This consultation has no free-text questions to analyse.")]})
    if found is None:
        raise ApiError(
            400,
            {"of": [_("There is nothing of that kind with this code that this token may see.")]},
        )
    return found


@router.post(
    "/analysis-runs",
    response={201: RunOut, **ERRORS},
    summary="Start an analysis",
    description="It is queued as on its page; read the run until its status is done.",
)
def run_start(request: HttpRequest, body: RunIn) -> Status[dict[str, Any]]:
    need(request, Area.ANALYSIS, Level.WRITE)
    subjects = [s for s in AnalysisRun.Subject.values if s != AnalysisRun.Subject.CASES]
    if body.subject not in subjects:
        one_of(body.subject, subjects, "subject")
    if body.mode not in (AnalysisRun.Mode.FAST, AnalysisRun.Mode.ACCURATE):
        raise ApiError(400, {"mode": [_("Send fast or accurate.")]})
    target = _target(request, body.subject, body.of)
    try:
        run = run_create(
            actor=acting(request), subject=body.subject, target=target, mode=body.mode, framework=[]
        )
    except ValidationError as error:
        raise ApiError(400, {"body": error.messages}) from None
    found = _runs().get(pk=run.pk)
    audit_call(request, obj=found)
    return Status(201, _run_out(found))
