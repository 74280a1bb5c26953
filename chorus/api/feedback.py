"""Service feedback: digital services, in-page feedback and exit survey answers (never the
equality answers an exit survey may have asked for, which Chorus keeps apart)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from chorus.api.base import ERRORS, DateTimeText, Limit, Page, audit_call, need, no_nul, one, paged, when
from chorus.api.models import Area
from chorus.api.services import token_visible
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service

router = Router(tags=["service feedback"])


class ServiceOut(Schema):
    code: UUID
    name: str
    name_cy: str
    slug: str
    is_active: bool
    team: UUID | None


class ServicesPage(Page):
    results: list[ServiceOut]


class PageFeedbackOut(Schema):
    id: int
    kind: str
    page: str
    text: str
    language: str
    region: str | None = Field(description="ONS code of the region the service said the person was in")
    place: UUID | None = Field(description="Code of the court, office or place the service said")
    created_at: datetime


class PageFeedbackPage(Page):
    results: list[PageFeedbackOut]


class ExitSurveyOut(Schema):
    id: int
    satisfaction: int | None
    effort: int | None
    needed_help: bool | None
    help_from: list[str]
    improvement: str
    came_from: str
    language: str
    region: str | None = Field(description="ONS code of the region the service said the person was in")
    place: UUID | None = Field(description="Code of the court, office or place the service said")
    created_at: datetime


class ExitSurveyPage(Page):
    results: list[ExitSurveyOut]


def _service_out(service: Service) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.name,
        "name_cy": service.name_cy,
        "slug": service.slug,
        "is_active": service.is_active,
        "team": service.team.code if service.team else None,
    }


@router.get("/services", response={200: ServicesPage, **ERRORS}, summary="List digital services")
def services_list(request: HttpRequest, cursor: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    token = need(request, Area.FEEDBACK)
    no_nul(cursor, "cursor")
    rows, after = paged(token_visible(token, Service.objects.select_related("team")), cursor, limit)
    audit_call(request, object_type="feedback.service", detail={"shown": len(rows)})
    return {"results": [_service_out(s) for s in rows], "next": after}


@router.get(
    "/services/{code}/feedback",
    response={200: PageFeedbackPage, **ERRORS},
    summary="A service's in-page feedback",
)
def service_feedback(
    request: HttpRequest,
    code: UUID,
    since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    need(request, Area.FEEDBACK)
    no_nul(cursor, "cursor")
    service = one(request, Service.objects.all(), code=code)
    feedback = PageFeedback.objects.filter(service=service).select_related("region", "place")
    if moment := when(since, "since"):
        feedback = feedback.filter(created_at__gte=moment)
    rows, after = paged(feedback, cursor, limit)
    audit_call(request, obj=service, detail={"feedback shown": len(rows)})
    return {
        "results": [
            {
                "id": f.pk,
                "kind": f.kind,
                "page": f.page,
                "text": f.text,
                "language": f.language,
                "region": f.region.ons_code if f.region else None,
                "place": f.place.code if f.place else None,
                "created_at": f.created_at,
            }
            for f in rows
        ],
        "next": after,
    }


@router.get(
    "/services/{code}/exit-survey",
    response={200: ExitSurveyPage, **ERRORS},
    summary="A service's exit survey answers",
)
def service_exit_survey(
    request: HttpRequest,
    code: UUID,
    since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    need(request, Area.FEEDBACK)
    no_nul(cursor, "cursor")
    service = one(request, Service.objects.all(), code=code)
    answers = ExitSurveyResponse.objects.filter(service=service).select_related("region", "place")
    if moment := when(since, "since"):
        answers = answers.filter(created_at__gte=moment)
    rows, after = paged(answers, cursor, limit)
    audit_call(request, obj=service, detail={"exit survey answers shown": len(rows)})
    return {
        "results": [
            {
                "id": a.pk,
                "satisfaction": a.satisfaction,
                "effort": a.effort,
                "needed_help": a.needed_help,
                "help_from": [str(h) for h in a.help_from or []],
                "improvement": a.improvement,
                "came_from": a.came_from,
                "language": a.language,
                "region": a.region.ons_code if a.region else None,
                "place": a.place.code if a.place else None,
                "created_at": a.created_at,
            }
            for a in rows
        ],
        "next": after,
    }
