from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chorus.core.i18n import current_language
from chorus.core.models import AuditAction

# ISO, then the British day-first forms; never the American month-first one.
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y")


class DayField(forms.DateField):
    """A date typed in one box as 2026-03-27, 27/03/2026 or 27 3 2026 (the response journey's
    date questions); staff forms use the GOV.UK date input, ``GovukDateField``."""

    input_formats = DAY_FORMATS


_PARTS = ("day", "month", "year")


def _missing_message(subject: str, missing: list[str]) -> str:
    messages = {
        ("day",): _("%(subject)s must include a day"),
        ("month",): _("%(subject)s must include a month"),
        ("year",): _("%(subject)s must include a year"),
        ("day", "month"): _("%(subject)s must include a day and month"),
        ("day", "year"): _("%(subject)s must include a day and year"),
        ("month", "year"): _("%(subject)s must include a month and year"),
    }
    return str(messages[tuple(missing)]) % {"subject": subject}


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (and a time box where a time is
    needed), drawn by ``{% govuk_field %}``. Posted as ``<name>_day``, ``<name>_month``,
    ``<name>_year`` (and ``<name>_time``)."""

    def __init__(self, *, with_time: bool = False) -> None:
        self.with_time = with_time
        self.parts = [*_PARTS, "time"] if with_time else list(_PARTS)
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {part: forms.TextInput() for part in self.parts}
        super().__init__(boxes)

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, str):
            value = _typed_date(value) or value
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [str(value.day), str(value.month), str(value.year), f"{value.hour:02d}:{value.minute:02d}"]
        if isinstance(value, datetime.date):
            midnight = "00:00" if self.with_time else ""
            return [str(value.day), str(value.month), str(value.year), midnight][: len(self.widgets)]
        if isinstance(value, str) and value.strip():
            # Not a date at all: kept in every box, so the field says it must be a real date.
            return [value] * len(self.widgets)
        return [""] * len(self.widgets)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # One typed value under the field's own name (as scripts and older links send it,
        # "2026-03-27 14:00") is read as if typed into the boxes.
        if name in data and not any(f"{name}_{part}" in data for part in self.parts):
            return self.decompress(data.get(name))
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_: str) -> str:
        # The error summary's link goes to the first box, as GOV.UK's does.
        return f"{id_}_day" if id_ else ""


def _typed_date(text: str) -> datetime.date | datetime.datetime | None:
    """A date, or a date and time, typed in one box: ISO or day first."""
    typed = text.strip()
    for form in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.datetime.strptime(typed, form)  # noqa: DTZ007 (local time, made aware on clean)
        except ValueError:
            continue
    for form in DAY_FORMATS:
        try:
            return datetime.datetime.strptime(typed, form).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


# "14:30", "2:30pm", "2pm", "9.15am", "midday", "midnight"
_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm|yb|yh)?$")


def _time_from(text: str) -> datetime.time | None:
    typed = text.strip().lower().replace(" ", "")
    if typed in ("midday", "noon", "12noon", "canoldydd", "hannerdydd"):
        return datetime.time(12, 0)
    if typed in ("midnight", "canolnos"):
        return datetime.time(0, 0)
    match = _TIME.match(typed)
    if match is None:
        return None
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half in ("pm", "yh") else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class GovukDateField(forms.MultiValueField):
    """A date entered in the GOV.UK date input, with GOV.UK's error messages: "Closing date
    must include a month", "Closing date must be a real date". ``subject`` names the date at
    the start of those sentences. Every form that takes a date from staff uses it (or
    ``GovukDateTimeField`` where a time is needed too)."""

    widget = GovukDateInput
    with_time = False

    def __init__(self, *, subject: str | Promise, **kwargs: Any) -> None:
        self.subject = subject
        boxes = [forms.CharField(required=False) for _part in _PARTS]
        if self.with_time:
            boxes.append(forms.CharField(required=False))
        kwargs.setdefault("widget", GovukDateInput(with_time=self.with_time))
        super().__init__(boxes, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> Any:
        values = [str(v or "").strip() for v in data_list]
        if not any(values):
            return None
        subject = str(self.subject)
        missing = [part for part, value in zip(_PARTS, values, strict=False) if not value]
        if missing:
            raise ValidationError(_missing_message(subject, missing), code="incomplete")
        try:
            day, month, year = (int(v) for v in values[:3])
            if year < 1000:
                raise ValueError(year)
            found = datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(
                _("%(subject)s must be a real date") % {"subject": subject}, code="invalid"
            ) from None
        if not self.with_time:
            return found
        typed = values[3] if len(values) > 3 else ""
        # Codes of their own, so that only the time box is marked wrong.
        if not typed:
            raise ValidationError(_("%(subject)s must include a time") % {"subject": subject}, code="no_time")
        time = _time_from(typed)
        if time is None:
            raise ValidationError(
                _("%(subject)s must be a real time, like 9:30am or 14:30") % {"subject": subject},
                code="bad_time",
            )
        return timezone.make_aware(datetime.datetime.combine(found, time))


class GovukDateTimeField(GovukDateField):
    """A date in the GOV.UK date input and a time ("14:30", "2:30pm"), as an aware datetime."""

    with_time = True


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
    date_from = GovukDateField(label=_("From"), subject=_("Start date"), required=False)
    date_to = GovukDateField(label=_("To"), subject=_("End date"), required=False)

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
