"""Template tags that render Django form fields as GOV.UK Design System components."""

from __future__ import annotations

from typing import Any, cast

from django import forms, template
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from chorus.core import i18n
from chorus.core.audit_text import audit_sentences, record_kind_name
from chorus.core.forms import GovukDateInput
from chorus.core.i18n import text_in_language
from chorus.core.models import AuditEntry

register = template.Library()
BLANK = BLANK_CHOICE_DASH[0][1]


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, GovukDateInput):
        return "date"
    # Checked first: Django's CheckboxSelectMultiple is a subclass of RadioSelect.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.simple_tag
def govuk_field(field: BoundField, width: str = "", label_size: str = "", hint: str = "") -> str:
    """One form field with its label, hint and error message, the GOV.UK way."""
    kind = _kind(field)
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "text")
    value = field.value()
    selected: set[str] = set()
    if kind in ("radios", "checkboxes", "select"):
        values = value if isinstance(value, list | tuple) else [value]
        selected = {str(getattr(v, "pk", v)) for v in values if v not in (None, "")}
    # Django gives radios and checkboxes no single label id, so use the field's own.
    field_id = field.auto_id if kind in ("radios", "checkboxes", "date") else field.id_for_label
    choices: list[dict[str, Any]] = []
    if kind in ("radios", "checkboxes", "select"):
        for index, (choice_value, choice_label) in enumerate(field.field.choices):  # type: ignore[attr-defined]
            raw = getattr(choice_value, "value", choice_value)
            choices.append(
                {
                    "id": field_id if index == 0 else f"{field_id}-{index}",
                    "value": "" if raw is None else str(raw),
                    # Django's "---------" for no choice reads as "Choose one", in every form.
                    "label": _("Choose one") if raw in ("", None) and choice_label == BLANK else choice_label,
                    "checked": str(raw) in selected,
                }
            )
    if kind == "date":
        choices = _date_boxes(field, field_id, value)
    context = {
        "field": field,
        "field_id": field_id,
        "kind": kind,
        "input_type": input_type,
        "value": "" if value is None or (kind != "input" and kind != "textarea") else value,
        "choices": choices,
        "attrs": widget.attrs,
        "width": width,
        "label_size": label_size,
        "hint": hint or field.help_text,
        "errors": field.errors,
    }
    if input_type == "password":
        context["value"] = ""
    # Template output is already a SafeString, escaped by the template engine.
    return render_to_string("includes/field.html", context)


def _date_boxes(field: BoundField, field_id: str, value: Any) -> list[dict[str, Any]]:
    """The GOV.UK date input's boxes, each with its label, width and value."""
    widget = cast(GovukDateInput, field.field.widget)
    values = value if isinstance(value, list | tuple) else widget.decompress(value)
    labels = {"day": _("Day"), "month": _("Month"), "year": _("Year"), "time": _("Time")}
    widths = {"day": "2", "month": "2", "year": "4", "time": "5"}
    shown = [str(values[i] or "") if i < len(values) else "" for i in range(len(widget.parts))]
    wrong = _wrong_boxes(field, widget.parts, shown)
    return [
        {
            "id": f"{field_id}_{part}",
            "name": f"{field.html_name}_{part}",
            "label": labels[part],
            "width": widths[part],
            "value": shown[index],
            "part": part,
            "error": part in wrong,
        }
        for index, part in enumerate(widget.parts)
    ]


def _wrong_boxes(field: BoundField, parts: list[str], shown: list[str]) -> set[str]:
    """The boxes to mark wrong, as GOV.UK does: only the time box for a time that is missing
    or not a time; the day, month and year for a date that is not a real date; the empty ones
    where some of the date is missing; every box for anything else (a date out of range)."""
    if not field.errors:
        return set()
    codes = {error.code for error in field.form.errors.as_data().get(field.name, [])}
    date_parts = [part for part in parts if part != "time"]
    if codes & {"no_time", "bad_time"}:
        return {"time"}
    if "invalid" in codes:
        return set(date_parts)
    if "incomplete" in codes:
        empty = {part for part, value in zip(parts, shown, strict=False) if not value and part != "time"}
        return empty or set(date_parts)
    return set(parts)


@register.inclusion_tag("includes/error_summary.html")
def govuk_error_summary(*forms_: forms.Form) -> dict[str, Any]:
    """The error summary that leads each failed form page."""
    errors: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            errors.append({"href": "", "message": str(message)})
        # In the order of the fields on the page, not the order the checks found them
        # (a form's clean() adds its errors after every clean_<field>).
        names = [name for name in form.fields if name in form.errors]
        names += [name for name in form.errors if name not in names and name in form.fields]
        for name in names:
            bound = form[name]
            for message in form.errors[name]:
                anchor = bound.auto_id if _kind(bound) in ("radios", "checkboxes") else bound.id_for_label
                errors.append({"href": f"#{anchor}", "message": str(message)})
    return {"errors": errors}


@register.filter
def localised(obj: Any, field: str) -> str:
    """``{{ challenge|localised:"title" }}``: the Welsh text on Welsh pages where there is one,
    as plain text (for ``<title>`` and attributes; in the page use ``in_language``)."""
    return text_in_language(obj, field).text


# English shown on a Welsh page is marked lang="en" (WCAG 3.1.2): see chorus.core.i18n.
@register.simple_tag
def in_language(obj: Any, field: str) -> SafeString:
    """``{% in_language consultation "title" %}``: the Welsh text on Welsh pages, and the
    English in ``<span lang="en">`` where there is no Welsh."""
    return i18n.in_language(obj, field)


@register.simple_tag
def fallback_lang(obj: Any, field: str) -> SafeString:
    """``<div class="govuk-body"{% fallback_lang consultation "body" %}>``: `` lang="en"`` on the
    element that holds a block of English shown on a Welsh page, otherwise nothing."""
    return i18n.lang_attribute(obj, field)


@register.simple_tag
def welsh_missing_tag(obj: Any, *fields: str) -> SafeString:
    """A "No Welsh version" tag on staff lists for a record without Welsh in ``fields``."""
    if i18n.has_welsh(obj, *fields):
        return SafeString("")
    return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', _("No Welsh version"))


@register.filter(name="audit_sentences")
def audit_sentences_filter(entry: AuditEntry) -> list[str]:
    """What an audit entry's detail says, as sentences (see ``chorus.core.audit_text``)."""
    return audit_sentences(entry)


@register.filter(name="record_kind_name")
def record_kind_name_filter(label: str) -> str:
    return record_kind_name(label)
