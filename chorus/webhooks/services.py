"""Endpoints, and sending events to them: signed, retried with backoff, at least once.

An event becomes one ``Delivery`` per endpoint that subscribes to it, all with the same
event id. A delivery is tried at once (a task) and then by the every-minute job until
the endpoint answers 2xx or a day has passed. A try first claims the delivery by moving
its next try a few minutes on, so two workers never send it at once, and a worker that
dies mid-try leaves it to be tried again when the claim runs out: a receiver may see an
event twice, never with different ids, and never not at all while it comes back within
the day.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.tasks import enqueue_after_commit
from chorus.webhooks.formats import body_for
from chorus.webhooks.models import TICKET_FORMATS, Delivery, Endpoint, EventKind
from chorus.webhooks.payloads import payload_for, payload_for_test

if TYPE_CHECKING:
    from chorus.accounts.models import User

logger = logging.getLogger(__name__)

# How long a try holds its delivery: longer than the endpoint's timeout.
CLAIM = timedelta(minutes=5)
# Events whose id is made from what they are about, so a job that announces them again
# (commitments still overdue tomorrow) is dropped rather than sent twice.
EVENT_NAMESPACE = uuid.UUID("6a0c3a57-4d55-4bd5-9b51-0f4b5f6c9e21")
LOOPBACK_HOSTS = {"localhost"}
# IPv6 ranges whose last 32 bits are an IPv4 address: NAT64 (RFC 6052) and the old
# "IPv4-compatible" form (::10.0.0.5).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


# --- Signing


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``{timestamp}.{body}`` with the endpoint's secret."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(secret: str, timestamp: str, body: bytes, header: str, *, tolerance: int = 300) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    if age > tolerance:
        return False
    expected = f"v1={signature(secret, timestamp, body)}"
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- Where an endpoint may be


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_internal(host: str) -> bool:
    """Whether ``host`` names this machine or an address inside a network (10.0.0.0/8,
    169.254.169.254 and the like), which no endpoint may be: sending there would let the
    delivery log show what answers on the inside."""
    if is_loopback(host) or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address carried inside an IPv6 one reaches that IPv4 address (through a
        # NAT64 gateway, a 6to4 or Teredo relay): judged by the IPv4 address it carries.
        carried = [address.sixtofour, *(address.teredo or ())]
        if address in NAT64 or address in IPV4_COMPATIBLE:
            carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if any(inside is not None and not inside.is_global for inside in carried):
            return True
    return not address.is_global


def url_problem(url: str) -> str | None:
    """Why Chorus will not send to ``url``, in words for the form; None when it will."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.username or parts.password:
        return "credentials"
    if (
        host
        and is_loopback(host)
        and settings.CHORUS_WEBHOOK_ALLOW_LOOPBACK
        and parts.scheme in ("http", "https")
    ):
        return None
    if host and is_internal(host):
        return "internal"
    if parts.scheme == "https" and host:
        return None
    return "https"


# --- Endpoints


def endpoint_create(
    *,
    actor: User,
    request: HttpRequest | None,
    name: str,
    url: str,
    events: Iterable[str],
    format: str,
    project_key: str = "",
) -> tuple[Endpoint, str]:
    """Add an endpoint; return it with its secret, which its page never shows again."""
    secret = new_secret()
    with transaction.atomic():
        endpoint = Endpoint(
            name=name,
            url=url,
            secret=secret,
            events=sorted(set(events)),
            format=format,
            project_key=project_key,
            created_by=actor,
        )
        endpoint.full_clean()
        endpoint.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=endpoint, request=request, detail=_described(endpoint)
        )
    return endpoint, secret


def _described(endpoint: Endpoint) -> dict[str, Any]:
    # Never the secret, nor the address's path (see ``url_shown``).
    return {
        "url": endpoint.url_shown,
        "events": endpoint.events,
        "format": endpoint.format,
        "project_key": endpoint.project_key,
        "active": endpoint.is_active,
    }


def endpoint_update(
    *, actor: User, request: HttpRequest | None, endpoint: Endpoint, **changes: Any
) -> Endpoint:
    with transaction.atomic():
        before = _described(endpoint)
        for field, value in changes.items():
            setattr(endpoint, field, sorted(set(value)) if field == "events" else value)
        endpoint.full_clean()
        endpoint.save()
        after = _described(endpoint)
        changed = {key: after[key] for key in after if after[key] != before[key]}
        if changed:
            audit_record(
                actor=actor, action=AuditAction.CHANGE, obj=endpoint, request=request, detail=changed
            )
    return endpoint


def endpoint_set_active(
    *, actor: User, request: HttpRequest | None, endpoint: Endpoint, active: bool
) -> Endpoint:
    return endpoint_update(actor=actor, request=request, endpoint=endpoint, is_active=active)


# --- Events


def event_id_for(kind: str, record: Any) -> uuid.UUID:
    if kind == EventKind.COMMITMENT_OVERDUE:
        return uuid.uuid5(EVENT_NAMESPACE, f"{kind}:{record.code}:{record.due_on}")
    return uuid.uuid4()


def endpoints_for(kind: str) -> list[Endpoint]:
    """The active endpoints that take ``kind`` (tickets are made only for emerging issues)."""
    return [
        endpoint
        for endpoint in Endpoint.objects.filter(is_active=True)
        if kind in endpoint.events
        and (endpoint.format not in TICKET_FORMATS or kind == EventKind.EMERGING_ISSUE_FLAGGED)
    ]


def event_record(kind: str, record: Any) -> list[Delivery]:
    """The receiver of ``core.hooks.event_happened``: a delivery to each endpoint that takes it."""
    endpoints = endpoints_for(kind)
    if not endpoints:
        return []
    return event_send(
        kind=kind, payload=payload_for(kind, record), endpoints=endpoints, event_id=event_id_for(kind, record)
    )


def event_send(
    *, kind: str, payload: dict[str, Any], endpoints: list[Endpoint], event_id: uuid.UUID | None = None
) -> list[Delivery]:
    event_id = event_id or uuid.uuid4()
    now = timezone.now()
    until = now + timedelta(hours=settings.CHORUS_WEBHOOK_RETRY_HOURS)
    with transaction.atomic():
        already = set(
            Delivery.objects.filter(event_id=event_id, endpoint__in=endpoints).values_list(
                "endpoint_id", flat=True
            )
        )
        deliveries = [
            Delivery.objects.create(
                endpoint=endpoint,
                event_id=event_id,
                kind=kind,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
                retry_until=until,
            )
            for endpoint in endpoints
            if endpoint.pk not in already
        ]
        from chorus.webhooks.jobs import delivery_send

        for delivery in deliveries:
            enqueue_after_commit(delivery_send, delivery.pk)
    return deliveries


def endpoint_test_send(*, actor: User, request: HttpRequest | None, endpoint: Endpoint) -> Delivery:
    with transaction.atomic():
        (delivery,) = event_send(kind=EventKind.TEST, payload=payload_for_test(), endpoints=[endpoint])
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=endpoint, request=request, detail={"test_sent": True}
        )
    return delivery


def delivery_replay(*, actor: User, request: HttpRequest | None, delivery: Delivery) -> Delivery:
    """Send a delivery again, with the same event id, and keep trying for another day."""
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.PENDING,
            next_attempt_at=now,
            retry_until=now + timedelta(hours=settings.CHORUS_WEBHOOK_RETRY_HOURS),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=delivery.endpoint,
            request=request,
            detail={"replayed": str(delivery.event_id), "kind": delivery.kind},
        )
        from chorus.webhooks.jobs import delivery_send

        enqueue_after_commit(delivery_send, delivery.pk)
    delivery.refresh_from_db()
    return delivery


# --- Sending


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: the first wait, doubling, capped."""
    first = float(settings.CHORUS_WEBHOOK_RETRY_FIRST_SECONDS)
    longest = float(settings.CHORUS_WEBHOOK_RETRY_LONGEST_SECONDS)
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), longest))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is the endpoint's answer, not a place to send the event (and its signature) on to.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def resolves_inside(host: str) -> bool:
    """Whether the name ``host`` leads to an address inside a network (a public name can be
    pointed at 10.0.0.5 at any time): checked before each try, as well as on the form. The
    loopback allowed in local mode stays allowed."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # no such name: the try itself reports that there was no answer
    for *_, address in found:
        ip = str(address[0]).split("%")[0]
        if is_loopback(ip) and settings.CHORUS_WEBHOOK_ALLOW_LOOPBACK:
            continue
        if is_internal(ip):
            return True
    return False


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST ``body``; the status code (None when there was no answer) and what went wrong."""
    if url_problem(url):
        return None, "The address is not https"
    if resolves_inside(urlsplit(url).hostname or ""):
        return None, "The address leads inside a network: not sent"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked above)
    try:
        with _opener.open(request, timeout=settings.CHORUS_WEBHOOK_TIMEOUT_SECONDS) as answer:
            return int(answer.status), ""
    except urllib.error.HTTPError as error:
        return int(error.code), f"The endpoint answered {error.code}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, f"No answer: {reason}"[:500]


def headers_for(delivery: Delivery, body: bytes, timestamp: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Chorus-Webhooks/1",
        "Chorus-Webhook-Id": str(delivery.event_id),
        "Chorus-Webhook-Event": delivery.kind,
        "Chorus-Webhook-Timestamp": timestamp,
        "Chorus-Webhook-Signature": f"v1={signature(delivery.endpoint.secret, timestamp, body)}",
    }


def delivery_attempt(delivery_id: int, *, now: datetime | None = None) -> str:
    """Try one delivery if it is due and no one else holds it; return its status after."""
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + CLAIM, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.is_active:
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.FAILED, next_attempt_at=None, last_error="The endpoint was deactivated"
        )
        return Delivery.Status.FAILED
    body = json.dumps(body_for(delivery), separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    code, error = post(delivery.endpoint.url, body, headers_for(delivery, body, timestamp))
    if code is not None and 200 <= code < 300:
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.DELIVERED,
            delivered_at=timezone.now(),
            next_attempt_at=None,
            last_status_code=code,
            last_error="",
        )
        return Delivery.Status.DELIVERED
    next_at = now + backoff(delivery.attempts)
    if next_at > delivery.retry_until:
        status, next_at_or_none = Delivery.Status.FAILED, None
    else:
        status, next_at_or_none = Delivery.Status.PENDING, next_at
    Delivery.objects.filter(pk=delivery_id).update(
        status=status,
        next_attempt_at=next_at_or_none,
        last_status_code=code,
        last_error=error or f"The endpoint answered {code}",
    )
    return str(status)


def deliveries_due_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Try the deliveries whose next try has come (retries, and any a stopped worker left)."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        delivery_attempt(pk, now=now)
    return len(due)
