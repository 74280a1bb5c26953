"""A page of consultation questions, with follow-ups revealed under the answer that leads to
them (the GOV.UK conditional reveal: shown at once without JavaScript, hidden until that
answer is chosen with it)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from chorus.consultations.journey import PageForm
from chorus.core.templatetags.chorus import govuk_field

register = template.Library()


@register.simple_tag
def question_fields(form: PageForm) -> SafeString:
    """Every question on the page, each follow-up revealed under its question's answer."""
    reveals = form.reveals()
    parts: list[str] = []
    for bound in form:
        if bound.name in form.revealed:
            continue
        if bound.name in reveals:
            parts.append(_revealing_field(bound, reveals[bound.name], form))
        else:
            parts.append(govuk_field(bound, label_size="s"))
    return _joined(parts)


def _joined(parts: list[str]) -> SafeString:
    """Rendered fields one after another (each already escaped by its template)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _revealing_field(bound: BoundField, reveals: dict[str, list[str]], form: PageForm) -> str:
    kind = "checkboxes" if isinstance(bound.field.widget, forms.CheckboxSelectMultiple) else "radios"
    value = bound.value()
    values = value if isinstance(value, list | tuple) else [value]
    selected = {str(v) for v in values if v not in (None, "")}
    field_id = bound.auto_id
    choices: list[dict[str, Any]] = []
    for index, (choice_value, label) in enumerate(bound.field.choices):  # type: ignore[attr-defined]
        choice_id = field_id if index == 0 else f"{field_id}-{index}"
        revealed = _joined([govuk_field(form[name]) for name in reveals.get(str(choice_value), [])])
        choices.append(
            {
                "id": choice_id,
                "value": str(choice_value),
                "label": label,
                "checked": str(choice_value) in selected,
                "reveals": revealed,
            }
        )
    return render_to_string(
        "consultations/_revealing_field.html",
        {
            "field": bound,
            "field_id": field_id,
            "name": bound.html_name,
            "kind": kind,
            "choices": choices,
            "hint": bound.help_text,
            "errors": bound.errors,
        },
    )
