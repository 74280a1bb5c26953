"""Bulletin subscribers: who gets bulletins, in which language, about what."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from chorus.api.base import (
    ERRORS,
    DateTimeText,
    Limit,
    Page,
    audit_call,
    audit_listed,
    need,
    no_nul,
    one,
    paged,
    when,
)
from chorus.api.models import Area
from chorus.bulletins.models import Subscriber

router = Router(tags=["subscribers"])


class SubscriberOut(Schema):
    code: UUID
    email: str
    language: str
    status: str
    regions: list[str]
    topics: list[int]
    lists: list[str]
    source: str
    lawful_basis: str
    consented_at: datetime | None
    unsubscribed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SubscribersPage(Page):
    results: list[SubscriberOut]


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
