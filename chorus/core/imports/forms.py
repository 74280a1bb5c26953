"""The file field every import's upload form has."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.core.spreadsheets import Limits


def file_field(*, label: Any, empty: Any, help_text: Any = "") -> forms.FileField:
    """A spreadsheet upload, with messages that say how to fix a missing or empty file."""
    return forms.FileField(
        label=label,
        help_text=help_text,
        error_messages={"required": gettext_lazy("Choose a CSV or Excel file to upload"), "empty": empty},
    )


def limits_hint(limits: Limits | None = None) -> str:
    """What files the import takes, with the deployment's limits."""
    limits = limits or Limits.from_settings()
    return _("A CSV or Excel (.xlsx) file with a header row, up to %(size)s and %(rows)s rows") % {
        "size": filesizeformat(limits.max_bytes),
        "rows": number_format(limits.max_rows, force_grouping=True),
    }
