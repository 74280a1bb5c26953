"""Commitments: recommendations, plan actions and "you said, we did" promises, tracked to
done. Written through the staff page's form and services, so the same checks and messages
apply, and a change of status is kept in the commitment's history as on the page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from chorus.accounts.models import User
from chorus.api.base import (
    ERRORS,
    ApiError,
    Body,
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
    one_of,
    paged,
    token_of,
)
from chorus.api.models import Area, Level
from chorus.api.services import token_teams, token_visible
from chorus.engagement import services
from chorus.engagement.forms import CommitmentForm, CommitmentUpdateForm
from chorus.engagement.models import Activity, Commitment, ImpactRecord, Project

router = Router(tags=["commitments"])


class CommitmentUpdateOut(Schema):
    on: date
    status: str
    note: str


class CommitmentOut(Schema):
    code: UUID
    kind: str = Field(description="recommendation, action or promise")
    title: str
    title_cy: str
    description: str
    description_cy: str
    source_body: str
    source: str
    source_date: date | None
    reference: str
    owner: str | None = Field(description="The owner's email address")
    team: UUID | None
    due_on: date | None
    status: str = Field(description="not_started, on_track, at_risk, late, done or not_doing")
    status_reason: str
    overdue: bool
    project: UUID | None
    impact_record: UUID | None
    activities: list[UUID]
    consultations: list[UUID]
    is_published: bool
    updates: list[CommitmentUpdateOut]
    created_at: datetime
    updated_at: datetime


class CommitmentsPage(Page):
    results: list[CommitmentOut]


class CommitmentIn(Body):
    kind: str = Field(description="recommendation, action or promise")
    title: str = Field(description="What was committed to (300 characters at most)")
    title_cy: str = ""
    description: str = ""
    description_cy: str = ""
    source_body: str = Field("", description="Who made it, or who it was made to")
    source: str = Field("", description="The source document")
    source_date: date | None = Field(None, description="YYYY-MM-DD")
    reference: str = Field("", description="Its number in the source, like R3")
    owner: str | None = Field(None, description="The email address of a staff account")
    team: UUID | None = None
    due_on: date | None = Field(None, description="YYYY-MM-DD")
    status: str = Field("not_started", description="not_started, on_track, at_risk, late, done or not_doing")
    status_reason: str = Field("", description="Why it will not be done: needed for not_doing")
    project: UUID | None = None
    impact_record: UUID | None = None
    activities: list[UUID] = Field([], description="Evidence: activities' codes")
    consultations: list[UUID] = Field([], description="Evidence: consultations' codes")


class CommitmentPatch(Body):
    """Only the fields sent change."""

    kind: str | None = None
    title: str | None = None
    title_cy: str | None = None
    description: str | None = None
    description_cy: str | None = None
    source_body: str | None = None
    source: str | None = None
    source_date: date | None = None
    reference: str | None = None
    owner: str | None = None
    team: UUID | None = None
    due_on: date | None = None
    status: str | None = None
    status_reason: str | None = None
    project: UUID | None = None
    impact_record: UUID | None = None
    activities: list[UUID] | None = None
    consultations: list[UUID] | None = None


class ProgressIn(Body):
    status: str = Field(..., description="not_started, on_track, at_risk, late, done or not_doing")
    note: str = Field(..., description="What has happened; for not_doing, why it will not be done")
    on: date | None = Field(None, description="When (YYYY-MM-DD); today if left out")


def _commitments() -> Any:
    return Commitment.objects.select_related("owner", "team", "project", "impact_record").prefetch_related(
        "activities", "consultations", "updates"
    )


def _out(commitment: Commitment) -> dict[str, Any]:
    return {
        "code": commitment.code,
        "kind": commitment.kind,
        "title": commitment.title,
        "title_cy": commitment.title_cy,
        "description": commitment.description,
        "description_cy": commitment.description_cy,
        "source_body": commitment.source_body,
        "source": commitment.source,
        "source_date": commitment.source_date,
        "reference": commitment.reference,
        "owner": commitment.owner.email if commitment.owner else None,
        "team": commitment.team.code if commitment.team else None,
        "due_on": commitment.due_on,
        "status": commitment.status,
        "status_reason": commitment.status_reason,
        "overdue": commitment.is_overdue,
        "project": commitment.project.code if commitment.project else None,
        "impact_record": commitment.impact_record.code if commitment.impact_record else None,
        "activities": sorted(a.code for a in commitment.activities.all()),
        "consultations": sorted(c.code for c in commitment.consultations.all()),
        "is_published": commitment.is_published,
        "updates": [
            {"on": u.on, "status": u.status, "note": u.note}
            for u in sorted(commitment.updates.all(), key=lambda u: (u.on, u.pk))
        ],
        "created_at": commitment.created_at,
        "updated_at": commitment.updated_at,
    }


def _date_boxes(data: dict[str, Any], name: str, value: date | None) -> None:
    """A date as the GOV.UK date input posts it: day, month and year boxes."""
    data.pop(name, None)
    if value is not None:
        data[f"{name}_day"], data[f"{name}_month"], data[f"{name}_year"] = value.day, value.month, value.year


def _form(request: HttpRequest, values: dict[str, Any], commitment: Commitment | None) -> CommitmentForm:
    token = token_of(request)
    data = as_form_data({k: v for k, v in values.items() if k not in ("source_date", "due_on")})
    for name in ("source_date", "due_on"):
        _date_boxes(data, name, values.get(name))
    if values.get("owner"):
        owner = User.objects.filter(email__iexact=str(values["owner"]).strip(), is_active=True).first()
        if owner is None:
            raise ApiError(400, {"owner": ["There is no active staff account with that email address."]})
        data["owner"] = str(owner.pk)
    form = CommitmentForm(data=data, user=acting(request), commitment=commitment)
    fields: Any = form.fields
    fields["team"].queryset = token_teams(token)
    fields["project"].queryset = token_visible(token, Project.objects.all())
    fields["impact_record"].queryset = token_visible(token, ImpactRecord.objects.all())
    # Any activity or consultation the token may see, not only the page's latest thirty.
    fields["activities"].queryset = token_visible(token, Activity.objects.all())
    fields["consultations"].queryset = token_visible(
        token, fields["consultations"].queryset.model.objects.all()
    )
    for name in ("team", "project", "impact_record", "activities", "consultations"):
        fields[name].to_field_name = "code"
    return form


def _save(request: HttpRequest, form: CommitmentForm, commitment: Commitment | None) -> Commitment:
    saved = services.commitment_save(
        actor=acting(request), request=request, commitment=commitment, **form.cleaned_data
    )
    found: Commitment = _commitments().get(pk=saved.pk)
    audit_call(request, obj=found)
    return found


@router.get("/commitments", response={200: CommitmentsPage, **ERRORS}, summary="List commitments")
def commitments_list(
    request: HttpRequest,
    status: str | None = None,
    kind: str | None = None,
    project: UUID | None = None,
    owner: str | None = None,
    overdue: bool | None = None,
    due_before: date | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.COMMITMENTS)
    for name, value in (("status", status), ("kind", kind), ("owner", owner), ("cursor", cursor)):
        no_nul(value, name)
    one_of(status, Commitment.Status.values, "status")
    one_of(kind, Commitment.Kind.values, "kind")
    commitments = token_visible(token, _commitments())
    if status:
        commitments = commitments.filter(status=status)
    if kind:
        commitments = commitments.filter(kind=kind)
    if project:
        commitments = commitments.filter(project__code=project)
    if owner:
        commitments = commitments.filter(owner__email__iexact=owner.strip())
    if overdue is not None:
        late = Commitment.objects.overdue().values("pk")
        commitments = commitments.filter(pk__in=late) if overdue else commitments.exclude(pk__in=late)
    if due_before:
        commitments = commitments.filter(due_on__lt=due_before)
    rows, after = paged(commitments, cursor, limit)
    audit_call(request, object_type="engagement.commitment", detail={"shown": len(rows)})
    return {"results": [_out(c) for c in rows], "next": after}


@router.get("/commitments/{code}", response={200: CommitmentOut, **ERRORS}, summary="Read a commitment")
def commitment_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.COMMITMENTS)
    commitment = one(request, _commitments(), code=code)
    audit_call(request, obj=commitment)
    return _out(commitment)


@router.post("/commitments", response={201: CommitmentOut, **ERRORS}, summary="Add a commitment")
def commitment_create(request: HttpRequest, body: CommitmentIn) -> Status[dict[str, Any]]:
    need(request, Area.COMMITMENTS, Level.WRITE)
    values = body.model_dump()
    check_texts(values)
    form = _form(request, values, None)
    if not form.is_valid():
        raise form_errors(form)
    return Status(201, _out(_save(request, form, None)))


@router.patch(
    "/commitments/{code}",
    response={200: CommitmentOut, **ERRORS},
    summary="Change a commitment",
    description="Only the fields sent change. A change of status is kept in its updates, as on the page.",
)
def commitment_change(request: HttpRequest, code: UUID, body: CommitmentPatch) -> dict[str, Any]:
    need(request, Area.COMMITMENTS, Level.WRITE)
    commitment = one(request, _commitments(), code=code)
    changes = body.model_dump(exclude_unset=True)
    check_texts(changes)
    current = _out(commitment)
    values = {name: current[name] for name in CommitmentPatch.model_fields}
    values.update(changes)
    form = _form(request, values, commitment)
    if not form.is_valid():
        raise form_errors(form)
    return _out(_save(request, form, commitment))


@router.post(
    "/commitments/{code}/updates",
    response={201: CommitmentOut, **ERRORS},
    summary="Record progress on a commitment",
    description="As the page's update: it moves the status unless a later-dated update says otherwise.",
)
def commitment_progress(request: HttpRequest, code: UUID, body: ProgressIn) -> Status[dict[str, Any]]:
    need(request, Area.COMMITMENTS, Level.WRITE)
    commitment = one(request, _commitments(), code=code)
    values = body.model_dump()
    check_texts(values)
    on = values.pop("on") or timezone.localdate()
    data = as_form_data(values)
    _date_boxes(data, "on", on)
    form = CommitmentUpdateForm(data=data)
    if not form.is_valid():
        raise form_errors(form)
    services.commitment_update_add(
        actor=acting(request), request=request, commitment=commitment, **form.cleaned_data
    )
    found: Commitment = _commitments().get(pk=commitment.pk)
    audit_call(request, obj=found)
    return Status(201, _out(found))
