"""Cases: enquiries, complaints (with their stages), compliments and suggestions, each with
its service level, notes, replies and outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel, TimeStampedModel


class Kind(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    COMPLAINT = "complaint", _("Complaint")
    COMPLIMENT = "compliment", _("Compliment")
    SUGGESTION = "suggestion", _("Suggestion")


class Stage(models.TextChoices):
    """A complaint's stages, in order; other kinds have none ("")."""

    NONE = "", _("No stage")
    FIRST_RESPONSE = "first_response", _("First response")
    REVIEW = "review", _("Review")
    OMBUDSMAN = "ombudsman", _("Referred to the ombudsman")


# The stage a complaint moves to when it is escalated.
NEXT_STAGE: dict[str, str] = {
    Stage.FIRST_RESPONSE: Stage.REVIEW,
    Stage.REVIEW: Stage.OMBUDSMAN,
}


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")
    SOCIAL = "social", _("Social media")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    NONE = "", _("No outcome")
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Category(models.Model):
    """What a case is about, from a list administrators keep (in the admin)."""

    name_en = models.CharField(_("name in English"), max_length=100, unique=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=100, blank=True)
    is_active = models.BooleanField(_("offered on forms"), default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")

    def __str__(self) -> str:
        return self.name_en


class ServiceLevel(models.Model):
    """How many working days a case of a kind (and, for complaints, a stage) has for a reply."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True, default="")
    working_days = models.PositiveSmallIntegerField(_("working days to reply"))

    class Meta:
        ordering = ["kind", "stage"]
        verbose_name = _("service level")
        constraints = [
            models.UniqueConstraint(fields=["kind", "stage"], name="service_level_once_per_kind_stage"),
            models.CheckConstraint(condition=Q(working_days__gte=1), name="service_level_days_positive"),
        ]

    def __str__(self) -> str:
        stage = f" ({self.get_stage_display()})" if self.stage else ""
        return f"{self.get_kind_display()}{stage}: {self.working_days}"


class ReplyTemplate(TimeStampedModel):
    """A reply staff start from, in English and Welsh, with ``{name}``, ``{reference}``,
    ``{service}`` and ``{due_date}`` filled in for the case."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(
        _("for cases of kind"),
        max_length=20,
        choices=Kind.choices,
        blank=True,
        help_text=_("Leave empty to offer it for every kind"),
    )
    subject_en = models.CharField(_("subject in English"), max_length=200)
    subject_cy = models.CharField(_("subject in Welsh"), max_length=200, blank=True)
    body_en = models.TextField(_("text in English"))
    body_cy = models.TextField(_("text in Welsh"), blank=True)
    is_active = models.BooleanField(_("offered to staff"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reply template")

    def __str__(self) -> str:
        return self.name


class Case(CodedModel):
    """One enquiry, complaint, compliment or suggestion, from whichever channel it came."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True, default="")
    # A service's name as the person gave it or staff chose it. Chorus's feedback services
    # are on the same floor as cases, so not linked here (see docs/architecture.md).
    service = models.CharField(_("service"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    place = models.ForeignKey(
        "directory.Place",
        verbose_name=_("court, office or place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    channel = models.CharField(_("how it came to us"), max_length=20, choices=Channel.choices)
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    # The contact details as the person gave them (blank for an anonymous case).
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    description = models.TextField(_("what it is about"))
    language = models.CharField(_("language"), max_length=2, default="en")
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    received_on = models.DateField(_("received"), default=timezone.localdate)
    stage_started_on = models.DateField(_("stage started"), default=timezone.localdate)
    due_on = models.DateField(_("reply due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    lesson_learned = models.TextField(_("lesson learned"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The day it closed, in Europe/London, kept from ``closed_at`` on every save: the
    # dashboard groups closings by day, which on SQLite would otherwise be a Python call
    # for every case.
    closed_on = models.DateField(null=True, blank=True, editable=False)
    # The public form's token: the same form sent twice opens one case.
    submission = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # Values of the fields administrators add (``chorus.core.custom_fields``), by key.
    custom = models.JSONField(_("added fields"), default=dict, blank=True)

    team_path = "team"
    audit_views = True

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="complaint") | Q(stage=""), name="case_only_complaints_have_stages"
            ),
            models.CheckConstraint(
                condition=Q(kind="complaint") | Q(outcome=""), name="case_only_complaints_have_outcomes"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="case_status_due_idx"),
            models.Index(fields=["kind", "received_on"], name="case_kind_received_idx"),
            # The cases dashboard's timeliness and outcomes: cases closed in a period.
            models.Index(fields=["status", "closed_at"], name="case_status_closed_idx"),
            # The dashboard for someone in teams ("no team, or one of mine"): each side of
            # the "or" reads its own range of received or closed cases, and the services
            # named come from the index alone.
            models.Index(fields=["team", "received_on"], name="case_team_received_idx"),
            models.Index(fields=["team", "closed_at"], name="case_team_closed_idx"),
            models.Index(fields=["team", "service"], name="case_team_service_idx"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.closed_on = timezone.localdate(self.closed_at) if self.closed_at else None
        fields = kwargs.get("update_fields")
        if fields is not None and "closed_at" in fields:
            kwargs["update_fields"] = {*fields, "closed_on"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.reference or f"{self.get_kind_display()} (new)"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def next_stage(self) -> str:
        return NEXT_STAGE.get(self.stage, "") if self.kind == Kind.COMPLAINT else ""

    @property
    def is_anonymous(self) -> bool:
        return not (self.name or self.email or self.phone or self.address or self.person_id)

    def working_days_left(self, today: date | None = None) -> int:
        """Working days until the reply is due: negative once overdue."""
        from chorus.cases.working_days import working_days_between

        return working_days_between(today or timezone.localdate(), self.due_on)


class CaseAttachment(CodedModel):
    """A file the person sent with their case, checked for its type and size."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CaseNote(TimeStampedModel):
    """A line on the case's timeline: an internal note staff wrote, or what happened to the
    case (opened, assigned, escalated, closed), written by the service that did it."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        OPENED = "opened", _("Opened")
        ASSIGNED = "assigned", _("Assigned")
        STAGE = "stage", _("Escalated")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        EMAIL = "email", _("Email received")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case}"


class CaseReply(TimeStampedModel):
    """A reply sent to the person by email, kept as it was sent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    to = models.EmailField(_("sent to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=2, default="en")
    template = models.ForeignKey(
        ReplyTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name_plural = _("case replies")

    def __str__(self) -> str:
        return f"Reply on {self.case}"


class SatisfactionSurvey(CodedModel):
    """The short survey sent to the person when their enquiry or complaint is first closed
    (the row says it went, so it goes once however often the case is closed), and their one
    answer, blank until they give it."""

    class Satisfaction(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("Very satisfied")
        SATISFIED = "satisfied", _("Satisfied")
        NEITHER = "neither", _("Neither satisfied nor dissatisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")

    class Resolved(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class Timely(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="satisfaction")
    # The language the email went in, and the page is first shown in.
    language = models.CharField(max_length=2, default="en")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    satisfaction = models.CharField(
        _("how satisfied with how we handled it"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    resolved = models.CharField(_("resolved"), max_length=10, choices=Resolved.choices, blank=True)
    timely = models.CharField(_("in a reasonable time"), max_length=10, choices=Timely.choices, blank=True)
    improve = models.TextField(_("what we could do better"), blank=True)

    team_path = "case__team"

    class Meta:
        verbose_name = _("satisfaction survey")
        constraints = [
            # An answer is whole: the three questions are required.
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (~Q(satisfaction="") & ~Q(resolved="") & ~Q(timely="")),
                name="satisfaction_answer_complete",
            ),
        ]
        indexes = [
            # The cases dashboard counts surveys sent and answered in a period.
            models.Index(fields=["created_at"], name="satisfaction_sent_idx"),
            models.Index(fields=["answered_at", "satisfaction"], name="satisfaction_answered_idx"),
        ]

    def __str__(self) -> str:
        return f"Satisfaction survey on {self.case}"

    @property
    def is_satisfied(self) -> bool:
        return self.satisfaction in (self.Satisfaction.VERY_SATISFIED, self.Satisfaction.SATISFIED)


class CaseEmail(TimeStampedModel):
    """An email the person sent to the case address, as it came: who it was from and to, its
    subject and date, and the attachments that were not kept, with why. Its text is the case's
    description (the email that opened the case) or the timeline note it added (``note``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emails")
    note = models.OneToOneField(
        CaseNote, null=True, blank=True, on_delete=models.SET_NULL, related_name="email"
    )
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.EmailField(_("from"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    to = models.TextField(_("to"), blank=True)
    cc = models.TextField(_("copied to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Attachments not kept: [{"name": "invoice.exe", "reason": "type"}] (see ``REFUSALS``).
    refused = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Email on {self.case}"
