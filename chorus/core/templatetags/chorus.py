"""Template tags that render Django form fields as GOV.UK Design System components."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string

from chorus.core.audit_text import audit_sentences, record_kind_name
from chorus.core.i18n import current_language
from chorus.core.models import AuditEntry

register = template.Library()


def _kind(field: BoundField) -> str:
    widget = field.field.widget
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
    field_id = field.auto_id if kind in ("radios", "checkboxes") else field.id_for_label
    choices: list[dict[str, Any]] = []
    if kind in ("radios", "checkboxes", "select"):
        for index, (choice_value, choice_label) in enumerate(field.field.choices):  # type: ignore[attr-defined]
            raw = getattr(choice_value, "value", choice_value)
            choices.append(
                {
                    "id": field_id if index == 0 else f"{field_id}-{index}",
                    "value": "" if raw is None else str(raw),
                    "label": choice_label,
                    "checked": str(raw) in selected,
                }
            )
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
    """``{{ challenge|localised:"title" }}``: the Welsh text on Welsh pages where there is one."""
    if current_language().startswith("cy"):
        welsh = getattr(obj, f"{field}_cy", "")
        if welsh:
            return str(welsh)
    return str(getattr(obj, field, ""))


@register.filter(name="audit_sentences")
def audit_sentences_filter(entry: AuditEntry) -> list[str]:
    """What an audit entry's detail says, as sentences (see ``chorus.core.audit_text``)."""
    return audit_sentences(entry)


@register.filter(name="record_kind_name")
def record_kind_name_filter(label: str) -> str:
    return record_kind_name(label)
