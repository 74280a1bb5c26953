"""Engagement: programmes and projects, activities, who came, and what changed because of it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.i18n import current_language
from chorus.core.imports.models import StagedImport
from chorus.core.models import CodedModel, TimeStampedModel

if TYPE_CHECKING:
    from chorus.accounts.models import User


class Programme(CodedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A stage a project passes through; administrators configure the list (discovery, alpha...)."""

    slug = models.SlugField(_("short name"), max_length=20, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    name_cy = models.CharField(_("name in Welsh"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name_for(current_language())

    def name_for(self, language: str) -> str:
        return self.name_cy if language == "cy" and self.name_cy else self.name


# The stages a new installation starts with (the GOV.UK service phases).
DEFAULT_STAGES = (
    ("discovery", "Discovery", "Darganfod"),
    ("alpha", "Alpha", "Alffa"),
    ("beta", "Beta", "Beta"),
    ("live", "Live", "Byw"),
    ("retired", "Retired", "Wedi ymddeol"),
)


def stages_ensure() -> None:
    """Create the default stages when there are none (a migration seeds them; a flushed
    test database or a restored empty table has none)."""
    if not Stage.objects.exists():
        for order, (slug, name, name_cy) in enumerate(DEFAULT_STAGES):
            Stage.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_cy": name_cy, "order": order}
            )


def default_stage() -> str:
    stages_ensure()
    return DEFAULT_STAGES[0][0]


class Project(CodedModel):
    """A project or service, in a programme, owned by a team."""

    name = models.CharField(_("name"), max_length=200)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    description = models.TextField(_("description"), blank=True)
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, db_column="stage", default=default_stage
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("owning team"), null=True, blank=True, on_delete=models.SET_NULL
    )

    team_path = "team"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="project_name_unique_in_programme")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityType(models.TextChoices):
    USER_FORUM = "user_forum", _("Public user forum")
    STRATEGIC_GROUP = "strategic_group", _("Strategic engagement group")
    WEBINAR = "webinar", _("Webinar")
    EVENT = "event", _("Event")
    MEETING = "meeting", _("Meeting")
    ROUNDTABLE = "roundtable", _("Roundtable")
    VISIT = "visit", _("Visit")
    BULLETIN = "bulletin", _("Bulletin")
    SOCIAL_MEDIA = "social_media", _("Social media campaign")
    SURVEY = "survey", _("Survey")
    IDEAS = "ideas", _("Ideas challenge")
    OTHER = "other", _("Other")


BROADCAST_TYPES = {ActivityType.BULLETIN, ActivityType.SOCIAL_MEDIA, ActivityType.SURVEY}


class Activity(CodedModel):
    """One piece of engagement: a forum, a webinar, a meeting, a bulletin..."""

    kind = models.CharField(_("type"), max_length=30, choices=ActivityType.choices)
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.ForeignKey(
        "directory.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL
    )
    online_link = models.URLField(_("link to join online"), blank=True)
    # Support arranged for the people who come (values of the directory's
    # ``AdjustmentCategory``: an interpreter, a hearing loop hired): the unmet-needs check
    # counts it as met. Event registration's settings page sets it.
    booked_support = models.JSONField(_("support booked"), default=list, blank=True)
    regions = models.ManyToManyField("directory.Region", verbose_name=_("regions"), blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), blank=True, related_name="activities"
    )
    groups = models.ManyToManyField(
        "directory.StakeholderGroup", verbose_name=_("stakeholder groups targeted"), blank=True
    )
    topics = models.ManyToManyField("directory.Topic", verbose_name=_("topics"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_cy = models.TextField(_("summary in Welsh"), blank=True)
    feedback = models.TextField(_("feedback captured"), blank=True)
    unlisted_attendees = models.PositiveIntegerField(_("attendees not in the directory"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    impressions = models.PositiveIntegerField(_("impressions"), default=0)
    is_public = models.BooleanField(_("show on the public calendar"), default=False)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("restricted to team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # Values of the fields administrators add (``chorus.core.custom_fields``), by key.
    custom = models.JSONField(_("added fields"), default=dict, blank=True)

    team_path = "team"

    class Meta:
        ordering = ["-starts_at"]
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["kind", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title

    def summary_for(self, language: str) -> str:
        return self.summary_cy if language == "cy" and self.summary_cy else self.summary

    @property
    def is_broadcast(self) -> bool:
        return self.kind in BROADCAST_TYPES


class Material(TimeStampedModel):
    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        RECORDING = "recording", _("Recording")
        QA = "qa", _("Questions and answers")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"))

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class Attendance(TimeStampedModel):
    """A person from the directory invited to, or at, an activity."""

    class Invitation(models.TextChoices):
        NOT_INVITED = "not_invited", _("Not invited")
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="attendance")
    invitation = models.CharField(
        _("invitation"), max_length=20, choices=Invitation.choices, default=Invitation.NOT_INVITED
    )
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="attendance_once_per_activity")
        ]
        # Both include ``attended`` so that the engagement report's counts (who came to these
        # activities; each person's first attendance) read the index alone.
        indexes = [
            models.Index(fields=["person", "attended", "activity"], name="attendance_person_idx"),
            models.Index(fields=["activity", "attended", "person"], name="attendance_activity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.activity}"


class ImpactRecord(CodedModel):
    """ "You said, we did": what people told us, what changed because of it, and how we told them."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_DOING = "not_doing", _("Not doing")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="impact"
    )
    activities = models.ManyToManyField(
        Activity, verbose_name=_("where we heard it"), blank=True, related_name="impact"
    )
    consultations = models.ManyToManyField(
        "consultations.Consultation",
        verbose_name=_("consultations it came from"),
        blank=True,
        related_name="impact",
    )
    # The themes of an analysis (a floor above) that the record answers, declared by string
    # like ``consultations``; a theme's ``impact`` is what changed because of it.
    themes = models.ManyToManyField(
        "analysis.Theme", verbose_name=_("themes it answers"), blank=True, related_name="impact"
    )
    you_said = models.TextField(_("you said"))
    you_said_cy = models.TextField(_("you said, in Welsh"), blank=True)
    we_did = models.TextField(_("we did"))
    we_did_cy = models.TextField(_("we did, in Welsh"), blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"))
    shared_back_on = models.DateField(_("shared back on"), null=True, blank=True)
    shared_back_how = models.CharField(_("how it was shared back"), max_length=200, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # "Done" by default: records written before there was a status describe what was done,
    # so the migration gives them "done" too; an update moves a record on from there.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DONE)

    team_path = "project__team"

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.you_said[:80]

    def you_said_for(self, language: str) -> str:
        return self.you_said_cy if language == "cy" and self.you_said_cy else self.you_said

    def we_did_for(self, language: str) -> str:
        return self.we_did_cy if language == "cy" and self.we_did_cy else self.we_did


class StatusUpdate(TimeStampedModel):
    """A dated note of progress, with who wrote it; each subclass adds what it is about and
    the status (from that thing's own choices) it left it at."""

    note = models.TextField(_("what has happened"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        abstract = True
        ordering = ["-on", "-id"]


class ImpactUpdate(StatusUpdate):
    """A dated note of where a "you said, we did" record stands, with the status it left it at."""

    record = models.ForeignKey(ImpactRecord, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=20, choices=ImpactRecord.Status.choices)

    class Meta(StatusUpdate.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_doing") | ~Q(note=""),
                name="impact_update_not_doing_has_reason",
                violation_error_message=_("Say why it will not be done"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record}: {self.get_status_display()} on {self.on}"

    def clean(self) -> None:
        if self.status == ImpactRecord.Status.NOT_DOING and not self.note.strip():
            raise ValidationError({"note": _("Say why it will not be done")})


def checkpoint_due_before(due_on: date) -> datetime:
    """The moment ``due_on`` ends in the organisation's time zone: something happened by the
    due date when it happened before this. Kept on each checkpoint (``due_before``) so that
    participation compares stored times with it, with no per-row conversion to a local date."""
    return timezone.make_aware(
        datetime.combine(due_on + timedelta(days=1), time.min), timezone.get_default_timezone()
    )


def _engaging() -> Q:
    """Whether people of the checkpoint's group took part in its project by the due date
    (``participation.took_part``: came, were on a panel that met, or responded)."""
    from chorus.engagement.participation import took_part

    return took_part()


class CheckpointQuerySet(models.QuerySet["Checkpoint"]):
    def with_engagement(self) -> CheckpointQuerySet:
        """Annotate ``engaged`` (see ``_engaging``), so ``status()`` needs no query of its own."""
        return self.annotate(
            engaged=models.ExpressionWrapper(_engaging(), output_field=models.BooleanField())
        )

    def engaged(self) -> CheckpointQuerySet:
        return self.filter(_engaging())

    def not_engaged(self) -> CheckpointQuerySet:
        return self.exclude(_engaging())


class Checkpoint(CodedModel):
    """A stakeholder group whose people must have taken part in a project before a stage can close."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checkpoints")
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, db_column="stage", related_name="+"
    )
    group = models.ForeignKey(
        "directory.StakeholderGroup", verbose_name=_("stakeholder group"), on_delete=models.PROTECT
    )
    due_on = models.DateField(_("due by"))
    # Set from ``due_on`` on every save (see ``checkpoint_due_before``).
    due_before = models.DateTimeField(blank=True, editable=False)
    waived_reason = models.CharField(_("reason for waiving"), max_length=300, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(_("team last reminded on"), null=True, blank=True)

    team_path = "project__team"

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage", "group"], name="checkpoint_once_per_stage_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.group} by {self.due_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.due_before = checkpoint_due_before(self.due_on)
        fields = kwargs.get("update_fields")
        if fields is not None and "due_on" in fields:
            kwargs["update_fields"] = {*fields, "due_before"}
        super().save(*args, **kwargs)

    def status(self) -> str:
        """Waived, met (people of the group took part in the project by the due date: see
        ``participation``), overdue or open. Fetch checkpoints with ``with_engagement()``
        to avoid a query each."""
        if self.waived_reason:
            return "waived"
        engaged = getattr(self, "engaged", None)
        if engaged is None:
            engaged = not Checkpoint.objects.filter(pk=self.pk).not_engaged().exists()
        if engaged:
            return "met"
        return "overdue" if self.due_on < timezone.localdate() else "open"


class AttendanceImport(StagedImport):
    """An event sign-up list, checked against the directory, waiting for a person's decisions.

    The rows are kept here (not the file): a sign-up list is small, and the review page
    shows every row with who it probably is.
    """

    class Status(models.TextChoices):
        CHECKED = "checked", _("Ready to review")
        DONE = "done", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="imports")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED)
    # [{"line": 2, "values": {...}, "errors": [...], "attended": true|false|null,
    #   "match": {"person": code, "name": "...", "why": "same email", "probability": 1.0} | null}]
    rows = models.JSONField(default=list)
    linked_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)

    team_path = "activity__team"


class ToolkitItem(CodedModel):
    """Guidance or a reusable template in the engagement toolkit, edited by administrators."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("Guidance")
        ACTIVITY_PLAN = "activity_plan", _("Activity plan")
        INVITATION = "invitation", _("Invitation text")
        CONSULTATION = "consultation", _("Consultation template")
        SURVEY = "survey", _("Survey template")
        CHECKPOINT_SET = "checkpoint_set", _("Checkpoint set")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    body_cy = models.TextField(_("text in Welsh"), blank=True)
    # Activity plans: the type of activity started from the plan.
    activity_kind = models.CharField(
        _("type of activity"), max_length=30, choices=ActivityType.choices, blank=True
    )
    # Checkpoint sets: [{"stage": "alpha", "group": "Judiciary", "days": 30}]
    checkpoints = models.JSONField(default=list, blank=True)
    is_published = models.BooleanField(_("shown to staff"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title

    def body_for(self, language: str) -> str:
        return self.body_cy if language == "cy" and self.body_cy else self.body


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def overdue(self) -> CommitmentQuerySet:
        """Past their due date and neither done nor dropped."""
        return self.filter(due_on__lt=timezone.localdate()).exclude(status__in=Commitment.CLOSED)

    def needing_attention(self) -> CommitmentQuerySet:
        """Overdue, or said to be at risk or late."""
        return self.filter(
            Q(due_on__lt=timezone.localdate())
            | Q(status__in=[Commitment.Status.AT_RISK, Commitment.Status.LATE])
        ).exclude(status__in=Commitment.CLOSED)

    def owned_by(self, user: User) -> CommitmentQuerySet:
        """Owned by ``user``, or by one of their teams."""
        return self.filter(Q(owner=user) | Q(team__in=user.teams.all()))


class Commitment(CodedModel):
    """Something the organisation has said it will do: a recommendation it was given, an
    action in an engagement plan, or a promise in a "you said, we did" record, tracked to done."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation from an oversight body or review")
        ACTION = "action", _("Action in an engagement plan")
        PROMISE = "promise", _("Promise in a “you said, we did” record")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        LATE = "late", _("Late")
        DONE = "done", _("Done")
        NOT_DOING = "not_doing", _("Not doing")

    # Finished one way or the other: never overdue.
    CLOSED = (Status.DONE, Status.NOT_DOING)

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    title_cy = models.CharField(_("title in Welsh"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_cy = models.TextField(_("description in Welsh"), blank=True)
    source = models.CharField(_("source document"), max_length=300, blank=True)
    # The source's own number for it ("R3"): with the source, what an import matches on.
    reference = models.CharField(_("reference"), max_length=50, blank=True)
    source_body = models.CharField(_("made by or to"), max_length=200, blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("owning team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    impact_record = models.ForeignKey(
        ImpactRecord,
        verbose_name=_("“you said, we did” record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    activities = models.ManyToManyField(
        Activity, verbose_name=_("evidence: activities"), blank=True, related_name="commitments"
    )
    consultations = models.ManyToManyField(
        "consultations.Consultation",
        verbose_name=_("evidence: consultations"),
        blank=True,
        related_name="commitments",
    )
    due_on = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    status_reason = models.TextField(_("why it will not be done"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    team_path = "team"

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "title"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_doing") | ~Q(status_reason=""),
                name="commitment_not_doing_has_reason",
                violation_error_message=_("Say why it will not be done"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.status == self.Status.NOT_DOING and not self.status_reason.strip():
            raise ValidationError({"status_reason": _("Say why it will not be done")})

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_on is not None and self.due_on < timezone.localdate() and self.status not in self.CLOSED
        )


class CommitmentUpdate(StatusUpdate):
    """A dated note of progress on a commitment, with the status it left it at."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=20, choices=Commitment.Status.choices)

    class Meta(StatusUpdate.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.commitment}: {self.get_status_display()} on {self.on}"


class CommitmentEvidence(TimeStampedModel):
    """A link to something that shows a commitment was kept, such as a published response."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"))
    added_on = models.DateField(_("added on"), default=timezone.localdate)

    class Meta:
        ordering = ["added_on", "id"]

    def __str__(self) -> str:
        return self.title


class CommitmentImport(StagedImport):
    """A spreadsheet of recommendations, every row checked, waiting for the importer to confirm.

    Kept only for a file with no wrong rows: one with any is refused on the upload page
    and leaves nothing. The rows are the checked values, so confirming reads no file.
    """

    # [{"line": 2, "values": {...}, "team": pk|null, "owner": pk|null, "due_on": "2027-03-31"|null,
    #   "source_date": ...|null, "existing": code|null}]
    rows = models.JSONField(default=list)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)


class CommitmentDigestSent(models.Model):
    """That a team's weekly commitments email was sent for a week (the week's Monday).

    Written in the same transaction that queues the email, and unique per team and week,
    so a job run twice, or run again after a crash, never sends a team two in a week.
    """

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="commitment_digest_once_a_week")]

    def __str__(self) -> str:
        return f"{self.team} {self.week}"


class LoggedEmail(CodedModel):
    """An email staff forwarded or copied to the people address (``chorus.core.mailbox``,
    read by ``engagement.emails``): engagement with the directory people it concerns, on
    each one's timeline, and on a project where its subject names one. One matched to no
    one waits in "Emails to file" until staff file it to people or discard it.

    Who may see one follows its people: a user sees it only if they may see every person
    (and the project) it is logged to (``emails.emails_for``); its words are for those who
    may see people's contact details, not viewers."""

    class Status(models.TextChoices):
        TO_FILE = "to_file", _("To file")
        FILED = "filed", _("Filed")
        DISCARDED = "discarded", _("Discarded")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.EmailField(_("from"), max_length=254)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    to = models.TextField(_("to"), blank=True)  # addresses, one a line
    cc = models.TextField(_("copied to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    # The staff member who sent, forwarded or copied it (the From, when it is a staff address).
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    people = models.ManyToManyField(
        "directory.Person", verbose_name=_("people"), blank=True, related_name="logged_emails"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="logged_emails",
    )
    # An iCalendar invitation it carried (kept as sent, to make the activity when it is
    # filed), its UID, and the activity made from it.
    calendar = models.TextField(blank=True)
    calendar_uid = models.CharField(max_length=255, blank=True, db_index=True)
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="logged_emails"
    )
    # Attachments not kept: [{"name": "invoice.exe", "reason": "type"}] (``uploads.attachment_problem``).
    refused = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    discard_reason = models.CharField(_("reason for discarding"), max_length=300, blank=True)

    audit_views = True

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="logged_email_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="discarded") | ~Q(discard_reason=""),
                name="logged_email_discarded_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or "(no subject)"

    @property
    def at(self) -> datetime:
        return self.sent_at or self.created_at


class LoggedEmailAttachment(CodedModel):
    """A file of a logged email that passed the checks every file people send passes."""

    email = models.ForeignKey(LoggedEmail, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="engagement/emails/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
