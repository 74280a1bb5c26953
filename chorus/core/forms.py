from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.core.i18n import current_language
from chorus.core.models import AuditAction

# ISO, then the British day-first forms; never the American month-first one.
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y")


class DayField(forms.DateField):
    """A date typed as 2026-03-27, 27/03/2026 or 27 3 2026: every date form uses it."""

    input_formats = DAY_FORMATS


def name_in(obj: Any, language: str) -> str:
    """A record's ``name_cy`` on Welsh pages where it has one, otherwise its ``name_en``."""
    welsh = getattr(obj, "name_cy", "")
    return str(welsh if language == "cy" and welsh else getattr(obj, "name_en", obj))


class NamedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Records with ``name_en`` and ``name_cy`` (topics, regions), each shown by its name in
    the language of the page being drawn."""

    def label_from_instance(self, obj: Any) -> str:
        return name_in(obj, current_language())


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Email, record or address"))
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    object_type = forms.CharField(label=_("Kind of record"), required=False)
    date_from = DayField(
        label=_("From"),
        required=False,
        help_text=_("For example, 27 3 2026 or 2026-03-27"),
        error_messages={"invalid": _("Enter the start date as a real date, like 2026-03-27")},
    )
    date_to = DayField(
        label=_("To"),
        required=False,
        error_messages={"invalid": _("Enter the end date as a real date, like 2026-03-31")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return cleaned


class SitePageForm(forms.Form):
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        error_messages={"required": _("Enter a title in English")},
    )
    body_en = forms.CharField(
        label=_("Text in English"),
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": _("Enter the page's text in English")},
        help_text=_(
            'Leave a blank line between paragraphs. Start a line with "## " for a heading and '
            '"- " for a bullet point. Write links as [words](https://address).'
        ),
    )
    title_cy = forms.CharField(
        label=_("Title in Welsh"), max_length=200, error_messages={"required": _("Enter a title in Welsh")}
    )
    body_cy = forms.CharField(
        label=_("Text in Welsh"),
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": _("Enter the page's text in Welsh")},
    )
