"""Tokens that administrators issue to named integrations for the staff API (``/api/v1/``).

The secret is shown once, when the token is issued; only its SHA-256 hash is kept, with
a short prefix that identifies the token in lists and in the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel


class Area(models.TextChoices):
    """The parts of Chorus a token may be given access to, each to read or to change."""

    PEOPLE = "people", _("People")
    ORGANISATIONS = "organisations", _("Organisations")
    ACTIVITIES = "activities", _("Activities and attendance")
    CONSULTATIONS = "consultations", _("Consultations, questions and responses")
    FEEDBACK = "feedback", _("Service feedback")
    ANALYSIS = "analysis", _("Analysis runs and themes")
    SUBSCRIBERS = "subscribers", _("Bulletin subscribers")
    IDEAS = "ideas", _("Ideas")
    COMMITMENTS = "commitments", _("Commitments and their progress")
    CASES = "cases", _("Enquiries, complaints, compliments and suggestions")
    # Reasonable adjustments are health and disability information: never given with
    # "people" alone, only when an administrator chooses this as well.
    ADJUSTMENTS = "adjustments", _("People's reasonable adjustments")


# The areas the API changes as well as reads; the others it only reads.
WRITABLE = frozenset(
    {
        Area.PEOPLE,
        Area.ORGANISATIONS,
        Area.ACTIVITIES,
        Area.CONSULTATIONS,
        Area.FEEDBACK,
        Area.ANALYSIS,
        Area.SUBSCRIBERS,
        Area.IDEAS,
        Area.COMMITMENTS,
    }
)


class Level(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and change")


def scope_name(area: str, level: str) -> str:
    return f"{area}:{level}"


class ApiToken(CodedModel):
    name = models.CharField(_("integration name"), max_length=120)
    # The start of the token, shown to tell tokens apart; unique, so a call finds its token
    # by it and then compares the whole secret's hash.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    # "area:read" or "area:write" (write includes read), for the areas in ``Area``.
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField(_("expires"))
    # Not restricted: what an administrator sees. Restricted: what a member of ``teams``
    # sees; kept apart from the teams themselves, so a token whose teams are all deleted
    # sees only records of no team, never everything.
    restricted = models.BooleanField(_("restricted to teams"), default=False)
    teams = models.ManyToManyField("accounts.Team", verbose_name=_("teams"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def allows(self, area: str, level: str) -> bool:
        if level == Level.READ:
            return scope_name(area, Level.READ) in self.scopes or scope_name(area, Level.WRITE) in self.scopes
        return scope_name(area, level) in self.scopes

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and not self.is_expired
