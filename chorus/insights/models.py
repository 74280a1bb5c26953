"""The open-data catalogue: datasets, and the versions staff deliberately published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Role
from chorus.core.models import CodedModel, TimeStampedModel

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class Dataset(CodedModel):
    """A table Chorus can publish. ``builder`` names the code that makes it (``datasets.py``)."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Yearly")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    builder = models.CharField(max_length=60)
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    description_cy = models.TextField(_("description in Welsh"), blank=True)
    licence = models.URLField(_("licence"), default=OGL)
    frequency = models.CharField(_("update frequency"), max_length=20, choices=Frequency.choices)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def latest(self) -> DatasetVersion | None:
        return self.versions.order_by("-number").first()


class DatasetVersion(TimeStampedModel):
    """What was published, exactly as the public downloads it, and who published it."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    columns = models.JSONField()  # [{"name", "title", "description", "datatype"}]
    rows = models.JSONField()  # list of lists; None where a number is suppressed
    suppressed = models.PositiveIntegerField(default=0)
    threshold = models.PositiveIntegerField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="dataset_version_once")]

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.number}"


class RetentionRule(TimeStampedModel):
    """How long one kind of record is kept (``retention.KINDS`` lists the kinds)."""

    kind = models.CharField(max_length=40, unique=True)
    keep_days = models.PositiveIntegerField(_("days to keep"))
    enabled = models.BooleanField(_("apply this rule"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.kind}: {self.keep_days} days"


class RetentionRun(models.Model):
    """One run of the retention job: what was due, and what was done, per kind."""

    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    results = models.JSONField(default=dict)  # {kind: {"due": n, "done": n}}
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Retention run {self.created_at:%Y-%m-%d %H:%M}"


class DataAccessRequest(CodedModel):
    """An outside researcher's request for data that is not public."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Received")
        REVIEW = "review", _("Under review by the panel")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    reference = models.CharField(max_length=12, unique=True)
    name = models.CharField(_("your name"), max_length=200)
    email = models.EmailField(_("email address"))
    organisation = models.CharField(_("organisation"), max_length=200)
    purpose = models.TextField(_("what the data is for"))
    data_wanted = models.TextField(_("the data you want"))
    legal_basis = models.TextField(_("legal basis"))
    safeguards = models.TextField(_("how you will keep it safe"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    audit_views = True

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class PanelReview(TimeStampedModel):
    """One panel member's recommendation on a data access request."""

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Approve")
        APPROVE_WITH_CONDITIONS = "conditions", _("Approve with conditions")
        REFUSE = "refuse", _("Refuse")

    request = models.ForeignKey(DataAccessRequest, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    comments = models.TextField(_("comments"))

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "reviewer"], name="one_review_per_panel_member")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id}: {self.recommendation}"


class QualitySnapshot(models.Model):
    """One week's count for one data quality check, overall (no team) or for one team."""

    on = models.DateField()
    kind = models.CharField(max_length=60)  # a key of quality.CHECKS
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(fields=["on", "kind", "team"], name="one_snapshot_per_check_team_day"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.kind}: {self.count}"


class PerceptionSeries(CodedModel):
    """A stakeholder perception survey repeated in waves. Each wave is a survey (usually a
    copy of the baseline's); questions are matched across waves by type and wording."""

    # Tracking perception is analysts' work as much as officers'.
    change_roles = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST})

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("restricted to team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    baseline = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("baseline wave"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    waves = models.ManyToManyField(
        "consultations.Consultation", verbose_name=_("waves"), related_name="perception_series"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    team_path = "team"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EqualityAnalysisSnapshot(models.Model):
    """The equality analysis of one outcome as at one equality release, in every language.

    Made the first time anyone asks after a release, then shown unchanged until the next:
    an outcome corrected for one person (a sentiment, say) cannot be read back through the
    groups it moves (docs/architecture.md, "Equality figures")."""

    asked_for = models.UUIDField()
    release = models.PositiveIntegerField()
    outcome = models.CharField(max_length=20)
    made_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["asked_for", "release", "outcome"], name="equality_analysis_once_per_release"
            )
        ]

    def __str__(self) -> str:
        return f"Equality analysis as at release {self.release}"


class PopulationFigure(models.Model):
    """How many people of one group live in one region, from an imported Census table.

    ``dimension`` is what the table counts (``chorus.insights.population.TABLES``) and
    ``category`` the group, or ``"total"`` for everyone the table covers there. An import
    of a table replaces every figure of its dimension."""

    dimension = models.CharField(max_length=20)
    category = models.CharField(max_length=40)
    region = models.ForeignKey("directory.Region", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveBigIntegerField()
    source_file = models.CharField(max_length=255)
    source_table = models.CharField(max_length=20)
    source_date = models.CharField(max_length=20, blank=True)  # the table's own "date" column
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["dimension", "region", "category"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "category", "region"], name="population_figure_once")
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.category}: {self.count}"
