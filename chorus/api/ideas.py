"""Idea challenges and the ideas posted to them (with the name the poster chose to show,
never their email address)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from chorus.api.base import (
    ERRORS,
    Body,
    Limit,
    Page,
    acting,
    audit_call,
    check_texts,
    form_errors,
    need,
    no_nul,
    one,
    paged,
)
from chorus.api.models import Area, Level
from chorus.api.services import token_visible
from chorus.ideas.forms import RespondForm
from chorus.ideas.models import Challenge, Idea
from chorus.ideas.services import respond

router = Router(tags=["ideas"])


class ChallengeOut(Schema):
    code: UUID
    title: str
    title_cy: str
    description: str
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    team: UUID | None


class ChallengesPage(Page):
    results: list[ChallengeOut]


class IdeaOut(Schema):
    code: UUID
    challenge: UUID
    title: str
    body: str
    shown_name: str
    status: str
    moderation: str
    support_count: int
    theme: str
    response: str
    responded_at: datetime | None
    merged_into: UUID | None
    created_at: datetime


class IdeasPage(Page):
    results: list[IdeaOut]


def _challenge_out(challenge: Challenge) -> dict[str, Any]:
    return {
        "code": challenge.code,
        "title": challenge.title,
        "title_cy": challenge.title_cy,
        "description": challenge.description,
        "opens_at": challenge.opens_at,
        "closes_at": challenge.closes_at,
        "closed_at": challenge.closed_at,
        "team": challenge.team.code if challenge.team else None,
    }


def _idea_out(idea: Idea) -> dict[str, Any]:
    return {
        "code": idea.code,
        "challenge": idea.challenge.code,
        "title": idea.title,
        "body": idea.body,
        "shown_name": idea.participant.name,
        "status": idea.status,
        "moderation": idea.moderation,
        "support_count": idea.support_count,
        "theme": idea.theme,
        "response": idea.response,
        "responded_at": idea.responded_at,
        "merged_into": idea.merged_into.code if idea.merged_into else None,
        "created_at": idea.created_at,
    }


def _ideas() -> Any:
    return Idea.objects.select_related("challenge", "participant", "merged_into")


@router.get("/challenges", response={200: ChallengesPage, **ERRORS}, summary="List idea challenges")
def challenges_list(request: HttpRequest, cursor: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    token = need(request, Area.IDEAS)
    no_nul(cursor, "cursor")
    rows, after = paged(token_visible(token, Challenge.objects.select_related("team")), cursor, limit)
    audit_call(request, object_type="ideas.challenge", detail={"shown": len(rows)})
    return {"results": [_challenge_out(c) for c in rows], "next": after}


@router.get("/ideas", response={200: IdeasPage, **ERRORS}, summary="List ideas")
def ideas_list(
    request: HttpRequest,
    challenge: UUID | None = None,
    status: str | None = None,
    moderation: str | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.IDEAS)
    for name, value in (("status", status), ("moderation", moderation), ("cursor", cursor)):
        no_nul(value, name)
    ideas = token_visible(token, _ideas())
    if challenge:
        ideas = ideas.filter(challenge__code=challenge)
    if status:
        ideas = ideas.filter(status=status)
    if moderation:
        ideas = ideas.filter(moderation=moderation)
    rows, after = paged(ideas, cursor, limit)
    audit_call(request, object_type="ideas.idea", detail={"shown": len(rows)})
    return {"results": [_idea_out(i) for i in rows], "next": after}


@router.get("/ideas/{code}", response={200: IdeaOut, **ERRORS}, summary="Read an idea")
def idea_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.IDEAS)
    idea = one(request, _ideas(), code=code)
    audit_call(request, obj=idea)
    return _idea_out(idea)


class IdeaResponseIn(Body):
    status: str = Field(description="considering, taken_forward or not_taken_forward")
    response: str = Field(description="What was decided and why; everyone following the idea is emailed")


@router.post(
    "/ideas/{code}/response",
    response={200: IdeaOut, **ERRORS},
    summary="Give an idea its official response",
    description="The staff page's checks; followers are emailed as they are from the page.",
)
def idea_respond(request: HttpRequest, code: UUID, body: IdeaResponseIn) -> dict[str, Any]:
    need(request, Area.IDEAS, Level.WRITE)
    idea = one(request, _ideas(), code=code)
    values = body.model_dump()
    check_texts(values)
    form = RespondForm(data=values)
    if not form.is_valid():
        raise form_errors(form)
    respond(
        ideas=[idea],
        status=form.cleaned_data["status"],
        response=form.cleaned_data["response"],
        actor=acting(request),
    )
    idea = _ideas().get(pk=idea.pk)
    audit_call(request, obj=idea)
    return _idea_out(idea)
