"""Feedback on digital services: in-page feedback and exit surveys.

A ``Service`` is a digital service that embeds Chorus's feedback script (or posts to its
API) and links to its exit survey. Only pages on the origins it lists may send feedback
from a browser.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel


def origin_of(url: str) -> str:
    """``https://example.gov.uk`` from ``https://example.gov.uk/a/page?x=1``; '' if not a web address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


class Service(CodedModel):
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    allowed_origins = models.TextField(_("web addresses allowed to send feedback"), blank=True)
    equality_monitoring = models.BooleanField(_("ask the equality monitoring questions"), default=False)
    is_active = models.BooleanField(_("accepting feedback"), default=True)

    team_path = "team"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def name_for(self, language: str) -> str:
        return self.name_cy if language == "cy" and self.name_cy else self.name

    def origins(self) -> list[str]:
        return [origin for line in self.allowed_origins.splitlines() if (origin := origin_of(line))]

    def allows(self, origin: str) -> bool:
        return bool(origin) and origin_of(origin) in self.origins()


class PageFeedback(models.Model):
    class Kind(models.TextChoices):
        USEFUL = "useful", _("Page useful")
        NOT_USEFUL = "not_useful", _("Page not useful")
        PROBLEM = "problem", _("Problem reported")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="page_feedback")
    kind = models.CharField(_("feedback"), max_length=20, choices=Kind.choices)
    page = models.URLField(_("page"), max_length=2000)
    text = models.TextField(_("comment"), blank=True)
    language = models.CharField(max_length=5, default="en")
    # Sent by the script with every try, so a retry never stores the feedback twice.
    submission_id = models.UUIDField(unique=True, null=True, blank=True)
    # Where the person was, when the service knows it (the embedding page or exit link says).
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.ForeignKey(
        "directory.Place",
        verbose_name=_("court, office or place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        # ``kind`` too, so that the service dashboard counts a period's feedback from the index alone.
        indexes = [models.Index(fields=["service", "created_at", "kind"], name="feedback_service_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.page}"


class ExitSurveyResponse(models.Model):
    class Satisfaction(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        NEITHER = 3, _("Neither satisfied nor dissatisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    class Effort(models.IntegerChoices):
        VERY_EASY = 1, _("Very easy")
        EASY = 2, _("Easy")
        NEITHER = 3, _("Neither easy nor difficult")
        DIFFICULT = 4, _("Difficult")
        VERY_DIFFICULT = 5, _("Very difficult")

    class Helper(models.TextChoices):
        FAMILY = "family", _("A friend or family member")
        CHARITY = "charity", _("A charity or advice organisation")
        HELPLINE = "helpline", _("A phone helpline")
        STAFF = "staff", _("Staff at a court, tribunal or office")
        ADVISER = "adviser", _("A solicitor or legal adviser")
        OTHER = "other", _("Someone else")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="exit_responses")
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        choices=Satisfaction.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    effort = models.PositiveSmallIntegerField(_("ease of use"), choices=Effort.choices, null=True, blank=True)
    needed_help = models.BooleanField(_("needed help"), null=True, blank=True)
    help_from = models.JSONField(_("help from"), default=list, blank=True)
    improvement = models.TextField(_("ideas for improvement"), blank=True)
    came_from = models.URLField(_("last page of the service"), max_length=2000, blank=True)
    language = models.CharField(max_length=5, default="en")
    submission_key = models.UUIDField(unique=True)
    equality_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Where the person was, when the service knows it (the embedding page or exit link says).
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.ForeignKey(
        "directory.Place",
        verbose_name=_("court, office or place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        # The answers the service dashboard averages are in the index, so it reads no rows.
        indexes = [
            models.Index(
                fields=["service", "created_at", "satisfaction", "effort", "needed_help"],
                name="exit_service_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5), name="exit_satisfaction_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_satisfaction_display()}"
