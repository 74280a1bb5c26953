"""Bulletin subscribers: who gets bulletins, in which language, about what."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from chorus.api.base import (
    ERRORS,
    ApiError,
    Body,
    DateTimeText,
    Id,
    Limit,
    Page,
    acting,
    as_form_data,
    audit_call,
    audit_listed,
    check_texts,
    form_errors,
    need,
    no_nul,
    one,
    one_of,
    paged,
    token_of,
    when,
)
from chorus.api.models import Area, Level
from chorus.bulletins.forms import SubscriberRecordForm
from chorus.bulletins.models import Subscriber
from chorus.bulletins.services.subscriptions import AddressStopped, subscriber_change, subscriber_record
from chorus.directory.reference import regions_ensure

router = Router(tags=["subscribers"])


class SubscriberOut(Schema):
    code: UUID
    email: str
    language: str
    status: str
    regions: list[str]
    topics: list[int]
    lists: list[str]
    source: str = Field(description="sign_up, import, staff or share_back")
    source_detail: str = Field(description="Where they came from, in words")
    lawful_basis: str
    consented_at: datetime | None
    unsubscribed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SubscribersPage(Page):
    results: list[SubscriberOut]


class SubscriberIn(Body):
    email: str
    language: str = Field("en", description="en or cy")
    regions: list[str] = Field([], description="Areas' ONS codes")
    topics: list[Id] = Field([], description="Topics' ids")
    lists: list[str] = Field([], description="Lists' names")
    lawful_basis: str | None = Field(
        None,
        description="consent, public_task, legitimate_interests, legal_obligation or contract: "
        "subscribed now on that basis, recorded with source. Left out: Chorus emails them a link "
        "to confirm, as the sign-up page does, and they are pending until they do.",
    )
    source: str = Field("", description="Where they came from; needed with a lawful basis")


class SubscriberPatch(Body):
    """Only the fields sent change; areas, topics and lists are replaced by what is sent."""

    language: str | None = Field(None, description="en or cy")
    regions: list[str] | None = None
    topics: list[Id] | None = None
    lists: list[str] | None = None
    status: str | None = Field(
        None, description="Only unsubscribed: nobody but the person can subscribe an address again"
    )


def _subscribers() -> Any:
    return Subscriber.objects.prefetch_related("regions", "topics", "lists")


def _subscriber_out(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "code": subscriber.code,
        "email": subscriber.email,
        "language": subscriber.language,
        "status": subscriber.status,
        "regions": sorted(r.ons_code for r in subscriber.regions.all()),
        "topics": sorted(t.pk for t in subscriber.topics.all()),
        "lists": sorted(sl.name for sl in subscriber.lists.all()),
        "source": subscriber.source,
        "source_detail": subscriber.source_detail,
        "lawful_basis": subscriber.lawful_basis,
        "consented_at": subscriber.consented_at,
        "unsubscribed_at": subscriber.unsubscribed_at,
        "created_at": subscriber.created_at,
        "updated_at": subscriber.updated_at,
    }


@router.get("/subscribers", response={200: SubscribersPage, **ERRORS}, summary="List subscribers")
def subscribers_list(
    request: HttpRequest,
    status: str | None = None,
    email: str | None = None,
    changed_since: DateTimeText | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    need(request, Area.SUBSCRIBERS)
    for name, value in (("status", status), ("email", email), ("cursor", cursor)):
        no_nul(value, name)
    one_of(status, Subscriber.Status.values, "status")
    subscribers = _subscribers()
    if status:
        subscribers = subscribers.filter(status=status)
    if email:
        subscribers = subscribers.filter(email__iexact=email.strip())
    if since := when(changed_since, "changed_since"):
        subscribers = subscribers.filter(updated_at__gte=since)
    rows, after = paged(subscribers, cursor, limit)
    audit_listed(request, rows, object_type="bulletins.subscriber", object_repr="API list of subscribers")
    return {"results": [_subscriber_out(s) for s in rows], "next": after}


@router.get("/subscribers/{code}", response={200: SubscriberOut, **ERRORS}, summary="Read a subscriber")
def subscriber_read(request: HttpRequest, code: UUID) -> dict[str, Any]:
    need(request, Area.SUBSCRIBERS)
    subscriber = one(request, _subscribers(), code=code)
    audit_call(request, obj=subscriber)
    return _subscriber_out(subscriber)


def _checked(values: dict[str, Any]) -> SubscriberRecordForm:
    check_texts(values)
    form = SubscriberRecordForm(data=as_form_data(values))
    if not form.is_valid():
        raise form_errors(form)
    return form


@router.post(
    "/subscribers",
    response={200: SubscriberOut, 201: SubscriberOut, **ERRORS},
    summary="Subscribe an address to bulletins",
    description=(
        "With a lawful basis and source, as a staff import does; without one, Chorus sends the "
        "sign-up page's confirmation email. An address already there gains the areas, topics and "
        "lists sent (200); one that unsubscribed or stopped working is refused (409)."
    ),
)
def subscriber_create(request: HttpRequest, body: SubscriberIn) -> Status[dict[str, Any]]:
    need(request, Area.SUBSCRIBERS, Level.WRITE)
    regions_ensure()
    form = _checked(body.model_dump())
    data = form.cleaned_data
    token = token_of(request)
    try:
        subscriber, created = subscriber_record(
            actor=acting(request),
            request=request,
            email=data["email"],
            language=data["language"],
            regions=data["regions"],
            topics=data["topics"],
            lists=data["lists"],
            lawful_basis=data["lawful_basis"],
            source=data["source"] or _("Staff API: %(name)s") % {"name": token.name},
        )
    except AddressStopped:
        stopped = _(
            "This address unsubscribed or stopped working, so Chorus will not subscribe it again. "
            "Only the person can, from the sign-up page."
        )
        raise ApiError(409, {"email": [stopped]}) from None
    found = _subscribers().get(pk=subscriber.pk)
    audit_call(request, obj=found)
    return Status(201 if created else 200, _subscriber_out(found))


@router.patch(
    "/subscribers/{code}",
    response={200: SubscriberOut, **ERRORS},
    summary="Change a subscriber's language or interests, or unsubscribe them",
)
def subscriber_update(request: HttpRequest, code: UUID, body: SubscriberPatch) -> dict[str, Any]:
    need(request, Area.SUBSCRIBERS, Level.WRITE)
    regions_ensure()
    subscriber = one(request, _subscribers(), code=code)
    changes = body.model_dump(exclude_unset=True)
    status = changes.pop("status", None)
    if status is not None and status != subscriber.status and status != Subscriber.Status.UNSUBSCRIBED:
        raise ApiError(
            400,
            {"status": [_("Send unsubscribed, or leave status out. Only the person can subscribe again.")]},
        )
    current = _subscriber_out(subscriber)
    values = {name: current[name] for name in ("email", "language", "regions", "topics", "lists")}
    form = _checked({**values, **changes})
    cleaned = {name: form.cleaned_data[name] for name in changes}
    if status == Subscriber.Status.UNSUBSCRIBED:
        cleaned["status"] = status
    subscriber_change(
        actor=acting(request),
        request=request,
        subscriber=subscriber,
        changes=cleaned,
        how=_("Staff API: %(name)s") % {"name": token_of(request).name},
    )
    found = _subscribers().get(pk=subscriber.pk)
    audit_call(request, obj=found)
    return _subscriber_out(found)
