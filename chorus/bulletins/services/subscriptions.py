"""Subscribing from the public page, confirming, unsubscribing, and addresses that stop
working. Subscribers imported with a recorded lawful basis: ``chorus.bulletins.imports``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.bulletins.models import AddressEvent, Subscriber
from chorus.core.audit import audit_record
from chorus.core.downloads import absolute_url
from chorus.core.email import email_send_later
from chorus.core.hooks import event_happened
from chorus.core.models import AuditAction
from chorus.directory.models import LawfulBasis


def subscribe(*, email: str, regions: Iterable[Any], topics: Iterable[Any], language: str) -> Subscriber:
    """Sign up (or change preferences) from the public page; the address is confirmed by email.

    The same email is sent whether or not the address was already subscribed, so the
    page reveals nothing about who subscribes."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"language": language, "source": Subscriber.Source.SIGN_UP}
        )
        if created or subscriber.status in (
            Subscriber.Status.PENDING,
            Subscriber.Status.UNSUBSCRIBED,
            Subscriber.Status.SHARE_BACK,
        ):
            subscriber.status = Subscriber.Status.PENDING
            subscriber.language = language
            # Someone told about a change before now asks for bulletins themselves.
            subscriber.lawful_basis = LawfulBasis.CONSENT
            subscriber.save(update_fields=["status", "language", "lawful_basis", "updated_at"])
            subscriber.regions.set(regions)
            subscriber.topics.set(topics)
        subscriber.confirm_sent_at = timezone.now()
        subscriber.save(update_fields=["confirm_sent_at", "updated_at"])
        with translation.override(language):
            email_send_later(
                to=[email],
                subject=_("Confirm your subscription to %(service)s bulletins")
                % {"service": settings.CHORUS_SERVICE_NAME},
                body=render_to_string(
                    "bulletins/email/confirm.txt",
                    {
                        "subscriber": subscriber,
                        "service_name": settings.CHORUS_SERVICE_NAME,
                        "confirm_url": absolute_url(reverse("bulletins:confirm", args=[subscriber.token])),
                        "manage_url": absolute_url(reverse("bulletins:manage", args=[subscriber.token])),
                        "already": subscriber.status == Subscriber.Status.ACTIVE,
                    },
                ),
            )
    return subscriber


# Addresses Chorus never subscribes again for staff or another system: the person said
# stop, or the address does not work. Only the person can, from the sign-up page.
STOPPED = (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED)


class AddressStopped(Exception):
    """The address unsubscribed or stopped working, so it is left as it is."""


def subscriber_record(
    *,
    actor: Any,
    request: Any,
    email: str,
    language: str,
    regions: Iterable[Any],
    topics: Iterable[Any],
    lists: Iterable[Any],
    lawful_basis: str,
    source: str,
) -> tuple[Subscriber, bool]:
    """Subscribe an address for staff or another system, as an import does: on a recorded
    lawful basis, subscribed now, with its consent recorded on the directory person; or,
    with no basis, sent the public page's confirmation email. An address already there
    gains the areas, topics and (with a basis) lists, with no change to its status; one that stopped is
    refused with ``AddressStopped``. Returns the subscriber and whether it is new."""
    email = email.strip().lower()
    regions, topics, lists = list(regions), list(topics), list(lists)
    if not lawful_basis:
        # Lists are only for a recorded basis: SubscriberRecordForm refuses them without one.
        return _subscriber_invite(
            actor=actor, request=request, email=email, language=language, regions=regions, topics=topics
        )
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email,
            defaults={
                "language": language,
                "status": Subscriber.Status.ACTIVE,
                "source": Subscriber.Source.STAFF,
                "source_detail": source[:200],
                "lawful_basis": lawful_basis,
                "consented_at": timezone.now(),
                "person": _person_for(email),
            },
        )
        if not created and subscriber.status in STOPPED:
            raise AddressStopped(email)
        subscriber.regions.add(*regions)
        subscriber.topics.add(*topics)
        subscriber.lists.add(*lists)
        subscriber.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            obj=subscriber,
            request=request,
            detail={"lawful_basis": lawful_basis, "source": source[:200]},
        )
        if created:
            _record_consent(subscriber)
            event_happened("subscriber_joined", subscriber)
    return subscriber, created


CONFIRM_AGAIN_AFTER = timedelta(days=1)


def _subscriber_invite(
    *, actor: Any, request: Any, email: str, language: str, regions: list[Any], topics: list[Any]
) -> tuple[Subscriber, bool]:
    """``subscriber_record`` with no lawful basis: the sign-up page's confirmation email.
    Someone already subscribed gains the areas and topics sent and gets no email; someone
    sent a confirmation in the last day is not sent another, so no caller can flood an
    inbox; the areas and topics a confirmation asks about are those already asked for and
    those sent."""
    existing = Subscriber.objects.filter(email=email).first()
    if existing is not None and existing.status in STOPPED:
        raise AddressStopped(email)
    recently = (
        existing is not None
        and existing.status == Subscriber.Status.PENDING
        and existing.confirm_sent_at is not None
        and existing.confirm_sent_at > timezone.now() - CONFIRM_AGAIN_AFTER
    )
    kept = existing is not None and (existing.status == Subscriber.Status.ACTIVE or recently)
    if existing is not None and kept:
        subscriber = existing
        with transaction.atomic():
            subscriber.regions.add(*regions)
            subscriber.topics.add(*topics)
            subscriber.save(update_fields=["updated_at"])
    else:
        if existing is not None:
            regions = [*existing.regions.all(), *regions]
            topics = [*existing.topics.all(), *topics]
        subscriber = subscribe(email=email, regions=regions, topics=topics, language=language)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE if existing else AuditAction.CREATE,
        obj=subscriber,
        request=request,
        detail={"confirmation sent": not kept},
    )
    return subscriber, existing is None


def subscriber_change(
    *, actor: Any, request: Any, subscriber: Subscriber, changes: dict[str, Any], how: str
) -> Subscriber:
    """Change a subscriber's language, areas, topics or lists (each replaced by what is
    sent), or unsubscribe them (``changes["status"] == "unsubscribed"``)."""
    with transaction.atomic():
        if "language" in changes:
            subscriber.language = changes["language"]
            subscriber.save(update_fields=["language", "updated_at"])
        for name in ("regions", "topics", "lists"):
            if name in changes:
                getattr(subscriber, name).set(changes[name])
        subscriber.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=subscriber,
            request=request,
            detail={"changed": sorted(changes)},
        )
    if changes.get("status") == Subscriber.Status.UNSUBSCRIBED:
        unsubscribe(subscriber, how=how)
    return subscriber


def _person_for(email: str) -> Any:
    from chorus.directory.models import ContactPoint

    contact = (
        ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, normalised=email.lower())
        .select_related("person")
        .first()
    )
    return contact.person if contact else None


def confirm(subscriber: Subscriber) -> None:
    """Double opt-in: the emailed link proves the address; consent is recorded with its date."""
    if subscriber.status == Subscriber.Status.ACTIVE:
        return
    if subscriber.status in (Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED):
        return
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.consented_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.person = subscriber.person or _person_for(subscriber.email)
    subscriber.save()
    _record_consent(subscriber)
    event_happened("subscriber_joined", subscriber)


def _record_consent(subscriber: Subscriber) -> None:
    if subscriber.person is None:
        return
    from chorus.directory.models import Consent

    Consent.objects.create(
        person=subscriber.person,
        purpose=_("Email bulletins"),
        lawful_basis=subscriber.lawful_basis,
        given_on=timezone.localdate(),
        source=subscriber.get_source_display()
        + (f": {subscriber.source_detail}" if subscriber.source_detail else ""),
    )


def unsubscribe(subscriber: Subscriber, *, how: str) -> None:
    if subscriber.status not in (
        Subscriber.Status.ACTIVE,
        Subscriber.Status.PENDING,
        Subscriber.Status.SHARE_BACK,
    ):
        return
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.stopped_reason = how
    subscriber.save(update_fields=["status", "unsubscribed_at", "stopped_reason", "updated_at"])
    event_happened("subscriber_left", subscriber)
    if subscriber.person_id:
        from chorus.directory.models import Consent

        Consent.objects.filter(
            person_id=subscriber.person_id, purpose=_("Email bulletins"), withdrawn_on__isnull=True
        ).update(withdrawn_on=timezone.localdate())


def resubscribe(subscriber: Subscriber) -> None:
    """Undo an unsubscribe. Someone who never confirmed a subscription (told about changes
    after taking part, or a sign-up nobody confirmed) goes back to being told about changes,
    not to bulletins they never asked for: only a confirmation link subscribes anyone."""
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.consented_at is None:
        subscriber.status = Subscriber.Status.SHARE_BACK
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
        return
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.unsubscribed_at = None
        subscriber.consented_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at", "consented_at", "updated_at"])
        event_happened("subscriber_joined", subscriber)
        _record_consent(subscriber)


def address_stopped(*, email: str, kind: str, detail: str = "", source: str = "") -> int:
    """A bounce or complaint: record it and stop sending to the address. Returns subscribers stopped."""
    email = email.strip().lower()
    AddressEvent.objects.create(email=email, kind=kind, detail=detail[:300], source=source[:50])
    status = Subscriber.Status.BOUNCED if kind == AddressEvent.Kind.BOUNCE else Subscriber.Status.COMPLAINED
    return Subscriber.objects.filter(email=email).update(
        status=status, stopped_reason=detail[:200] or kind, updated_at=timezone.now()
    )
