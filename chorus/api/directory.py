"""People and organisations: list, read, create and change, with the staff forms' checks;
consents, group and organisation memberships; reasonable adjustments with their own scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
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
    need,
    no_nul,
    one,
    paged,
    region_code,
    token_of,
    when,
)
from chorus.api.models import Area, Level
from chorus.api.services import token_teams, token_visible
from chorus.core.audit import audit_record
from chorus.core.custom_fields import definitions, visible_values
from chorus.core.models import AuditAction, CustomField
from chorus.directory import services
from chorus.directory.adjustments import adjustments_audit_view, needs_of, record_of
from chorus.directory.forms import ConsentForm, GroupMembershipForm, OrganisationForm, PersonForm
from chorus.directory.models import Organisation, Person, StakeholderGroup
from chorus.directory.reference import regions_ensure
from chorus.directory.services import PersonData

router = Router(tags=["people and organisations"])


# Schemas


class MembershipOut(Schema):
    organisation: Named
    role: str
    start: date | None
    end: date | None


class GroupOut(Schema):
    group: Named
    start: date | None
    end: date | None


class ConsentOut(Schema):
    purpose: str
    lawful_basis: str
    given_on: date
    source: str
    withdrawn_on: date | None


class PersonOut(Schema):
    code: UUID
    title: str
    first_name: str
    last_name: str
    other_names: list[str]
    job_title: str
    emails: list[str]
    phones: list[str]
    region: str | None = Field(description="The region's ONS code")
    postcode: str
    preferred_language: str
    communication_needs: str
    topics: list[int]
    owner: str | None = Field(description="The email address of the member of staff who looks after them")
    team: UUID | None = Field(description="The team the record is restricted to")
    external_id: str
    organisations: list[MembershipOut]
    groups: list[GroupOut]
    consents: list[ConsentOut]
    custom: dict[str, Any] = Field(description="Values of the fields administrators added, by key")
    created_at: datetime
    updated_at: datetime


class PeoplePage(Page):
    results: list[PersonOut]


class PersonIn(Body):
    """A person, as the staff form takes one. Lists replace what the record had."""

    last_name: str
    title: str = ""
    first_name: str = ""
    other_names: list[str] = []
    job_title: str = ""
    organisation: UUID | None = Field(None, description="Code of an organisation, for a new person")
    organisation_role: str = ""
    emails: list[str] = Field([], description="The first is the main one")
    phones: list[str] = []
    region: str | None = Field(None, description="ONS code of a region")
    postcode: str = ""
    preferred_language: str = Field("en", description="en or cy")
    communication_needs: str = ""
    topics: list[Id] = []
    groups: list[UUID] = Field([], description="Codes of stakeholder groups")
    owner: str | None = Field(None, description="Email address of a member of staff")
    team: UUID | None = Field(None, description="Code of a team to restrict the record to")
    external_id: str = Field("", max_length=100)
    custom: dict[str, Any] = Field({}, description=CUSTOM_IN)


class PersonPatch(Body):
    """Only the fields sent are changed."""

    last_name: str | None = None
    title: str | None = None
    first_name: str | None = None
    other_names: list[str] | None = None
    job_title: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    region: str | None = None
    postcode: str | None = None
    preferred_language: str | None = None
    communication_needs: str | None = None
    topics: list[Id] | None = None
    groups: list[UUID] | None = None
    owner: str | None = None
    team: UUID | None = None
    external_id: str | None = Field(None, max_length=100)
    custom: dict[str, Any] | None = Field(None, description=CUSTOM_PATCH)


class OrganisationOut(Schema):
    code: UUID
    name: str
    other_names: list[str]
    kind: str
    sector: str
    website: str
    parent: UUID | None
    regions: list[str]
    topics: list[int]
    groups: list[Named]
    team: UUID | None
    external_id: str
    custom: dict[str, Any] = Field(description="Values of the fields administrators added, by key")
    created_at: datetime
    updated_at: datetime


class OrganisationsPage(Page):
    results: list[OrganisationOut]


class OrganisationIn(Body):
    name: str
    other_names: list[str] = []
    kind: str = "other"
    sector: str = ""
    website: str = ""
    parent: UUID | None = None
    regions: list[str] = Field([], description="ONS codes of regions")
    topics: list[Id] = []
    groups: list[UUID] = []
    custom: dict[str, Any] = Field({}, description=CUSTOM_IN)


class OrganisationPatch(Body):
    name: str | None = None
    other_names: list[str] | None = None
    kind: str | None = None
    sector: str | None = None
    website: str | None = None
    parent: UUID | None = None
    regions: list[str] | None = None
    topics: list[Id] | None = None
    groups: list[UUID] | None = None
    custom: dict[str, Any] | None = Field(None, description=CUSTOM_PATCH)


class ConsentIn(Body):
    purpose: str
    lawful_basis: str
    given_on: str = Field(description="A date, like 2026-03-27")
    source: str


class GroupMembershipIn(Body):
    group: UUID
    start: str | None = Field(None, description="A date, like 2026-03-27")
    end: str | None = Field(None, description="A date, like 2026-03-27")


class MembershipIn(Body):
    organisation: UUID
    role: str = ""


class NeedOut(Schema):
    category: str
    label: str
    details: str


class AdjustmentsOut(Schema):
    needs: list[NeedOut]
    share_event_team: bool
    share_venue: bool
    share_other_services: bool
    review_on: date | None


# Turning records into answers


def _person_out(person: Person, defs: list[CustomField] | None = None) -> dict[str, Any]:
    contacts = list(person.contacts.all())
    return {
        "code": person.code,
        "title": person.title,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "other_names": person.other_name_list(),
        "job_title": person.job_title,
        "emails": [c.value for c in contacts if c.kind == "email"],
        "phones": [c.value for c in contacts if c.kind == "phone"],
        "region": person.region.ons_code if person.region else None,
        "postcode": person.postcode,
        "preferred_language": person.preferred_language,
        "communication_needs": person.communication_needs,
        "topics": sorted(t.pk for t in person.topics.all()),
        "owner": person.owner.email if person.owner else None,
        "team": person.team.code if person.team else None,
        "external_id": person.external_id,
        "organisations": [
            {
                "organisation": {"code": m.organisation.code, "name": m.organisation.name},
                "role": m.role,
                "start": m.start,
                "end": m.end,
            }
            for m in person.memberships.all()
        ],
        "groups": [
            {"group": {"code": g.group.code, "name": g.group.name}, "start": g.start, "end": g.end}
            for g in person.group_memberships.all()
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "lawful_basis": c.lawful_basis,
                "given_on": c.given_on,
                "source": c.source,
                "withdrawn_on": c.withdrawn_on,
            }
            for c in person.consents.all()
        ],
        "custom": visible_values(definitions("person") if defs is None else defs, person.custom),
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


def _people() -> QuerySet[Person]:
    return (
        Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
        .select_related("region", "owner", "team")
        .prefetch_related(
            "contacts",
            "topics",
            "memberships__organisation",
            "group_memberships__group",
            "consents",
        )
    )


def _organisation_out(organisation: Organisation, defs: list[CustomField] | None = None) -> dict[str, Any]:
    return {
        "code": organisation.code,
        "name": organisation.name,
        "other_names": organisation.other_name_list(),
        "kind": organisation.kind,
        "sector": organisation.sector,
        "website": organisation.website,
        "parent": organisation.parent.code if organisation.parent else None,
        "regions": sorted(r.ons_code for r in organisation.regions.all()),
        "topics": sorted(t.pk for t in organisation.topics.all()),
        "groups": [{"code": g.code, "name": g.name} for g in organisation.groups.all()],
        "team": organisation.team.code if organisation.team else None,
        "external_id": organisation.external_id,
        "custom": visible_values(definitions("organisation") if defs is None else defs, organisation.custom),
        "created_at": organisation.created_at,
        "updated_at": organisation.updated_at,
    }


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent", "team").prefetch_related(
        "regions", "topics", "groups"
    )


# Forms: the staff forms, choosing related records by the codes the API uses


def _person_form(
    request: HttpRequest, data: dict[str, Any], custom: dict[str, Any] | None = None
) -> PersonForm:
    token = token_of(request)
    text = {
        **data,
        "other_names": "\n".join(data.get("other_names") or []),
        "emails": "\n".join(data.get("emails") or []),
        "phones": "\n".join(data.get("phones") or []),
    }
    form = PersonForm(
        data={k: v for k, v in text.items() if v is not None}, user=acting(request), custom=custom
    )
    fields = form.fields
    fields["organisation"].queryset = token_visible(token, Organisation.objects.all())  # type: ignore[attr-defined]
    fields["organisation"].to_field_name = "code"  # type: ignore[attr-defined]
    fields["team"].queryset = token_teams(token)  # type: ignore[attr-defined]
    fields["team"].to_field_name = "code"  # type: ignore[attr-defined]
    fields["groups"].to_field_name = "code"  # type: ignore[attr-defined]
    fields["region"].to_field_name = "ons_code"  # type: ignore[attr-defined]
    fields["owner"].to_field_name = "email"  # type: ignore[attr-defined]
    return form


def _person_data(form: PersonForm, external_id: str) -> PersonData:
    cleaned = {k: v for k, v in form.cleaned_data.items() if k != "groups"}
    return PersonData(**cleaned, groups=list(form.cleaned_data["groups"]), external_id=external_id)


# People


@router.get("/people", response={200: PeoplePage, **ERRORS}, summary="List people")
def people_list(
    request: HttpRequest,
    group: UUID | None = None,
    organisation: UUID | None = None,
    region: str | None = None,
    topic: Id | None = None,
    email: str | None = None,
    external_id: str | None = None,
    changed_since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.PEOPLE)
    for name, value in (
        ("region", region),
        ("email", email),
        ("external_id", external_id),
        ("cursor", cursor),
    ):
        no_nul(value, name)
    people = token_visible(token, _people())
    if group:
        people = people.filter(group_memberships__group__code=group)
    if organisation:
        people = people.filter(memberships__organisation__code=organisation)
    if region_code(region):
        people = people.filter(region__ons_code=region)
    if topic is not None:
        people = people.filter(topics__pk=topic)
    if email:
        people = people.filter(contacts__kind="email", contacts__normalised=email.strip().lower())
    if external_id:
        people = people.filter(external_id=external_id)
    if since := when(changed_since, "changed_since"):
        people = people.filter(updated_at__gte=since)
    rows, after = paged(people.distinct(), cursor, limit)
    audit_listed(request, rows, object_type="directory.person", object_repr="API list of people")
    defs = definitions("person", acting(request))
    return {"results": [_person_out(p, defs) for p in rows], "next": after}


@router.get("/people/{code}", response={200: PersonOut, **ERRORS}, summary="Read a person")
def person_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.PEOPLE)
    person = one(request, _people(), code=code)
    audit_call(request, obj=person)
    return _person_out(person, definitions("person", acting(request)))


@router.post("/people", response={201: PersonOut, **ERRORS}, summary="Add a person")
def person_create(request: HttpRequest, body: PersonIn) -> Status[dict[str, Any]]:
    need(request, Area.PEOPLE, Level.WRITE)
    regions_ensure()
    values = body.model_dump()
    check_texts(values)
    custom = custom_form_data(request, "person", values.pop("custom"))
    form = _person_form(
        request, {**as_form_data({k: v for k, v in values.items() if k != "external_id"}), **custom}
    )
    if not form.is_valid():
        raise form_errors(form, custom_error_names("person"))
    person = services.person_create(
        actor=acting(request), data=_person_data(form, body.external_id), request=request, source="API"
    )
    person = _people().get(pk=person.pk)
    audit_call(request, obj=person)
    return Status(201, _person_out(person, definitions("person", acting(request))))


def _person_values(person: Person) -> dict[str, Any]:
    """The person as the API writes one, to lay a change over."""
    out = _person_out(person)  # its added fields are left out below
    return {
        **{k: out[k] for k in PersonPatch.model_fields if k not in ("groups", "custom")},
        "groups": [g["group"]["code"] for g in out["groups"]],
    }


@router.patch("/people/{code}", response={200: PersonOut, **ERRORS}, summary="Change a person")
def person_update(request: HttpRequest, code: UUID, body: PersonPatch) -> dict[str, Any]:
    need(request, Area.PEOPLE, Level.WRITE)
    regions_ensure()
    person = one(request, _people(), code=code)
    changes = body.model_dump(exclude_unset=True)
    check_texts(changes)
    custom = custom_form_data(request, "person", changes.pop("custom", None), person.custom)
    values = {**_person_values(person), **changes}
    external_id = values.pop("external_id") or ""
    form = _person_form(request, {**as_form_data(values), **custom}, person.custom)
    if not form.is_valid():
        raise form_errors(form, custom_error_names("person"))
    data = _person_data(form, external_id)
    # Memberships of organisations are changed through their own endpoint, as on the pages.
    services.person_update(actor=acting(request), person=person, data=data, request=request)
    if "groups" in changes:
        _groups_set(request, person, list(form.cleaned_data["groups"]))
    person = _people().get(pk=person.pk)
    audit_call(request, obj=person)
    return _person_out(person, definitions("person", acting(request)))


def _groups_set(request: HttpRequest, person: Person, groups: list[StakeholderGroup]) -> None:
    have = {m.group_id for m in person.group_memberships.all()}
    for group in groups:
        if group.pk not in have:
            services.group_membership_add(
                actor=acting(request), request=request, person=person, group=group, start=None, end=None
            )
    leaving = person.group_memberships.exclude(group__in=groups).select_related("group")
    left = sorted(m.group.name for m in leaving)
    if left:
        with transaction.atomic():
            leaving.delete()
            audit_record(
                actor=acting(request),
                action=AuditAction.CHANGE,
                obj=person,
                request=request,
                detail={"left": left},
            )


@router.post("/people/{code}/consents", response={201: PersonOut, **ERRORS}, summary="Record consent")
def person_consent(request: HttpRequest, code: UUID, body: ConsentIn) -> Status[dict[str, Any]]:
    need(request, Area.PEOPLE, Level.WRITE)
    person = one(request, _people(), code=code)
    values = body.model_dump()
    check_texts(values)
    form = ConsentForm(data=values)
    if not form.is_valid():
        raise form_errors(form)
    services.consent_record(actor=acting(request), request=request, person=person, **form.cleaned_data)
    person = _people().get(pk=person.pk)
    audit_call(request, obj=person)
    return Status(201, _person_out(person, definitions("person", acting(request))))


@router.post("/people/{code}/groups", response={201: PersonOut, **ERRORS}, summary="Add to a group")
def person_group_add(request: HttpRequest, code: UUID, body: GroupMembershipIn) -> Status[dict[str, Any]]:
    need(request, Area.PEOPLE, Level.WRITE)
    person = one(request, _people(), code=code)
    values = body.model_dump()
    check_texts(values)
    form = GroupMembershipForm(data=as_form_data(values))
    form.fields["group"].to_field_name = "code"  # type: ignore[attr-defined]
    if not form.is_valid():
        raise form_errors(form)
    services.group_membership_add(actor=acting(request), request=request, person=person, **form.cleaned_data)
    person = _people().get(pk=person.pk)
    audit_call(request, obj=person)
    return Status(201, _person_out(person, definitions("person", acting(request))))


@router.post(
    "/people/{code}/memberships", response={201: PersonOut, **ERRORS}, summary="Add to an organisation"
)
def person_membership_add(request: HttpRequest, code: UUID, body: MembershipIn) -> Status[dict[str, Any]]:
    token = need(request, Area.PEOPLE, Level.WRITE)
    person = one(request, _people(), code=code)
    no_nul(body.role, "role")
    organisation = token_visible(token, Organisation.objects.all()).filter(code=body.organisation).first()
    if organisation is None:
        raise ApiError(
            400, {"organisation": [_("There is no organisation with that code that this token may see.")]}
        )
    if len(body.role) > 150:
        raise ApiError(400, {"role": [_("Enter a role of at most 150 characters.")]})
    services.membership_add(
        actor=acting(request),
        person=person,
        organisation=organisation,
        role=body.role,
        start=None,
        request=request,
    )
    person = _people().get(pk=person.pk)
    audit_call(request, obj=person)
    return Status(201, _person_out(person, definitions("person", acting(request))))


@router.get(
    "/people/{code}/adjustments",
    response={200: AdjustmentsOut, **ERRORS},
    summary="Read a person's reasonable adjustments",
    description=(
        "Needs the scope adjustments:read as well as people:read. A system calling the API is "
        "another service of the organisation: it reads a person's adjustments only where they "
        "agreed to share them with other services, and gets a 404 otherwise."
    ),
)
def person_adjustments(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.PEOPLE)
    need(request, Area.ADJUSTMENTS)
    person = one(request, _people(), code=code)
    record = record_of(person)
    if record is None or not record.share_other_services:
        # Not told apart: whether someone has adjustments they chose not to share is theirs.
        raise ApiError(
            404,
            {
                "record": [
                    _(
                        "No reasonable adjustments that this person agreed to share with other "
                        "services are recorded."
                    )
                ]
            },
        )
    adjustments_audit_view(person=person, actor=acting(request), request=request)
    audit_call(request, obj=person, detail={"adjustments": True})
    return {
        "needs": [{"category": n.category, "label": n.label, "details": n.details} for n in needs_of(record)],
        "share_event_team": record.share_event_team,
        "share_venue": record.share_venue,
        "share_other_services": record.share_other_services,
        "review_on": record.review_on,
    }


# Organisations


@router.get("/organisations", response={200: OrganisationsPage, **ERRORS}, summary="List organisations")
def organisations_list(
    request: HttpRequest,
    kind: str | None = None,
    group: UUID | None = None,
    region: str | None = None,
    topic: Id | None = None,
    external_id: str | None = None,
    changed_since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    token = need(request, Area.ORGANISATIONS)
    for name, value in (("kind", kind), ("region", region), ("external_id", external_id), ("cursor", cursor)):
        no_nul(value, name)
    organisations = token_visible(token, _organisations())
    if kind:
        organisations = organisations.filter(kind=kind)
    if group:
        organisations = organisations.filter(groups__code=group)
    if region_code(region):
        organisations = organisations.filter(regions__ons_code=region)
    if topic is not None:
        organisations = organisations.filter(topics__pk=topic)
    if external_id:
        organisations = organisations.filter(external_id=external_id)
    if since := when(changed_since, "changed_since"):
        organisations = organisations.filter(updated_at__gte=since)
    rows, after = paged(organisations.distinct(), cursor, limit)
    audit_call(request, object_type="directory.organisation", detail={"shown": len(rows)})
    defs = definitions("organisation", acting(request))
    return {"results": [_organisation_out(o, defs) for o in rows], "next": after}


@router.get(
    "/organisations/{code}", response={200: OrganisationOut, **ERRORS}, summary="Read an organisation"
)
def organisation_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.ORGANISATIONS)
    organisation = one(request, _organisations(), code=code)
    audit_call(request, obj=organisation)
    return _organisation_out(organisation, definitions("organisation", acting(request)))


def _organisation_form(
    request: HttpRequest, values: dict[str, Any], instance: Organisation | None
) -> OrganisationForm:
    token = token_of(request)
    custom = custom_form_data(
        request, "organisation", values.pop("custom", None), instance.custom if instance else None
    )
    data = {**values, "other_names": "\n".join(values.get("other_names") or [])}
    form = OrganisationForm(data={**as_form_data(data), **custom}, user=acting(request), instance=instance)
    parents = token_visible(token, Organisation.objects.all())
    if instance is not None:
        parents = parents.exclude(pk=instance.pk)
    form.fields["parent"].queryset = parents  # type: ignore[attr-defined]
    form.fields["parent"].to_field_name = "code"  # type: ignore[attr-defined]
    form.fields["regions"].to_field_name = "ons_code"  # type: ignore[attr-defined]
    form.fields["groups"].to_field_name = "code"  # type: ignore[attr-defined]
    return form


@router.post("/organisations", response={201: OrganisationOut, **ERRORS}, summary="Add an organisation")
def organisation_create(request: HttpRequest, body: OrganisationIn) -> Status[dict[str, Any]]:
    need(request, Area.ORGANISATIONS, Level.WRITE)
    regions_ensure()
    values = body.model_dump()
    check_texts(values)
    form = _organisation_form(request, values, None)
    if not form.is_valid():
        raise form_errors(form, custom_error_names("organisation"))
    organisation = services.organisation_save(
        actor=acting(request), organisation=None, request=request, **form.cleaned_data
    )
    organisation = _organisations().get(pk=organisation.pk)
    audit_call(request, obj=organisation)
    return Status(201, _organisation_out(organisation, definitions("organisation", acting(request))))


@router.patch(
    "/organisations/{code}", response={200: OrganisationOut, **ERRORS}, summary="Change an organisation"
)
def organisation_update(request: HttpRequest, code: UUID, body: OrganisationPatch) -> dict[str, Any]:
    need(request, Area.ORGANISATIONS, Level.WRITE)
    regions_ensure()
    organisation = one(request, _organisations(), code=code)
    current = _organisation_out(organisation, definitions("organisation", acting(request)))
    changes = body.model_dump(exclude_unset=True)
    check_texts(changes)
    values = {
        **{k: current[k] for k in OrganisationPatch.model_fields if k not in ("groups", "custom")},
        "groups": [g["code"] for g in current["groups"]],
        **changes,
    }
    form = _organisation_form(request, values, organisation)
    if not form.is_valid():
        raise form_errors(form, custom_error_names("organisation"))
    services.organisation_save(
        actor=acting(request), organisation=organisation, request=request, **form.cleaned_data
    )
    organisation = _organisations().get(pk=organisation.pk)
    audit_call(request, obj=organisation)
    return _organisation_out(organisation, definitions("organisation", acting(request)))
