"""Registration for events: the settings staff choose, the people who register, the
waiting list, and the reminders each registrant has been sent."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel, TimeStampedModel


class StandardQuestion(models.TextChoices):
    """The questions staff may choose to ask, beside their own."""

    ORGANISATION = "organisation", _("Organisation")
    ROLE = "role", _("Job title or role")
    DIETARY = "dietary", _("Dietary needs")
    ADJUSTMENTS = "adjustments", _("Adjustments to take part")
    HEARD = "heard", _("How they heard about the event")


DEFAULT_REMINDER_DAYS = [7, 1]


def _default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class RegistrationSettings(TimeStampedModel):
    """How people register for one activity: places, dates, questions and approval."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    activity = models.OneToOneField(
        "engagement.Activity", on_delete=models.CASCADE, related_name="registration_settings"
    )
    is_open = models.BooleanField(_("take registrations"), default=True)
    capacity = models.PositiveIntegerField(_("places"))
    opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    mode = models.CharField(_("online or in person"), max_length=20, choices=Mode.choices)
    joining_link = models.URLField(_("joining link"), blank=True)
    needs_approval = models.BooleanField(_("staff approve each registration"), default=False)
    # When staff last asked for those who did not come to be told about the materials: the
    # page says the emails are on their way (not the button again) while they go out.
    materials_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    questions = models.JSONField(_("questions to ask"), default=list, blank=True)
    offer_hours = models.PositiveSmallIntegerField(_("hours to accept an offered place"), default=48)
    reminder_days = models.JSONField(_("reminders, days before"), default=_default_reminder_days, blank=True)

    team_path = "activity__team"

    class Meta:
        verbose_name_plural = _("registration settings")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="registration_capacity_positive"),
            models.CheckConstraint(condition=Q(offer_hours__gte=1), name="registration_offer_hours_positive"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="registration_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Registration for {self.activity}"

    def clean(self) -> None:
        if self.mode == self.Mode.ONLINE and not self.joining_link:
            raise ValidationError({"joining_link": _("Enter the link people use to join the event online")})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Registration must close after it opens")})

    def state(self, now: datetime | None = None) -> str:
        """ "open", "not_yet", "closed" (by date, by staff or because the event has started)."""
        now = now or timezone.now()
        if not self.is_open or (self.closes_at and now >= self.closes_at) or now >= self.activity.starts_at:
            return "closed"
        if self.opens_at and now < self.opens_at:
            return "not_yet"
        return "open"


class CustomQuestion(models.Model):
    """A question staff add to the registration form, in English and Welsh."""

    settings = models.ForeignKey(
        RegistrationSettings, on_delete=models.CASCADE, related_name="custom_questions"
    )
    label = models.CharField(_("question"), max_length=300)
    label_cy = models.CharField(_("question in Welsh"), max_length=300, blank=True)
    required = models.BooleanField(_("an answer is needed"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    def label_for(self, language: str) -> str:
        return self.label_cy if language == "cy" and self.label_cy else self.label


class Registration(CodedModel):
    """One person's registration for an activity: a place, a place waiting for approval, a
    place offered from the waiting list, a place on the waiting list, or given up."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Place confirmed")
        PENDING = "pending", _("Waiting for approval")
        OFFERED = "offered", _("Place offered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Not approved")
        LAPSED = "lapsed", _("Offer not taken up")

    # Statuses that hold one of the event's places.
    HOLDING = (Status.CONFIRMED, Status.PENDING, Status.OFFERED)
    # Statuses of someone still registered (holding a place or waiting for one).
    ACTIVE = (*HOLDING, Status.WAITING)

    class Match(models.TextChoices):
        NONE = "", _("Not yet matched")
        LINKED = "linked", _("Already in the directory")
        CREATED = "created", _("Added to the directory")
        REVIEW = "review", _("Added; a likely match is waiting for review")

    activity = models.ForeignKey(
        "engagement.Activity", on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), max_length=254)
    email_normalised = models.CharField(max_length=254, editable=False)
    language = models.CharField(_("language"), max_length=2, default="en")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # The waiting list's order: earliest first. Staff moving someone to the list put them last.
    queued_at = models.DateTimeField(default=timezone.now)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    adjustments = models.TextField(_("adjustments asked for"), blank=True)
    # Values of the directory's ``AdjustmentCategory``, as the person's adjustments record keeps them.
    adjustment_categories = models.JSONField(default=list, blank=True)
    # Who the registrant agreed may see those needs: keys of the directory's adjustments
    # ``SHARING`` ("event_team", "venue"), carried to their adjustments record.
    adjustments_share = models.JSONField(default=list, blank=True)
    # The journey's token: the same "check your answers" page sent twice registers once.
    submission = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    match = models.CharField(
        _("directory match"), max_length=10, choices=Match.choices, blank=True, default=""
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Check-in at the door (``chorus.events.checkin``): the code the confirmation's QR code
    # carries (given when the confirmation is sent), when the person arrived, and whether
    # they walked in on the day without registering.
    checkin_code = models.CharField(max_length=8, unique=True, null=True, blank=True, editable=False)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    walk_in = models.BooleanField(_("walked in on the day"), default=False)
    # When someone who did not come was told where to find the materials: once each.
    materials_sent_at = models.DateTimeField(null=True, blank=True)

    team_path = "activity__team"
    audit_views = True

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            # Nobody holds two live registrations for one event, whatever the race.
            models.UniqueConstraint(
                fields=["activity", "email_normalised"],
                condition=Q(status__in=["confirmed", "pending", "offered", "waiting"]),
                name="registration_once_per_email",
            ),
        ]
        indexes = [models.Index(fields=["activity", "status", "queued_at"], name="registration_list_idx")]

    def __str__(self) -> str:
        return f"{self.name} for {self.activity}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ReminderSent(models.Model):
    """That a registrant was sent the reminder for so many days before: once each, whatever
    the job's reruns."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "days_before"], name="reminder_once_per_registrant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration}: {self.days_before} days"


class MaterialFile(CodedModel):
    """A file from an event (slides, notes, a recording) published on its public page once
    it has happened; links stay engagement's ``Material``."""

    activity = models.ForeignKey(
        "engagement.Activity", on_delete=models.CASCADE, related_name="material_files"
    )
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    file = models.FileField(upload_to="events/materials/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    team_path = "activity__team"

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title


class Invitation(TimeStampedModel):
    """That a person from the directory was invited to register for an activity, with a
    personal link: once per person per activity, whatever staff send again."""

    activity = models.ForeignKey("engagement.Activity", on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="event_invitations")
    invited_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    team_path = "activity__team"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="invitation_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} invited to {self.activity}"


class Evaluation(CodedModel):
    """The short survey after an activity, sent once to each person who came, and their
    one answer (blank until they give it)."""

    class Accessible(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    activity = models.ForeignKey("engagement.Activity", on_delete=models.CASCADE, related_name="evaluations")
    # Erasing the person keeps their scores in the counts but not who gave them.
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="event_evaluations"
    )
    language = models.CharField(max_length=2, default="en")
    answered_at = models.DateTimeField(null=True, blank=True)
    useful = models.PositiveSmallIntegerField(_("how useful"), null=True, blank=True)
    listened = models.PositiveSmallIntegerField(_("felt listened to"), null=True, blank=True)
    accessible = models.CharField(_("accessible"), max_length=10, choices=Accessible.choices, blank=True)
    improve = models.TextField(_("what to improve"), blank=True)

    team_path = "activity__team"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="evaluation_once_per_person"),
            models.CheckConstraint(
                condition=Q(useful__isnull=True) | Q(useful__gte=1, useful__lte=5),
                name="evaluation_useful_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(listened__isnull=True) | Q(listened__gte=1, listened__lte=5),
                name="evaluation_listened_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.activity}"
