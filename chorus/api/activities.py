"""Activities and who was invited to or came to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

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
from chorus.core.custom_fields import definitions, visible_values
from chorus.core.models import CustomField
from chorus.directory.models import Person, Place
from chorus.directory.reference import regions_ensure
from chorus.engagement import services
from chorus.engagement.forms import ActivityForm, AttendeeForm
from chorus.engagement.models import Activity, ActivityType, Attendance, Project

router = Router(tags=["activities and attendance"])


class ActivityOut(Schema):
    code: UUID
    kind: str
    title: str
    title_cy: str
    starts_at: datetime
    ends_at: datetime | None
    place: Named | None
    online_link: str
    regions: list[str] = Field(description="ONS codes")
    projects: list[Named]
    groups: list[Named]
    topics: list[int]
    organiser: str | None = Field(description="The organiser's email address")
    summary: str
    summary_cy: str
    feedback: str
    unlisted_attendees: int
    recipients: int
    impressions: int
    is_public: bool
    team: UUID | None
    custom: dict[str, Any] = Field(description="Values of the fields administrators added, by key")
    created_at: datetime
    updated_at: datetime


class ActivitiesPage(Page):
    results: list[ActivityOut]


class ActivityIn(Body):
    kind: str = Field(description="; ".join(ActivityType.values))
    title: str
    title_cy: str = ""
    starts_at: DateTimeText
    ends_at: DateTimeText | None = None
    place: UUID | None = None
    online_link: str = ""
    regions: list[str] = []
    projects: list[UUID] = []
    groups: list[UUID] = []
    topics: list[Id] = []
    summary: str = ""
    summary_cy: str = ""
    feedback: str = ""
    unlisted_attendees: int = Field(0, ge=0, le=2_147_483_647)
    recipients: int = Field(0, ge=0, le=2_147_483_647)
    impressions: int = Field(0, ge=0, le=2_147_483_647)
    is_public: bool = False
    team: UUID | None = None
    custom: dict[str, Any] = Field({}, description=CUSTOM_IN)


class ActivityPatch(Body):
    kind: str | None = None
    title: str | None = None
    title_cy: str | None = None
    starts_at: DateTimeText | None = None
    ends_at: DateTimeText | None = None
    place: UUID | None = None
    online_link: str | None = None
    regions: list[str] | None = None
    projects: list[UUID] | None = None
    groups: list[UUID] | None = None
    topics: list[Id] | None = None
    summary: str | None = None
    summary_cy: str | None = None
    feedback: str | None = None
    unlisted_attendees: int | None = Field(None, ge=0, le=2_147_483_647)
    recipients: int | None = Field(None, ge=0, le=2_147_483_647)
    impressions: int | None = Field(None, ge=0, le=2_147_483_647)
    is_public: bool | None = None
    team: UUID | None = None
    custom: dict[str, Any] | None = Field(None, description=CUSTOM_PATCH)


class AttendanceOut(Schema):
    person: Named
    invitation: str
    attended: bool


class AttendancePage(Page):
    results: list[AttendanceOut]


class AttendanceIn(Body):
    invitation: str = Field("not_invited", description="not_invited, invited, accepted or declined")
    attended: bool = False


def _activities() -> QuerySet[Activity]:
    return Activity.objects.select_related("place", "organiser", "team").prefetch_related(
        "regions", "projects", "groups", "topics"
    )


def _activity_out(
    activity: Activity, defs: list[CustomField] | None = None, seen: set[int] | None = None
) -> dict[str, Any]:
    """``seen``: the projects the token may see (the others are not named); all when None."""
    return {
        "code": activity.code,
        "kind": activity.kind,
        "title": activity.title,
        "title_cy": activity.title_cy,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "place": {"code": activity.place.code, "name": activity.place.name} if activity.place else None,
        "online_link": activity.online_link,
        "regions": sorted(r.ons_code for r in activity.regions.all()),
        "projects": [
            {"code": p.code, "name": p.name} for p in activity.projects.all() if seen is None or p.pk in seen
        ],
        "groups": [{"code": g.code, "name": g.name} for g in activity.groups.all()],
        "topics": sorted(t.pk for t in activity.topics.all()),
        "organiser": activity.organiser.email if activity.organiser else None,
        "summary": activity.summary,
        "summary_cy": activity.summary_cy,
        "feedback": activity.feedback,
        "unlisted_attendees": activity.unlisted_attendees,
        "recipients": activity.recipients,
        "impressions": activity.impressions,
        "is_public": activity.is_public,
        "team": activity.team.code if activity.team else None,
        "custom": visible_values(definitions("activity") if defs is None else defs, activity.custom),
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
    }


def _activity_form(request: HttpRequest, values: dict[str, Any], activity: Activity | None) -> ActivityForm:
    token = token_of(request)
    custom = custom_form_data(
        request, "activity", values.pop("custom", None), activity.custom if activity else None
    )
    data = as_form_data(values)
    data.update(custom)
    data["starts_at"] = local_text(values.get("starts_at"), "starts_at")
    data["ends_at"] = local_text(values.get("ends_at"), "ends_at")
    if not values.get("is_public"):
        data.pop("is_public", None)  # an unticked box is not sent
    initial = {"projects": list(activity.projects.all())} if activity else None
    form = ActivityForm(
        data=data, initial=initial, user=acting(request), custom=activity.custom if activity else None
    )
    fields: Any = form.fields
    fields["projects"].queryset = token_visible(token, Project.objects.order_by("name"))
    fields["team"].queryset = token_teams(token)
    for name in ("projects", "groups", "team", "place"):
        fields[name].to_field_name = "code"
    fields["regions"].to_field_name = "ons_code"
    fields["place"].queryset = Place.objects.all()
    return form


def _seen(request: HttpRequest, activity: Activity) -> set[int]:
    return projects_seen(request, [p.pk for p in activity.projects.all()])


@router.get("/activities", response={200: ActivitiesPage, **ERRORS}, summary="List activities")
def activities_list(
    request: HttpRequest,
    kind: str | None = None,
    project: UUID | None = None,
    starts_from: DateTimeText | None = None,
    starts_before: DateTimeText | None = None,
    changed_since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.ACTIVITIES)
    no_nul(kind, "kind")
    no_nul(cursor, "cursor")
    one_of(kind, ActivityType.values, "kind")
    activities = token_visible(token, _activities())
    if kind:
        activities = activities.filter(kind=kind)
    if project:
        activities = activities.filter(projects__code=project)
    if start := when(starts_from, "starts_from"):
        activities = activities.filter(starts_at__gte=start)
    if end := when(starts_before, "starts_before"):
        activities = activities.filter(starts_at__lt=end)
    if since := when(changed_since, "changed_since"):
        activities = activities.filter(updated_at__gte=since)
    rows, after = paged(activities.distinct(), cursor, limit)
    audit_call(request, object_type="engagement.activity", detail={"shown": len(rows)})
    defs = definitions("activity", acting(request))
    seen = projects_seen(request, [p.pk for a in rows for p in a.projects.all()])
    return {"results": [_activity_out(a, defs, seen) for a in rows], "next": after}


@router.get("/activities/{code}", response={200: ActivityOut, **ERRORS}, summary="Read an activity")
def activity_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.ACTIVITIES)
    activity = one(request, _activities(), code=code)
    audit_call(request, obj=activity)
    return _activity_out(activity, definitions("activity", acting(request)), _seen(request, activity))


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="Add an activity")
def activity_create(request: HttpRequest, body: ActivityIn) -> Status[dict[str, Any]]:
    need(request, Area.ACTIVITIES, Level.WRITE)
    regions_ensure()
    values = body.model_dump()
    check_texts(values)
    form = _activity_form(request, values, None)
    if not form.is_valid():
        raise form_errors(form, custom_error_names("activity"))
    activity = services.activity_save(
        actor=acting(request), request=request, activity=None, **form.cleaned_data
    )
    activity = _activities().get(pk=activity.pk)
    audit_call(request, obj=activity)
    return Status(
        201, _activity_out(activity, definitions("activity", acting(request)), _seen(request, activity))
    )


@router.patch("/activities/{code}", response={200: ActivityOut, **ERRORS}, summary="Change an activity")
def activity_update(request: HttpRequest, code: UUID, body: ActivityPatch) -> dict[str, Any]:
    need(request, Area.ACTIVITIES, Level.WRITE)
    regions_ensure()
    activity = one(request, _activities(), code=code)
    current = _activity_out(activity, definitions("activity", acting(request)), _seen(request, activity))
    changes = body.model_dump(exclude_unset=True)
    check_texts(changes)
    values = {key: current[key] for key in ActivityPatch.model_fields if key != "custom"}
    values["place"] = activity.place.code if activity.place else None
    for name in ("projects", "groups"):
        values[name] = [item["code"] for item in current[name]]
    values["starts_at"] = activity.starts_at.isoformat()
    values["ends_at"] = activity.ends_at.isoformat() if activity.ends_at else None
    values.update(changes)
    form = _activity_form(request, values, activity)
    if not form.is_valid():
        raise form_errors(form, custom_error_names("activity"))
    services.activity_save(actor=acting(request), request=request, activity=activity, **form.cleaned_data)
    activity = _activities().get(pk=activity.pk)
    audit_call(request, obj=activity)
    return _activity_out(activity, definitions("activity", acting(request)), _seen(request, activity))


@router.get(
    "/activities/{code}/attendance",
    response={200: AttendancePage, **ERRORS},
    summary="Who was invited and who came",
    description="Needs people:read as well as activities:read: it names people.",
)
def attendance_list(
    request: HttpRequest, code: UUID, cursor: str | None = None, limit: Limit = 50
) -> dict[str, Any]:
    token = need(request, Area.ACTIVITIES)
    need(request, Area.PEOPLE)
    no_nul(cursor, "cursor")
    activity = one(request, Activity.objects.all(), code=code)
    people = token_visible(token, Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True))
    rows, after = paged(
        Attendance.objects.filter(activity=activity, person__in=people).select_related("person"),
        cursor,
        limit,
    )
    audit_listed(
        request,
        [row.person for row in rows],
        object_type="directory.person",
        object_repr=f"API attendance of {activity.title}",
        detail={"activity": str(activity.code)},
    )
    return {
        "results": [
            {
                "person": {"code": a.person.code, "name": a.person.full_name},
                "invitation": a.invitation,
                "attended": a.attended,
            }
            for a in rows
        ],
        "next": after,
    }


@router.put(
    "/activities/{code}/attendance/{person}",
    response={200: AttendanceOut, **ERRORS},
    summary="Add a person to an activity's list, or change whether they came",
    description="Needs activities:write and people:read.",
)
def attendance_put(request: HttpRequest, code: UUID, person: UUID, body: AttendanceIn) -> dict[str, Any]:
    token = need(request, Area.ACTIVITIES, Level.WRITE)
    need(request, Area.PEOPLE)
    activity = one(request, Activity.objects.all(), code=code)
    found = (
        token_visible(token, Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True))
        .filter(code=person)
        .first()
    )
    if found is None:
        raise ApiError(404, {"person": [_("There is no person with that code that this token may see.")]})
    no_nul(body.invitation, "invitation")
    form = AttendeeForm(
        data={
            "person": str(found.code),
            "invitation": body.invitation,
            **({"attended": "on"} if body.attended else {}),
        }
    )
    if not form.is_valid():
        raise form_errors(form)
    attendance = services.attendance_set(
        actor=acting(request),
        request=request,
        activity=activity,
        person=found,
        invitation=form.cleaned_data["invitation"],
        attended=form.cleaned_data["attended"],
    )
    audit_call(request, obj=found, detail={"activity": str(activity.code)})
    return {
        "person": {"code": found.code, "name": found.full_name},
        "invitation": attendance.invitation,
        "attended": attendance.attended,
    }
