"""Analysis runs, their themes, and which theme each analysed text was given."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from chorus.analysis.models import AnalysisRun, Assignment, Item
from chorus.api.base import ERRORS, Limit, Page, audit_call, need, no_nul, one, paged
from chorus.api.models import Area
from chorus.api.services import token_visible

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
    themes: list[int] = Field(description="Ids of the themes it was given")


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
        Item.objects.filter(run=run).only("pk", "source", "source_id", "redacted", "sentiment"), cursor, limit
    )
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
                "themes": sorted(themes.get(i.pk, [])),
            }
            for i in rows
        ],
        "next": after,
    }
