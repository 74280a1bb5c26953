"""Idea challenges: people propose, discuss and support ideas; staff moderate and answer.

People take part with a confirmed email address (``Participant``), not an account. Every
idea and comment has a moderation state: new posts are published at once unless the
analysis engine's checks (personal data, abuse) hold them for review; reported posts go
to the moderation queue; every decision is a ``ModerationDecision``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel, TimeStampedModel


def _token() -> str:
    return secrets.token_urlsafe(24)


class Challenge(CodedModel):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Opening soon")
        OPEN = "open", _("Open for ideas")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    description_cy = models.TextField(_("description in Welsh"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    topics = models.ManyToManyField("directory.Topic", verbose_name=_("topics"), blank=True)
    regions = models.ManyToManyField("directory.Region", verbose_name=_("regions"), blank=True)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    summary = models.TextField(_("closing summary"), blank=True)
    summary_cy = models.TextField(_("closing summary in Welsh"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    activity = models.OneToOneField(
        "engagement.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="challenge"
    )

    team_path = "team"

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="challenge_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def status(self) -> str:
        now = timezone.now()
        if self.closed_at or now >= self.closes_at:
            return self.Status.CLOSED
        if now < self.opens_at:
            return self.Status.UPCOMING
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status()).label)

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title

    def description_for(self, language: str) -> str:
        return self.description_cy if language == "cy" and self.description_cy else self.description

    def summary_for(self, language: str) -> str:
        return self.summary_cy if language == "cy" and self.summary_cy else self.summary


class Participant(TimeStampedModel):
    """Someone who confirmed an email address to take part. ``token`` is their sign-in link's secret."""

    email = models.EmailField(unique=True)
    name = models.CharField(_("name shown with your ideas"), max_length=80, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_token)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)

    audit_views = True

    def __str__(self) -> str:
        return self.name or str(_("A participant"))

    @property
    def shown_name(self) -> str:
        return self.name or str(_("Anonymous"))


class Moderation(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for review")
    HIDDEN = "hidden", _("Hidden")


class Idea(CodedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONSIDERING = "considering", _("Under consideration")
        TAKEN_FORWARD = "taken_forward", _("Taken forward")
        NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="ideas")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="ideas")
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("your idea"), max_length=5000)
    place = models.ForeignKey(
        "directory.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    moderation = models.CharField(max_length=20, choices=Moderation.choices, default=Moderation.PUBLISHED)
    hold_reason = models.CharField(max_length=200, blank=True)
    reports = models.PositiveIntegerField(default=0)
    response = models.TextField(_("official response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    impact = models.ForeignKey(
        "engagement.ImpactRecord",
        verbose_name=_("“you said, we did” record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    support_count = models.PositiveIntegerField(default=0)
    theme = models.CharField(max_length=200, blank=True)

    team_path = "challenge__team"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["challenge", "moderation", "-support_count"])]

    def __str__(self) -> str:
        return self.title


class Comment(TimeStampedModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=2000)
    moderation = models.CharField(max_length=20, choices=Moderation.choices, default=Moderation.PUBLISHED)
    hold_reason = models.CharField(max_length=200, blank=True)
    reports = models.PositiveIntegerField(default=0)

    team_path = "idea__challenge__team"

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["moderation", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class Support(TimeStampedModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="supports")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "participant"], name="support_once")]

    def __str__(self) -> str:
        return f"{self.participant_id} supports {self.idea_id}"


class Follow(TimeStampedModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "participant"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.participant_id} follows {self.idea_id}"


class ModerationDecision(TimeStampedModel):
    """Every publish or hide, with the reason and who decided (or "automatic")."""

    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    action = models.CharField(max_length=20, choices=Moderation.choices)
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idea__isnull=False) | models.Q(comment__isnull=False),
                name="decision_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.reason}"
