"""Abstract bases for the records an import keeps while a person checks it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel


class ImportRecord(CodedModel):
    """An uploaded file being imported, by whom."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_name = models.CharField(max_length=255)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class StagedImport(ImportRecord):
    """A small file read and checked while the person waits. The checked rows are kept here
    (not the file) until the import is confirmed, then written once."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Ready to import")
        DONE = "done", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED)
    rows = models.JSONField(default=list)

    class Meta(ImportRecord.Meta):
        abstract = True


class FileImport(ImportRecord):
    """A file, up to the deployment's import limits, kept until it is imported: read, checked
    and written by tasks, in batches that record their progress here."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Columns to match")
        CHECKING = "checking", _("Checking rows")
        CHECKED = "checked", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    class Matches(models.TextChoices):
        LINK = "link", _("Update the existing record")
        CREATE = "create", _("Create a new record anyway")

    file = models.FileField(upload_to="imports/%Y/%m/")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    on_match = models.CharField(max_length=10, choices=Matches.choices, default=Matches.LINK)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    # [{"line": 3, "errors": ["..."]}], every invalid row.
    problems = models.JSONField(default=list)
    # {"line": {"person": code, "name": "...", "why": "same email", "probability": 0.99}}
    matches = models.JSONField(default=dict)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)

    class Meta(ImportRecord.Meta):
        abstract = True

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.valid_rows) if self.valid_rows else 0
