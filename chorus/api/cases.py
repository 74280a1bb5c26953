"""Enquiries, complaints, compliments and suggestions: read, as their staff pages show them,
with the fields administrators added. Each person's case read through the API is audited
against the case, as a page view is. Cases are changed in Chorus, where replies are sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from chorus.api.base import (
    ERRORS,
    DateTimeText,
    Limit,
    Page,
    acting,
    audit_call,
    audit_listed,
    need,
    no_nul,
    one,
    one_of,
    paged,
    token_of,
    when,
)
from chorus.api.models import Area
from chorus.api.services import token_visible
from chorus.cases.models import Case, Kind, Status
from chorus.core.custom_fields import definitions, visible_values
from chorus.core.models import CustomField
from chorus.directory.models import Person

router = Router(tags=["cases"])


class CaseOut(Schema):
    code: UUID
    reference: str | None
    kind: str = Field(description="enquiry, complaint, compliment or suggestion")
    stage: str = Field(description="A complaint's stage: first_response, review or ombudsman")
    status: str = Field(description="open or closed")
    outcome: str = Field(description="A closed complaint's outcome: upheld, partly_upheld or not_upheld")
    service: str
    category: str | None
    place: UUID | None
    channel: str
    person: UUID | None = Field(description="The directory person it is from, where matched")
    name: str
    email: str
    phone: str
    description: str
    language: str
    team: UUID | None
    assignee: str | None = Field(description="The assigned officer's email address")
    received_on: date
    due_on: date
    overdue: bool
    closed_at: datetime | None
    custom: dict[str, Any] = Field(description="Values of the fields administrators added, by key")
    created_at: datetime
    updated_at: datetime


class CasesPage(Page):
    results: list[CaseOut]


def _cases() -> Any:
    return Case.objects.select_related("category", "place", "person", "team", "assignee")


def _out(case: Case, defs: list[CustomField], today: date, people: set[int]) -> dict[str, Any]:
    return {
        "code": case.code,
        "reference": case.reference,
        "kind": case.kind,
        "stage": case.stage,
        "status": case.status,
        "outcome": case.outcome,
        "service": case.service,
        "category": case.category.name_en if case.category else None,
        "place": case.place.code if case.place else None,
        "channel": case.channel,
        "person": case.person.code if case.person and case.person_id in people else None,
        "name": case.name,
        "email": case.email,
        "phone": case.phone,
        "description": case.description,
        "language": case.language,
        "team": case.team.code if case.team else None,
        "assignee": case.assignee.email if case.assignee else None,
        "received_on": case.received_on,
        "due_on": case.due_on,
        "overdue": case.is_open and case.due_on < today,
        "closed_at": case.closed_at,
        "custom": visible_values(defs, case.custom),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


@router.get("/cases", response={200: CasesPage, **ERRORS}, summary="List cases")
def cases_list(
    request: HttpRequest,
    kind: str | None = None,
    status: str | None = None,
    service: str | None = None,
    received_from: date | None = None,
    received_before: date | None = None,
    changed_since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.CASES)
    for name, value in (("kind", kind), ("status", status), ("service", service), ("cursor", cursor)):
        no_nul(value, name)
    one_of(kind, Kind.values, "kind")
    one_of(status, Status.values, "status")
    cases = token_visible(token, _cases())
    if kind:
        cases = cases.filter(kind=kind)
    if status:
        cases = cases.filter(status=status)
    if service:
        cases = cases.filter(service__iexact=service.strip())
    if received_from:
        cases = cases.filter(received_on__gte=received_from)
    if received_before:
        cases = cases.filter(received_on__lt=received_before)
    if since := when(changed_since, "changed_since"):
        cases = cases.filter(updated_at__gte=since)
    rows, after = paged(cases, cursor, limit)
    audit_listed(request, rows, object_type="cases.case", object_repr="API list of cases")
    defs, today = definitions("case", acting(request)), timezone.localdate()
    people = _people_seen(request, [c.person_id for c in rows if c.person_id])
    return {"results": [_out(c, defs, today, people) for c in rows], "next": after}


@router.get("/cases/{code}", response={200: CaseOut, **ERRORS}, summary="Read a case")
def case_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.CASES)
    case = one(request, _cases(), code=code)
    audit_call(request, obj=case)
    people = _people_seen(request, [case.person_id] if case.person_id else [])
    return _out(case, definitions("case", acting(request)), timezone.localdate(), people)


def _people_seen(request: HttpRequest, ids: list[int]) -> set[int]:
    """Of the directory people ``ids``, those the token may see (a case of no team may be
    from a person kept to a team): the others are not named by their code."""
    if not ids:
        return set()
    found = token_visible(token_of(request), Person.objects.filter(pk__in=ids, erased_at__isnull=True))
    return set(found.values_list("pk", flat=True))
