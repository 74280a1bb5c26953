"""Consultations and surveys: what is asked, of whom, and when it opens and closes."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chorus.core.dates import date_and_time
from chorus.core.imports.models import StagedImport
from chorus.core.models import CodedModel, TimeStampedModel
from chorus.directory.models import AdjustmentCategory


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
    # Why it is open for less than the organisation's standard (the Cabinet Office principles
    # ask for proportionate time; a court asks why it was short).
    shorter_reason = models.TextField(_("why it is open for less than the standard"), blank=True)
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
    privacy_url = models.URLField(_("privacy notice"), blank=True)
    contact_email = models.EmailField(_("contact email address"), blank=True)
    contact_phone = models.CharField(_("contact phone number"), max_length=40, blank=True)
    equality_monitoring = models.BooleanField(
        _("ask the equality monitoring questions"),
        default=False,
        help_text=_(
            "An optional page of equality questions (ONS harmonised standards) before check your "
            "answers. Answers are kept apart and only ever shown as counts."
        ),
    )
    # Values of the fields administrators add (``chorus.core.custom_fields``), by key.
    custom = models.JSONField(_("added fields"), default=dict, blank=True)

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

    def needs_welsh(self) -> bool:
        """Whether it must be published in Welsh too: its audience includes Wales (a region
        whose ONS code is Welsh), or staff began a Welsh version by giving a Welsh title."""
        return bool(self.title_cy) or self.regions.filter(ons_code__startswith="W").exists()

    def questions_locked(self) -> bool:
        """Once anyone has responded, the questions stay as they were answered."""
        return self.responses.exists()


class Section(models.Model):
    """A page of questions in a consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sections")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title


class Question(CodedModel):
    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Agree or disagree scale")
        RATING = "rating", _("Rating from 1 to 5")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    text_cy = models.CharField(_("question in Welsh"), max_length=500, blank=True)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    help_text_cy = models.CharField(_("hint in Welsh"), max_length=500, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    max_length = models.PositiveIntegerField(_("character limit"), null=True, blank=True)
    # Number questions: the least and the most a respondent may give.
    min_value = models.DecimalField(_("minimum"), max_digits=15, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=15, decimal_places=4, null=True, blank=True)
    # Ratings from 1 to 5: what the two ends mean ("Very dissatisfied" ... "Very satisfied").
    low_label = models.CharField(_("label for 1"), max_length=100, blank=True)
    low_label_cy = models.CharField(_("label for 1 in Welsh"), max_length=100, blank=True)
    high_label = models.CharField(_("label for 5"), max_length=100, blank=True)
    high_label_cy = models.CharField(_("label for 5 in Welsh"), max_length=100, blank=True)
    # Single and multiple choice: [{"value": "a", "label": "...", "label_cy": "..."}]
    options = models.JSONField(default=list, blank=True)
    # A follow-up is asked only when the question it follows got one of ``shown_for``.
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follow-up to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    shown_for = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    team_path = "section__consultation__team"

    class Meta:
        ordering = ["section__order", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_minimum_not_above_maximum",
            )
        ]

    def __str__(self) -> str:
        return self.text

    def text_for(self, language: str) -> str:
        return self.text_cy if language == "cy" and self.text_cy else self.text

    def help_for(self, language: str) -> str:
        return self.help_text_cy if language == "cy" and self.help_text_cy else self.help_text

    def low_label_for(self, language: str) -> str:
        return self.low_label_cy if language == "cy" and self.low_label_cy else self.low_label

    def high_label_for(self, language: str) -> str:
        return self.high_label_cy if language == "cy" and self.high_label_cy else self.high_label

    def on_page_of_trigger(self) -> bool:
        """A follow-up on the same page as the question it follows, revealed there when its
        answer is chosen (the GOV.UK conditional reveal)."""
        return self.follows is not None and self.follows.section_id == self.section_id


class ResponseDraft(CodedModel):
    """Answers in progress, kept server-side; its code is in the respondent's session or in
    the save-and-return link. Submitting turns it into exactly one Response."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="drafts")
    about = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)
    expires_at = models.DateTimeField()
    return_email = models.EmailField(blank=True)
    # Links the draft to equality answers held apart (see chorus.equality); never shown.
    equality_key = models.UUIDField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return str(self.code)


class Response(CodedModel):
    """One submitted response, from any channel."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        EMAIL = "email", _("Email")
        POST = "post", _("Post")
        PHONE = "phone", _("Phone")
        FACE_TO_FACE = "face_to_face", _("Face to face")
        ASSISTED = "assisted", _("Assisted digital")

    class RespondentType(models.TextChoices):
        INDIVIDUAL = "individual", _("As an individual")
        ORGANISATION = "organisation", _("On behalf of an organisation")

    class Publish(models.TextChoices):
        NO = "no", _("Do not publish my response")
        ANONYMOUS = "anonymous", _("Publish it without my name")
        NAMED = "named", _("Publish it with my name")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    reference = models.CharField(max_length=12, unique=True)
    draft = models.OneToOneField(
        ResponseDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    # For responses staff enter: the form's one-off key, so a double click saves one response.
    submission_key = models.UUIDField(null=True, blank=True, unique=True)
    equality_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    respondent_type = models.CharField(
        _("responding"), max_length=20, choices=RespondentType.choices, default=RespondentType.INDIVIDUAL
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # They asked to be emailed what changed because of the consultation ("you said, we did").
    may_contact = models.BooleanField(_("agreed to hear what changed"), default=False)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    publish = models.CharField(_("publishing"), max_length=20, choices=Publish.choices, default=Publish.NO)
    language = models.CharField(max_length=5, default="en")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # The directory person whose email address the response came from, matched when it is
    # stored and again whenever the directory's addresses change (``chorus.consultations.
    # linking``), so that who took part is read from here instead of matching addresses at
    # read time. Blank when no one in the directory holds the address.
    person = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_responses",
        db_index=False,  # the partial index below serves a person's responses too
        editable=False,
    )

    team_path = "consultation__team"
    audit_views = True

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            # With the address (on PostgreSQL, which keeps extra columns in an index): the
            # addresses of who responded in a period are read from the index alone.
            models.Index(
                fields=["consultation", "submitted_at"], include=["email"], name="response_period_idx"
            ),
            # Only the responses from someone in the directory (few of a million, mostly):
            # who took part in a period reads this small index, not every response's row.
            models.Index(
                fields=["person", "submitted_at", "consultation"],
                condition=Q(person__isnull=False),
                name="response_person_idx",
            ),
            # When the directory's addresses change, the responses from them are linked
            # again (``linking.responses_relink``), found by address without regard to case.
            models.Index(Lower("email"), name="response_address_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Text for free text, a list of option values for choices, else the value as text.
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.response}: {self.question}"


class ResponseModeration(TimeStampedModel):
    """A moderator's decision on publishing one response, and its free-text answers as they
    will be published. A response without one, or with a pending one, is never published."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        PUBLISHED = "published", _("Published")
        REDACTED = "redacted", _("Published with redactions")
        NOT_PUBLISHED = "not_published", _("Not published")

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="moderation")
    status = models.CharField(_("decision"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason for not publishing"), max_length=500, blank=True)
    # The free-text answers a moderator changed, by question code, as they will be published.
    # An answer not here is published as the respondent wrote it.
    texts = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    team_path = "response__consultation__team"

    PUBLISHED_STATUSES = (Status.PUBLISHED, Status.REDACTED)

    class Meta:
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_published") | ~Q(reason=""),
                name="moderation_not_published_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="moderation_decision_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response}: {self.get_status_display()}"

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLISHED_STATUSES


class ResponseTag(CodedModel):
    """A word staff file a consultation's responses under. Each consultation has its own
    words, and typing one again (in any case) reuses it. Never shown outside staff pages."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="response_tags")
    name = models.CharField(_("tag"), max_length=60)
    responses = models.ManyToManyField(Response, related_name="tags", blank=True)

    team_path = "consultation__team"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("consultation", Lower("name"), name="response_tag_once_per_consultation")
        ]

    def __str__(self) -> str:
        return self.name


class ResponseNote(CodedModel):
    """A note a member of staff wrote while reading a response. Never shown outside staff pages."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    team_path = "response__consultation__team"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.response}: {self.text[:40]}"


class SubmissionAttempt(models.Model):
    """A submission tried from an address (kept as a keyed hash, never the address itself), for
    rate limits; rejected ones say why, so every rejection is on record."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    rejected_because = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.rejected_because or 'accepted'}"


class HelpRequest(CodedModel):
    """Someone asking for help to respond (assisted digital): a call back, a meeting, in Welsh."""

    class Way(models.TextChoices):
        PHONE = "phone", _("Phone me back")
        FACE_TO_FACE = "face_to_face", _("Meet me face to face")
        PAPER = "paper", _("Send me a paper copy")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="help_requests")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("postal address"), blank=True)
    way = models.CharField(_("help wanted"), max_length=20, choices=Way.choices)
    in_welsh = models.BooleanField(_("in Welsh"), default=False)
    when = models.CharField(_("good times to contact"), max_length=200, blank=True)
    needs = models.TextField(_("anything else we should know"), blank=True)
    # Reasonable adjustments asked for, as the directory's categories. A help request is not
    # linked to a directory person, so they are kept here for the staff who help.
    adjustments = models.JSONField(_("adjustments asked for"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.OneToOneField(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_request"
    )

    team_path = "consultation__team"
    audit_views = True

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_way_display()})"

    def adjustment_labels(self) -> list[str]:
        labels = dict(AdjustmentCategory.choices)
        return [str(labels[value]) for value in self.adjustments if value in labels]


class ResponseImport(StagedImport):
    """A spreadsheet of responses received on paper or by email, checked row by row and then
    imported once. The checked rows are kept here until the import is confirmed."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="imports")
    headers = models.JSONField(default=list)
    # [{"line": 2, "row": [...], "errors": [...], "about": {...}, "answers": {question code: value}}]
    rows = models.JSONField(default=list)
    imported_count = models.PositiveIntegerField(default=0)

    team_path = "consultation__team"


class SupportingDocumentQuerySet(models.QuerySet["SupportingDocument"]):
    def current(self) -> SupportingDocumentQuerySet:
        """The versions people are given now: neither replaced by a newer one nor withdrawn."""
        return self.filter(replaced_by__isnull=True, withdrawn_at__isnull=True)


class SupportingDocument(CodedModel):
    """A file published with a consultation: the full proposal, an impact assessment, an easy read version.

    Once the consultation is published its documents are evidence of what people were
    given: a replacement is a new version that ``replaces`` the one before, and removing
    one withdraws it (``withdrawn_at``); neither deletes a file. A draft's documents may
    still be deleted. An administrator may delete one version's file for good, with a
    reason (``file_deleted_at``); its row stays, so the history still shows it was there.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    file = models.FileField(upload_to="consultations/documents/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One version replaces at most one, and is replaced by at most one: a line, not a tree.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An administrator's escape hatch for a file that should never have been published
    # (personal data uploaded by mistake): the file goes, the version stays as a placeholder.
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)
    file_deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_deleted_reason = models.TextField(_("why the file was deleted"), blank=True)

    objects = SupportingDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(replaces__isnull=True, version=1) | Q(replaces__isnull=False, version__gt=1),
                name="document_version_follows_what_it_replaces",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title

    def keeps_history(self) -> bool:
        """Whether it is evidence of what people were given, so replacing or removing it
        keeps it: its consultation was published, or it already has earlier versions."""
        return self.consultation.is_published or self.replaces_id is not None

    def file_deleted_note(self) -> str:
        """ "File deleted on 5 December 2026 at 11:03pm by Alex Jones: <reason>", said in
        place of the file wherever the version is listed; "" while it has its file."""
        if self.file_deleted_at is None:
            return ""
        who = self.file_deleted_by
        return gettext("File deleted on %(when)s by %(who)s: %(reason)s") % {
            "when": date_and_time(self.file_deleted_at),
            "who": (who.full_name or who.email) if who is not None else gettext("a former member of staff"),
            "reason": self.file_deleted_reason,
        }

    @property
    def extension(self) -> str:
        return self.original_name.rsplit(".", 1)[-1].upper() if "." in self.original_name else ""
