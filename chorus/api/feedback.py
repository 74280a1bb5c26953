"""Service feedback: digital services, in-page feedback and exit survey answers (never the
equality answers an exit survey may have asked for, which Chorus keeps apart)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from chorus.api.base import (
    ERRORS,
    Body,
    DateTimeText,
    Limit,
    Page,
    acting,
    as_form_data,
    audit_call,
    check_texts,
    form_errors,
    need,
    no_nul,
    one,
    paged,
    token_of,
    when,
)
from chorus.api.models import Area, Level
from chorus.api.services import token_teams, token_visible
from chorus.feedback import services
from chorus.feedback.forms import ServiceForm
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service

router = Router(tags=["service feedback"])


class ServiceOut(Schema):
    code: UUID
    name: str
    name_cy: str
    slug: str
    is_active: bool
    team: UUID | None
    allowed_origins: list[str] = Field(description="The web addresses allowed to send feedback")
    equality_monitoring: bool


class ServiceIn(Body):
    name: str
    name_cy: str = ""
    slug: str = Field(description="Lower case letters, numbers and hyphens, like apply-for-probate")
    team: UUID | None = None
    allowed_origins: list[str] = Field([], description="Like https://apply-for-probate.service.gov.uk")
    equality_monitoring: bool = False
    is_active: bool = Field(True, description="Accepting feedback")


class ServicePatch(Body):
    """Only the fields sent change."""

    name: str | None = None
    name_cy: str | None = None
    slug: str | None = None
    team: UUID | None = None
    allowed_origins: list[str] | None = None
    equality_monitoring: bool | None = None
    is_active: bool | None = None


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
        "allowed_origins": [line.strip() for line in service.allowed_origins.splitlines() if line.strip()],
        "equality_monitoring": service.equality_monitoring,
    }


def _service_saved(request: HttpRequest, values: dict[str, Any], service: Service | None) -> dict[str, Any]:
    """Save through the staff page's form (its checks and messages), with the token's teams."""
    check_texts(values)
    data = as_form_data({**values, "allowed_origins": "\n".join(values.get("allowed_origins") or [])})
    for box in ("equality_monitoring", "is_active"):
        if not values.get(box):
            data.pop(box, None)  # an unticked box is not sent
    form = ServiceForm(data=data, instance=service, user=acting(request))
    fields: Any = form.fields
    fields["team"].queryset = token_teams(token_of(request))
    fields["team"].to_field_name = "code"
    if not form.is_valid():
        raise form_errors(form)
    saved = services.service_save(
        actor=acting(request),
        request=request,
        service=service,
        fields={name: form.cleaned_data[name] for name in ServiceForm.Meta.fields},
    )
    found = Service.objects.select_related("team").get(pk=saved.pk)
    audit_call(request, obj=found)
    return _service_out(found)


@router.get("/services", response={200: ServicesPage, **ERRORS}, summary="List digital services")
def services_list(request: HttpRequest, cursor: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    token = need(request, Area.FEEDBACK)
    no_nul(cursor, "cursor")
    rows, after = paged(token_visible(token, Service.objects.select_related("team")), cursor, limit)
    audit_call(request, object_type="feedback.service", detail={"shown": len(rows)})
    return {"results": [_service_out(s) for s in rows], "next": after}


@router.post("/services", response={201: ServiceOut, **ERRORS}, summary="Add a digital service")
def service_create(request: HttpRequest, body: ServiceIn) -> Status[dict[str, Any]]:
    need(request, Area.FEEDBACK, Level.WRITE)
    return Status(201, _service_saved(request, body.model_dump(), None))


@router.get("/services/{code}", response={200: ServiceOut, **ERRORS}, summary="Read a digital service")
def service_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.FEEDBACK)
    service = one(request, Service.objects.select_related("team"), code=code)
    audit_call(request, obj=service)
    return _service_out(service)


@router.patch(
    "/services/{code}",
    response={200: ServiceOut, **ERRORS},
    summary="Change a digital service",
    description="Only the fields sent change: switch feedback off with is_active false.",
)
def service_change(request: HttpRequest, code: UUID, body: ServicePatch) -> dict[str, Any]:
    need(request, Area.FEEDBACK, Level.WRITE)
    service = one(request, Service.objects.select_related("team"), code=code)
    values = {
        name: value for name, value in _service_out(service).items() if name in ServicePatch.model_fields
    }
    values["team"] = service.team.code if service.team else None
    values.update(body.model_dump(exclude_unset=True))
    return _service_saved(request, values, service)


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
