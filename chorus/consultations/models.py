"""Consultations and surveys: what is asked, of whom, and when it opens and closes."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def public(self) -> ConsultationQuerySet:
        """Published and open to everyone (not restricted to a team)."""
        return self.filter(is_published=True, team__isnull=True)

    def open_at(self, moment: datetime) -> ConsultationQuerySet:
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class Consultation(CodedModel):
    """A consultation or survey. It opens and closes by itself at the times set."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        SURVEY = "survey", _("Survey")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.CONSULTATION)
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))
    summary_cy = models.TextField(_("summary in Welsh"), blank=True)
    body = models.TextField(_("what we are consulting on"), blank=True)
    body_cy = models.TextField(_("what we are consulting on, in Welsh"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    project = models.ForeignKey(
        "engagement.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    topics = models.ManyToManyField("directory.Topic", verbose_name=_("topics"), blank=True)
    regions = models.ManyToManyField("directory.Region", verbose_name=_("regions"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("restricted to team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    is_published = models.BooleanField(_("published"), default=False)

    team_path = "team"

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["opens_at", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if not self.is_published:
            return self.Status.DRAFT
        if now < self.opens_at:
            return self.Status.FORTHCOMING
        return self.Status.OPEN if now < self.closes_at else self.Status.CLOSED

    def get_status_display(self) -> str:
        return str(self.Status(self.status()).label)

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title

    def summary_for(self, language: str) -> str:
        return self.summary_cy if language == "cy" and self.summary_cy else self.summary

    def body_for(self, language: str) -> str:
        return self.body_cy if language == "cy" and self.body_cy else self.body
