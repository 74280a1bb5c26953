"""What every app shares: base columns, the audit log, editable site pages."""

from __future__ import annotations

import re
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CodedModel(TimeStampedModel):
    """A record that URLs name by an unguessable UUID, never by its primary key.

    ``team_path`` names the lookup from this model to the team that may see it
    (``None``: every staff user may); ``audit_views`` says whether showing one
    record is a view of personal data that the audit log must record.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    team_path: ClassVar[str | None] = None
    audit_views: ClassVar[bool] = False

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    LOCKED_OUT = "locked_out", _("Locked out")


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One thing someone did to, or saw of, personal data. Never changed once written.

    The migration also installs a database trigger that refuses UPDATE, so the
    rule holds for raw SQL too.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry still says who it was if the account goes.
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("kind of record"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @staticmethod
    def redact_record(*, object_type: str, object_id: str) -> int:
        """After an erasure, replace the erased record's name in past entries.

        This is the one change the database trigger allows: object_repr to the
        fixed text below, every other column as it was.
        """
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET object_repr = %s WHERE object_type = %s AND object_id = %s",
                [REDACTED, object_type, object_id],
            )
            return int(cursor.rowcount)


REDACTED = "Erased record"


class SitePage(TimeStampedModel):
    """A public page whose words administrators edit (accessibility statement, privacy notice)."""

    class Slug(models.TextChoices):
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        PRIVACY = "privacy", _("Privacy notice")

    slug = models.CharField(max_length=40, choices=Slug.choices, unique=True)
    title_en = models.CharField(_("title in English"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200)
    body_en = models.TextField(_("text in English"))
    body_cy = models.TextField(_("text in Welsh"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("site page")

    def __str__(self) -> str:
        return self.title_en

    def title_for(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title_en

    def body_for(self, language: str) -> str:
        return self.body_cy if language == "cy" and self.body_cy else self.body_en


class DemoDataset(models.Model):
    """Which demo builders have already run, so `chorus demo` never adds twice."""

    builder = models.CharField(max_length=100, unique=True)
    scale = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    summary = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.builder} ({self.scale})"


class ScheduledRun(models.Model):
    """When a periodic task was last queued; the row lock stops two schedulers queuing it twice."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class RateCount(models.Model):
    """How many requests one (hashed) address made in one window of one rate limit."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class ExportFile(CodedModel):
    """A file a person asked to download, written by a task (``chorus.core.exports``):
    complete or absent, never partial, and removed once it expires."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    exporter = models.CharField(max_length=100)  # the name it is registered under
    params = models.JSONField(default=dict)
    file_format = models.CharField(max_length=4, choices=Format.choices)
    title = models.CharField(max_length=300)  # what the person asked for, as the pages show it
    language = models.CharField(max_length=10, blank=True)  # of the page it was asked from
    download_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_written = models.PositiveBigIntegerField(default=0)
    total_rows = models.PositiveBigIntegerField(null=True, blank=True)
    sheets = models.PositiveSmallIntegerField(default=0)
    path = models.CharField(max_length=300, blank=True)  # under CHORUS_EXPORT_DIR, once complete
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_expired(self) -> bool:
        if self.status == self.Status.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.rows_written / self.total_rows))


class TaskLease(models.Model):
    """A running task's hold on its worker, renewed by a heartbeat (``chorus.core.leases``).

    A lease whose heartbeat is older than ``CHORUS_TASK_LEASE_SECONDS`` belongs to a worker
    that stopped; the reaper then queues the task again or marks it failed. A worker whose
    lease was taken from it keeps none of the task's result.
    """

    task_id = models.UUIDField(primary_key=True)
    task_path = models.CharField(max_length=300)
    worker_id = models.CharField(max_length=64)
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.task_path} on {self.worker_id}"


class MailboxMessage(models.Model):
    """An email a mailbox reader handed on (``chorus.core.mailbox``): kept in the transaction
    that stored what it held, so that reading it again stores nothing twice."""

    mailbox = models.CharField(max_length=40)
    # Its Message-ID, or a digest of it (or of the whole message, when it has none).
    key = models.CharField(max_length=255)
    read_at = models.DateTimeField(default=timezone.now)
    # What the apps made of it, in a few words ("opened CAS-2026-000012").
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mailbox", "key"], name="mailbox_message_once")]

    def __str__(self) -> str:
        return f"{self.mailbox}: {self.key}"


class CustomFieldTarget(models.TextChoices):
    """The kinds of record administrators may add fields to (``custom_fields.TARGETS``)."""

    PERSON = "person", _("People")
    ORGANISATION = "organisation", _("Organisations")
    ACTIVITY = "activity", _("Activities")
    CASE = "case", _("Cases")
    CONSULTATION = "consultation", _("Consultations")


class CustomFieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One choice")
    CHOICES = "choices", _("One or more choices")


class CustomField(CodedModel):
    """A field an administrator added to one kind of record (``chorus.core.custom_fields``).

    Values live in the record's ``custom`` JSON column under ``key``; ``choices`` is a list
    of ``{"value", "label_en", "label_cy"}``; ``roles`` lists the staff roles that see the
    field (empty: every role).
    """

    applies_to = models.CharField(_("added to"), max_length=20, choices=CustomFieldTarget.choices)
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_(
            "Short name in imports, exports and the API, like funding_stream. It cannot change later."
        ),
    )
    label_en = models.CharField(_("label in English"), max_length=100)
    label_cy = models.CharField(_("label in Welsh"), max_length=100)
    help_en = models.CharField(_("help text in English"), max_length=300, blank=True)
    help_cy = models.CharField(_("help text in Welsh"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CustomFieldKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    roles = models.JSONField(_("roles that see it"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("custom field")
        ordering = ["applies_to", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["applies_to", "key"], name="custom_field_key_unique_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.label_en} ({self.get_applies_to_display()})"

    def roles_display(self) -> list[str]:
        names = dict(Role.choices)
        return [str(names.get(role, role)) for role in self.roles or []]

    def clean(self) -> None:
        from chorus.core.custom_fields import choices_problem  # it reads this model

        # Letters first and no double underscore: the key is a step of a database lookup
        # (``custom__<key>``), where "__" would start another step and digits an array index.
        if self.key and (not re.fullmatch(r"[a-z][a-z0-9_]*", self.key) or "__" in self.key):
            raise ValidationError(
                {
                    "key": _(
                        "Enter a key of lower-case letters, digits and single underscores, "
                        "starting with a letter, like funding_stream"
                    )
                }
            )
        if self.key and _is_lookup_name(self.key):
            # "custom__isnull" would ask about the whole column, not a field called isnull.
            raise ValidationError(
                {
                    "key": _("This key is a word the database uses. Choose another, like %(key)s_value")
                    % {"key": self.key}
                }
            )
        if problem := choices_problem(self.kind, self.choices):
            raise ValidationError({"choices": problem})
        if self.roles and not (isinstance(self.roles, list) and set(self.roles) <= set(Role.values)):
            raise ValidationError({"roles": _("Choose roles Chorus has.")})


def _is_lookup_name(key: str) -> bool:
    """Whether ``key`` is a name Django's JSON lookups and transforms take (``isnull``,
    ``has_key``, ``gt``, ...), so that ``custom__<key>`` would not mean the field."""
    from django.db.models import JSONField

    lookups: dict[str, Any] = JSONField.get_class_lookups()  # type: ignore[attr-defined]
    return key in lookups or JSONField().get_lookup(key) is not None
