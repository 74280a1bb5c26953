"""Administrators' pages: only administrators, the secret shown once, every change audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chorus.core.models import AuditEntry
from chorus.webhooks.models import Delivery, Endpoint
from tests.conftest import sign_in
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db


def test_only_administrators_see_the_webhook_pages(client: Client, officer: Any, endpoint: Endpoint) -> None:
    sign_in(client, officer)
    for url in (
        reverse("webhooks:endpoint_list"),
        reverse("webhooks:endpoint_create"),
        reverse("webhooks:endpoint_detail", args=[endpoint.code]),
        reverse("webhooks:endpoint_edit", args=[endpoint.code]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("webhooks:endpoint_test", args=[endpoint.code])).status_code == 403
    assert client.post(reverse("webhooks:endpoint_active", args=[endpoint.code])).status_code == 403


def test_an_administrator_adds_an_endpoint_and_sees_its_secret_once(admin_client: Client) -> None:
    page = admin_client.post(
        reverse("webhooks:endpoint_create"),
        {
            "name": "Digital team channel",
            "url": "https://hooks.example.org/T0SECRET/path",
            "events": ["emerging_issue_flagged", "help_requested"],
            "format": "teams",
        },
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert endpoint.events == ["emerging_issue_flagged", "help_requested"]
    detail = admin_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.code])).content.decode()
    listing = admin_client.get(reverse("webhooks:endpoint_list")).content.decode()
    assert endpoint.secret not in detail and endpoint.secret not in listing
    assert "Digital team channel" in listing and "Help requested" in detail
    entry = AuditEntry.objects.get(object_id=str(endpoint.code), action="create")
    assert endpoint.secret not in str(entry.detail)
    # The address's path is a Teams or Slack webhook's credential: only the host is kept.
    assert all("T0SECRET" not in text for text in (str(entry.detail), detail, listing))
    assert "https://hooks.example.org/…" in detail


def test_the_form_says_what_is_wrong(admin_client: Client, settings: Any) -> None:
    settings.CHORUS_WEBHOOK_ALLOW_LOOPBACK = False
    page = admin_client.post(
        reverse("webhooks:endpoint_create"),
        {"name": "", "url": "http://hooks.example.org/x", "events": ["help_requested"], "format": "jira"},
    ).content.decode()
    assert "Enter a name for the endpoint" in page
    assert "Enter an address that starts with https://" in page
    with_password = admin_client.post(
        reverse("webhooks:endpoint_create"),
        {"name": "Tickets", "url": "https://bot:hunter2@hooks.example.org/x", "events": ["help_requested"]},
    ).content.decode()
    assert "Take the user name and password out of the address" in with_password
    assert "A ticket is made only for emerging issues" in page
    assert "Enter the key of the Jira project to make issues in" in page
    assert not Endpoint.objects.exists()


def test_an_address_inside_a_network_is_refused(admin_client: Client, settings: Any) -> None:
    settings.CHORUS_WEBHOOK_ALLOW_LOOPBACK = False
    for url in (
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://localhost/hook",
    ):
        page = admin_client.post(
            reverse("webhooks:endpoint_create"),
            {"name": "Inside", "url": url, "events": ["help_requested"], "format": "json"},
        ).content.decode()
        assert "Chorus does not send events to addresses inside a network" in page, url
    assert not Endpoint.objects.exists()


def test_the_form_sent_again_adds_one_endpoint_and_shows_no_secret(admin_client: Client) -> None:
    form = admin_client.get(reverse("webhooks:endpoint_create")).content.decode()
    submission = form.split('name="submission" value="', 1)[1].split('"', 1)[0]
    data = {
        "submission": submission,
        "name": "Channel",
        "url": "https://hooks.example.org/x",
        "events": ["help_requested"],
        "format": "json",
    }
    admin_client.post(reverse("webhooks:endpoint_create"), data)
    again = admin_client.post(reverse("webhooks:endpoint_create"), data).content.decode()
    endpoint = Endpoint.objects.get()
    assert endpoint.secret not in again and "the endpoint was not added twice" in again


def test_changing_and_turning_off_an_endpoint_is_audited(admin_client: Client, endpoint: Endpoint) -> None:
    admin_client.post(
        reverse("webhooks:endpoint_edit", args=[endpoint.code]),
        {"name": "Renamed", "url": endpoint.url, "events": ["idea_posted"], "format": "slack"},
    )
    admin_client.post(reverse("webhooks:endpoint_active", args=[endpoint.code]), {"active": "0"})
    endpoint.refresh_from_db()
    assert endpoint.name == "Renamed" and endpoint.format == "slack" and not endpoint.is_active
    changes = [e.detail for e in AuditEntry.objects.filter(object_id=str(endpoint.code), action="change")]
    assert any(c.get("format") == "slack" and c.get("events") == ["idea_posted"] for c in changes)
    assert any(c.get("active") is False for c in changes)


def test_the_delivery_log_shows_each_try_and_sends_again(
    admin_client: Client, endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("webhooks:endpoint_test", args=[endpoint.code]))
    delivery = Delivery.objects.get()
    page = admin_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.code])).content.decode()
    assert "Waiting to be sent" in page and "Answered 503" in page and str(delivery.event_id) in page
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("webhooks:delivery_replay", args=[endpoint.code, delivery.code]))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    page = admin_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.code])).content.decode()
    assert "Delivered" in page


def test_the_admin_menu_links_to_webhooks(admin_client: Client) -> None:
    page = admin_client.get(reverse("api:token_list")).content.decode()
    assert reverse("webhooks:endpoint_list") in page
