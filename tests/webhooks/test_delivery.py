"""Signing, retrying, replaying and when a delivery counts as delivered."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.webhooks.models import Delivery, Endpoint
from chorus.webhooks.services import (
    backoff,
    deliveries_due_send,
    delivery_attempt,
    delivery_replay,
    endpoint_test_send,
    event_send,
    signature,
    signature_valid,
)
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db


def _send(endpoint: Endpoint, capture: Any) -> Delivery:
    with capture(execute=True):
        (delivery,) = event_send(kind="test", payload={"title": "Hello"}, endpoints=[endpoint])
    delivery.refresh_from_db()
    return delivery


def test_each_delivery_is_signed_so_the_receiver_can_check_it(
    endpoint_with_secret: tuple[Endpoint, str], receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint, secret = endpoint_with_secret
    delivery = _send(endpoint, django_capture_on_commit_callbacks)

    (got,) = receiver.got
    timestamp = got.headers["Chorus-Webhook-Timestamp"]
    header = got.headers["Chorus-Webhook-Signature"]
    assert header == "v1=" + signature(secret, timestamp, got.body)
    assert signature_valid(secret, timestamp, got.body, header)
    assert got.headers["Chorus-Webhook-Id"] == str(delivery.event_id)
    assert json.loads(got.body)["id"] == str(delivery.event_id)
    # A different secret, a changed body or an old timestamp do not pass.
    assert not signature_valid("whsec_other", timestamp, got.body, header)
    assert not signature_valid(secret, timestamp, got.body + b" ", header)
    old = str(int(time.time()) - 3600)
    assert not signature_valid(secret, old, got.body, "v1=" + signature(secret, old, got.body))


def test_the_wait_between_tries_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.parametrize("status", [500, 503, 404, 302])
def test_anything_but_a_2xx_is_tried_again_later(
    endpoint: Endpoint, receiver: Receiver, status: int, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.status = status
    before = timezone.now()
    delivery = _send(endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1 and delivery.last_status_code == status
    assert delivery.delivered_at is None
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at - before >= timedelta(seconds=59)
    # A redirect is not followed: the receiver saw only the one POST.
    assert len(receiver.got) == 1


def test_a_delivery_is_delivered_once_the_receiver_answers_2xx(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.status = 503
    delivery = _send(endpoint, django_capture_on_commit_callbacks)
    # Not due yet: the job leaves it.
    assert deliveries_due_send() == 0
    receiver.status = 204
    assert deliveries_due_send(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    assert delivery.last_status_code == 204 and delivery.delivered_at is not None
    ids = {got.headers["Chorus-Webhook-Id"] for got in receiver.got}
    assert ids == {str(delivery.event_id)} and len(receiver.got) == 2
    # Delivered: never sent again by the job.
    assert deliveries_due_send(now=timezone.now() + timedelta(days=2)) == 0


def test_a_delivery_fails_after_a_day_of_tries(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.status = 500
    delivery = _send(endpoint, django_capture_on_commit_callbacks)
    now = timezone.now()
    tries = 1
    while delivery.status == Delivery.Status.PENDING:
        assert delivery.next_attempt_at is not None
        now = delivery.next_attempt_at
        delivery_attempt(delivery.pk, now=now)
        delivery.refresh_from_db()
        tries += 1
        assert tries < 60
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert now <= delivery.retry_until and delivery.retry_until - delivery.created_at == timedelta(hours=24)
    # 1+2+4+...+32 minutes, then hourly to the end of the day.
    assert 26 <= tries <= 30


def test_no_endpoint_gets_plain_http_outside_this_machine(admin: Any) -> None:
    with override_settings(CHORUS_WEBHOOK_ALLOW_LOOPBACK=False):
        from chorus.webhooks.services import url_problem

        assert url_problem("http://127.0.0.1:8000/hook")
        assert url_problem("https://hooks.example.org/x") is None
    assert url_problem("http://127.0.0.1:8000/hook") is None
    assert url_problem("http://hooks.example.org/x")


@override_settings(CHORUS_WEBHOOK_ALLOW_LOOPBACK=False)
def test_no_endpoint_is_inside_a_network() -> None:
    from chorus.webhooks.services import url_problem

    for url in (
        "https://169.254.169.254/latest/meta-data/",
        "https://10.1.2.3/x",
        "https://172.16.0.1/x",
        "https://100.64.0.1/x",
        "https://0.0.0.0/x",
        "https://[fd00::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://LOCALHOST./x",
        "https://jira.corp.internal/x",
    ):
        assert url_problem(url) == "internal", url
    assert url_problem("https://8.8.8.8/x") is None
    assert url_problem("https://jira.example.org/x") is None


@override_settings(CHORUS_WEBHOOK_ALLOW_LOOPBACK=False)
def test_an_ipv4_address_inside_a_network_is_refused_when_carried_in_ipv6() -> None:
    """NAT64 (64:ff9b::/96), 6to4 (2002::/16), Teredo and the old IPv4-compatible form all
    reach the IPv4 address they carry: 10.0.0.5 or the metadata address that way is inside."""
    from chorus.webhooks.services import is_internal, url_problem

    for url in (
        "https://[64:ff9b::a00:5]/x",  # 10.0.0.5 through a NAT64 gateway
        "https://[64:ff9b::a9fe:a9fe]/x",  # 169.254.169.254
        "https://[2002:a00:5::1]/x",  # 6to4 for 10.0.0.5
        "https://[2002:7f00:1::1]/x",  # 6to4 for 127.0.0.1
        "https://[::a00:5]/x",  # IPv4-compatible 10.0.0.5
    ):
        assert url_problem(url) == "internal", url
    assert is_internal("2001:0:4136:e378:8000:63bf:f5ff:fffa")  # Teredo, client 10.0.0.5
    # Public IPv4 addresses carried the same way are public.
    assert url_problem("https://[64:ff9b::808:808]/x") is None
    assert url_problem("https://[2002:808:808::1]/x") is None
    assert url_problem("https://[2606:4700::1111]/x") is None


@override_settings(CHORUS_WEBHOOK_ALLOW_LOOPBACK=False)
def test_a_public_name_pointed_inside_a_network_is_not_sent_to() -> None:
    """The form checks the address as typed; before each try, the name is looked up, and a
    name that now leads to 10.0.0.5 (or the cloud's metadata address) gets nothing."""
    import socket
    from unittest import mock

    from chorus.webhooks import services

    inside = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 0))]
    with (
        mock.patch.object(services.socket, "getaddrinfo", return_value=inside),
        mock.patch.object(services._opener, "open") as opened,
    ):
        status, problem = services.post("https://hooks.example.org/x", b"{}", {})
    assert status is None and "inside a network" in problem
    opened.assert_not_called()
    outside = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 0))]
    with mock.patch.object(services.socket, "getaddrinfo", return_value=outside):
        assert not services.resolves_inside("hooks.example.org")


def test_send_again_uses_the_same_event_id_and_is_audited(
    endpoint: Endpoint, admin: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    delivery = _send(endpoint, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.DELIVERED
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(actor=admin, request=None, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    assert [got.headers["Chorus-Webhook-Id"] for got in receiver.got] == [str(delivery.event_id)] * 2
    assert AuditEntry.objects.filter(
        object_id=str(endpoint.code), detail__replayed=str(delivery.event_id)
    ).exists()


def test_a_test_event_reaches_the_endpoint(
    endpoint: Endpoint, admin: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_test_send(actor=admin, request=None, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert json.loads(receiver.got[0].body)["kind"] == "test"


def test_a_turned_off_endpoint_is_sent_nothing(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.status = 503
    delivery = _send(endpoint, django_capture_on_commit_callbacks)
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    assert delivery.next_attempt_at is not None
    delivery_attempt(delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and len(receiver.got) == 1
