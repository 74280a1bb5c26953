"""Endpoints outside Chorus that hear of events, and each delivery of an event to one.

The endpoint's secret signs every delivery (HMAC-SHA256), so Chorus must be able to read
it back: it is kept as it is in the database, like the other credentials Chorus uses
(the database's own password, ``SECRET_KEY``), shown once when the endpoint is added and
never again, and never written to the audit log. See docs/webhooks.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel


class EventKind(models.TextChoices):
    RESPONSE_SUBMITTED = "response_submitted", _("Response submitted")
    HELP_REQUESTED = "help_requested", _("Help requested")
    EMERGING_ISSUE_FLAGGED = "emerging_issue_flagged", _("Emerging issue flagged")
    IDEA_POSTED = "idea_posted", _("Idea posted")
    IDEA_ANSWERED = "idea_answered", _("Idea answered")
    SUBSCRIBER_JOINED = "subscriber_joined", _("Subscriber joined")
    SUBSCRIBER_LEFT = "subscriber_left", _("Subscriber left")
    IMPORT_FINISHED = "import_finished", _("Import finished")
    COMMITMENT_OVERDUE = "commitment_overdue", _("Commitment overdue")
    # Sent by hand from the endpoint's page; no one subscribes to it.
    TEST = "test", _("Test event")


class Format(models.TextChoices):
    JSON = "json", _("Plain JSON")
    TEAMS = "teams", _("Microsoft Teams message")
    SLACK = "slack", _("Slack message")
    JIRA = "jira", _("Jira issue")
    SERVICENOW = "servicenow", _("ServiceNow incident")
    ZENDESK = "zendesk", _("Zendesk ticket")


# Formats that open a ticket: only for emerging issues.
TICKET_FORMATS = (Format.JIRA, Format.SERVICENOW, Format.ZENDESK)


class Endpoint(CodedModel):
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.JSON)
    # The Jira project key a Jira issue is made in ("ENG").
    project_key = models.CharField(_("Jira project key"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    @property
    def url_shown(self) -> str:
        """The address without its path, which for Teams, Slack and automations is the
        credential: what the pages show after it is saved."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname or ''}/…"

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The same for every try and every endpoint an event goes to: receivers drop repeats by it.
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Retried until then; a replay by hand gives it another day.
    retry_until = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.endpoint}"
