"""What other fields name: topics and regions (by id and ONS code), subscriber lists, teams
and projects, so an integration can find the values it sends. Any live token may read
topics, regions and teams (those it may restrict records to); subscriber lists need
subscribers:read, and projects (those the token may see) a scope that names them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from chorus.api.base import ERRORS, need, token_of
from chorus.api.models import Area, Level
from chorus.api.services import token_teams, token_visible
from chorus.bulletins.models import SubscriberList
from chorus.directory.models import Region, Topic
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import Project

router = Router(tags=["reference"])

# Projects are named by activities, consultations and commitments: a token that reads any
# of them may list the projects it sees.
PROJECT_AREAS = (Area.ACTIVITIES, Area.CONSULTATIONS, Area.COMMITMENTS)


class TopicOut(Schema):
    id: int
    name: str
    name_cy: str


class RegionOut(Schema):
    ons_code: str
    name: str
    name_cy: str
    kind: str


class ListOut(Schema):
    name: str


class TeamOut(Schema):
    code: UUID
    name: str


class ProjectOut(Schema):
    code: UUID
    name: str
    team: UUID | None


@router.get("/topics", response={200: list[TopicOut], **ERRORS}, summary="Topics, by id")
def topics(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": t.pk, "name": t.name_en, "name_cy": t.name_cy} for t in Topic.objects.order_by("name_en")]


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, summary="Regions, by ONS code")
def regions(request: HttpRequest) -> list[dict[str, Any]]:
    regions_ensure()
    return [
        {"ons_code": r.ons_code, "name": r.name_en, "name_cy": r.name_cy, "kind": r.kind}
        for r in Region.objects.order_by("ons_code")
    ]


@router.get("/subscriber-lists", response={200: list[ListOut], **ERRORS}, summary="Subscriber lists, by name")
def subscriber_lists(request: HttpRequest) -> list[dict[str, Any]]:
    need(request, Area.SUBSCRIBERS)
    return [{"name": name} for name in SubscriberList.objects.order_by("name").values_list("name", flat=True)]


@router.get("/teams", response={200: list[TeamOut], **ERRORS}, summary="The teams records may be kept to")
def teams(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": t.code, "name": t.name} for t in token_teams(token_of(request)).order_by("name")]


@router.get("/projects", response={200: list[ProjectOut], **ERRORS}, summary="Projects the token may see")
def projects(request: HttpRequest) -> list[dict[str, Any]]:
    token = token_of(request)
    if not any(token.allows(area, Level.READ) for area in PROJECT_AREAS):
        need(request, Area.ACTIVITIES)  # the 403 names a scope that would do
    found = token_visible(token_of(request), Project.objects.select_related("team").order_by("name"))
    return [{"code": p.code, "name": p.name, "team": p.team.code if p.team else None} for p in found]
