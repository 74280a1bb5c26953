"""Analysis runs over free text, the themes they find, and which response is in which.

The engine (``engine/``) does the analysis; these models keep its results so analysts
can review them, and so new responses can be assigned to reviewed themes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel, TimeStampedModel


class SocialSource(CodedModel):
    """A stream of social media posts, imported from the export files of listening tools."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it collects"), blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team_path = "team"
    change_roles = frozenset({"administrator", "engagement_officer", "analyst"})

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SocialPost(models.Model):
    source = models.ForeignKey(SocialSource, on_delete=models.CASCADE, related_name="posts")
    handle = models.CharField(_("author"), max_length=200)
    posted_at = models.DateTimeField(_("posted"))
    text = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=2000, blank=True)
    platform = models.CharField(_("platform"), max_length=60, blank=True)
    # Link, or a hash of author, time and text: importing the same export twice adds nothing.
    fingerprint = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "fingerprint"], name="social_post_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.handle}: {self.text[:60]}"


# The engine and the services report a run's stage in English; staff see it in their
# language. A test checks that every stage they report is here.
STAGES = {
    "Starting": _("Starting"),
    "Reading the responses": _("Reading the responses"),
    "Embedding": _("Embedding"),
    "Finding campaigns and copied responses": _("Finding campaigns and copied responses"),
    "Scoring sentiment": _("Scoring sentiment"),
    "Checking for personal data": _("Checking for personal data"),
    "Learning sentiment from analysts' corrections": _("Learning sentiment from analysts' corrections"),
    "Learning the framework's themes": _("Learning the framework's themes"),
    "Coding to the framework": _("Coding to the framework"),
    "Finding themes": _("Finding themes"),
    "Labelling themes": _("Labelling themes"),
    "Rewriting theme labels": _("Rewriting theme labels"),
    "Done": _("Done"),
    "Finished": _("Finished"),
}


class ReviewStage(models.TextChoices):
    FOUND = "found", _("Themes found")
    IN_REVIEW = "in_review", _("In review")
    SIGNED_OFF = "signed_off", _("Framework signed off")


class AnalysisRun(CodedModel):
    class Subject(models.TextChoices):
        QUESTION = "question", _("A consultation question")
        CONSULTATION = "consultation", _("Every free-text question of a consultation")
        SERVICE = "service", _("A digital service's feedback")
        SOCIAL = "social", _("Social media posts")
        EVENT = "event", _("An event's evaluation comments")
        CASES = "cases", _("The messages of enquiries and complaints")

    class Mode(models.TextChoices):
        FAST = "fast", _("Fast")
        ACCURATE = "accurate", _("Accurate")
        REMOTE = "remote", _("Our own embeddings service")

    class SentimentSource(models.TextChoices):
        SEED = "seed", _("Chorus's shipped sentiment model")
        CORRECTIONS = "corrections", _("Chorus's shipped sentiment model and analysts' corrections")
        TUNED = "tuned", _("A model fine-tuned on analysts' corrections")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=300)
    subject = models.CharField(_("what to analyse"), max_length=20, choices=Subject.choices)
    question = models.ForeignKey(
        "consultations.Question", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    consultation = models.ForeignKey(
        "consultations.Consultation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        "feedback.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    social_source = models.ForeignKey(
        SocialSource, null=True, blank=True, on_delete=models.CASCADE, related_name="runs"
    )
    # An event's evaluation comments ("what could be better") are analysed by activity.
    activity = models.ForeignKey(
        "engagement.Activity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Enquiries and complaints (the person's own message of each) are analysed as chosen on
    # the cases dashboard: the cases it read, and the period and filters it was chosen by.
    case_ids = models.JSONField(default=list, blank=True)
    case_scope = models.CharField(max_length=300, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.FAST)
    # A coding framework: [{"name", "description", "examples": [...]}]; empty: discover themes.
    framework = models.JSONField(default=list, blank=True)
    # Each framework theme's share of the answers the run coded, in the framework's order:
    # responses that arrive later are weighted by it, as the run's own were.
    framework_shares = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    progress = models.FloatField(default=0.0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    outlier_share = models.FloatField(default=0.0)
    campaign_count = models.PositiveIntegerField(default=0)
    sentiment_source = models.CharField(
        _("sentiment learnt from"),
        max_length=12,
        choices=SentimentSource.choices,
        default=SentimentSource.SEED,
    )
    sentiment_corrections = models.PositiveIntegerField(default=0)  # how many it learnt from
    # New responses to the same subject are assigned to this run's themes as they arrive.
    follows_new = models.BooleanField(_("assign new responses as they arrive"), default=True)
    # Review of the themes as a coding framework (#23): found, reviewed, signed off by a lead.
    review_stage = models.CharField(
        _("review stage"), max_length=12, choices=ReviewStage.choices, default=ReviewStage.FOUND
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # The signed-off run whose themes this run codes every response to.
    coded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="coded_runs"
    )

    team_path = "team"
    change_roles = frozenset({"administrator", "engagement_officer", "analyst"})

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_display(self) -> str:
        return str(STAGES.get(self.stage, self.stage))

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_signed_off(self) -> bool:
        return self.review_stage == ReviewStage.SIGNED_OFF

    @property
    def consultation_title(self) -> str:
        """The consultation a question's analysis belongs to: two questions may both read
        "Why do you say that?" (empty for other subjects, whose title names them)."""
        question = self.question if self.question_id is not None else None
        return str(question.section.consultation.title) if question is not None else ""


class Theme(TimeStampedModel):
    class Level(models.TextChoices):
        BROAD = "broad", _("Broad")
        FINE = "fine", _("Fine")

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="themes")
    key = models.PositiveIntegerField()
    level = models.CharField(max_length=5, choices=Level.choices, default=Level.FINE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    label = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    keyphrases = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    share = models.FloatField(default=0.0)
    sentiment = models.JSONField(default=dict, blank=True)
    stance = models.JSONField(default=dict, blank=True)
    quotes = models.JSONField(default=list, blank=True)  # Item ids
    centroid = models.BinaryField(null=True, blank=True)  # float32 unit vector
    special = models.CharField(max_length=20, blank=True)
    locked = models.BooleanField(_("reviewed and locked"), default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    team_path = "run__team"

    class Meta:
        ordering = ["level", "-size", "label"]
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="theme_key_once_per_run")]

    def __str__(self) -> str:
        return self.label


class Item(models.Model):
    """One piece of free text in a run: a consultation answer, a piece of feedback, a post, an
    event evaluation's comment."""

    class Source(models.TextChoices):
        ANSWER = "answer", _("Consultation answer")
        PAGE_FEEDBACK = "page_feedback", _("In-page feedback")
        EXIT_SURVEY = "exit_survey", _("Exit survey")
        SOCIAL = "social", _("Social media post")
        # The value is the source events sends texts received as (``events.evaluation.TEXT_SOURCE``).
        EVALUATION = "event_evaluation", _("Event evaluation")
        CASE = "case", _("Enquiry or complaint")

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    text = models.TextField()
    redacted = models.TextField()
    personal_data = models.JSONField(default=list, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_score = models.FloatField(default=0.0)
    sentiment_by_analyst = models.BooleanField(default=False)
    stance = models.CharField(max_length=100, blank=True)
    campaign = models.PositiveIntegerField(null=True, blank=True)
    campaign_size = models.PositiveIntegerField(default=1)
    no_answer = models.BooleanField(default=False)
    channel = models.CharField(max_length=40, blank=True)
    respondent_type = models.CharField(max_length=40, blank=True)
    region = models.CharField(max_length=120, blank=True)
    groups = models.CharField(max_length=1000, blank=True)  # "|name|name|", for filtering
    organisation_kind = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    vector = models.BinaryField(null=True, blank=True)  # float16 embedding
    themes: models.ManyToManyField[Theme, Assignment] = models.ManyToManyField(
        Theme, through="Assignment", related_name="items"
    )

    team_path = "run__team"

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "source", "source_id"], name="item_once_per_run")
        ]
        indexes = [models.Index(fields=["run", "sentiment"]), models.Index(fields=["run", "campaign"])]

    def __str__(self) -> str:
        return self.redacted[:80]


class Assignment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assignments")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    confidence = models.FloatField(default=1.0)
    by_analyst = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "theme"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.item_id} in {self.theme_id}"


class ThemeChange(models.Model):
    """Every change an analyst makes to a run's themes, with who made it."""

    class Action(models.TextChoices):
        RENAME = "rename", _("Renamed or described")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")
        DELETE = "delete", _("Deleted")
        CREATE = "create", _("Created from examples")
        MOVE = "move", _("Moved responses")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        SENTIMENT = "sentiment", _("Corrected sentiment")

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.summary


class ReviewEvent(models.Model):
    """A step in reviewing a run's themes as a framework: started, signed off, reopened, coded."""

    class Action(models.TextChoices):
        STARTED = "started", _("Review started")
        SIGNED_OFF = "signed_off", _("Framework signed off")
        REOPENED = "reopened", _("Framework reopened")
        CODED = "coded", _("Coding to the framework started")

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="review_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.run}"


class QualitySample(CodedModel):
    """A random sample of a run's responses that a second analyst codes blind, to measure
    how far two people agree on the run's coding."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="samples")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whoever starts the second coding; never the analyst who drew the sample.
    second_coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    size = models.PositiveIntegerField(_("sample size"))
    finished_at = models.DateTimeField(null=True, blank=True)

    team_path = "run__team"
    change_roles = AnalysisRun.change_roles

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.run}: {self.size}"


class SampleEntry(models.Model):
    """One response in a quality sample: its coding when drawn, and the second analyst's."""

    class Resolution(models.TextChoices):
        FIRST = "first", _("First coding kept")
        SECOND = "second", _("Second coding accepted")

    sample = models.ForeignKey(QualitySample, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    first = models.JSONField(default=list)  # Theme ids, as the run coded it when drawn
    second = models.JSONField(null=True, blank=True)  # Theme ids; null until coded
    coded_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=6, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "item"], name="sample_entry_item_once"),
            models.UniqueConstraint(fields=["sample", "position"], name="sample_entry_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.position}"


class EmergingIssue(models.Model):
    """A rise in a feedback stream beyond what its history predicts."""

    class Kind(models.TextChoices):
        VOLUME = "volume", _("More comments than usual")
        NEGATIVE = "negative", _("More negative comments than usual")

    class About(models.TextChoices):
        SERVICE = "service", _("Service")
        PAGE = "page", _("Page")
        THEME = "theme", _("Theme")

    service = models.ForeignKey("feedback.Service", on_delete=models.CASCADE, related_name="emerging_issues")
    about = models.CharField(max_length=10, choices=About.choices)
    key = models.CharField(max_length=2000)  # the page address, the theme name, or the service
    kind = models.CharField(max_length=10, choices=Kind.choices)
    window_days = models.PositiveSmallIntegerField()
    recent = models.FloatField()
    expected = models.FloatField()
    p_value = models.FloatField()
    recent_count = models.PositiveIntegerField()
    comments = models.JSONField(default=list)  # [{"id", "text" (redacted), "at"}]
    detected_on = models.DateField(default=timezone.localdate)
    notified = models.BooleanField(default=False)

    team_path = "service__team"

    class Meta:
        ordering = ["-detected_on", "p_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "about", "key", "kind", "window_days", "detected_on"],
                name="emerging_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_about_display()} {self.key}: {self.get_kind_display()}"


class CaseEmergingIssue(models.Model):
    """A rise in the enquiries and complaints of one team (or of no team) about a service or a
    category, beyond what their history predicts: found as in feedback (``EmergingIssue``).

    The evidence is the cases themselves, kept by id and read afresh for whoever looks, so
    that a person sees only the cases they may and an erased or deleted case drops out."""

    class About(models.TextChoices):
        SERVICE = "service", _("Service")
        CATEGORY = "category", _("Category")

    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    about = models.CharField(max_length=10, choices=About.choices)
    key = models.CharField(max_length=200)  # the service's name as the cases give it, or the category
    kind = models.CharField(max_length=10, choices=EmergingIssue.Kind.choices)
    window_days = models.PositiveSmallIntegerField()
    recent = models.FloatField()
    expected = models.FloatField()
    p_value = models.FloatField()
    recent_count = models.PositiveIntegerField()
    cases = models.JSONField(default=list)  # the primary keys of up to 10 cases, newest first
    detected_on = models.DateField(default=timezone.localdate)
    notified = models.BooleanField(default=False)

    team_path = "team"

    class Meta:
        ordering = ["-detected_on", "p_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "about", "key", "kind", "window_days", "detected_on"],
                condition=models.Q(team__isnull=False),
                name="case_emerging_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["about", "key", "kind", "window_days", "detected_on"],
                condition=models.Q(team__isnull=True),
                name="case_emerging_once_a_day_no_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_about_display()} {self.key}: {self.get_kind_display()}"
