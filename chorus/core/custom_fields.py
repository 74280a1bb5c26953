"""Fields administrators add to people, organisations, activities, consultations and cases (ADR 15).

A ``CustomField`` defines one; its values live in the record's ``custom`` JSON column,
keyed by the field's ``key``: text and choices as strings, numbers as JSON numbers, dates
as ISO text (``2026-03-27``, which sorts and compares as dates do), yes or no as
booleans, several choices as a list of strings. Everything that shows, takes, filters,
imports, exports or hands out values goes through this module, so a field reads the
same on every page, file and API response, and a role that may not see a field sees it
nowhere.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.core.dates import long_date
from chorus.core.forms import GovukDateField, _typed_date
from chorus.core.i18n import current_welsh_or_english
from chorus.core.imports.columns import Field, fold
from chorus.core.models import CustomField, CustomFieldKind
from chorus.core.roles import Role

if TYPE_CHECKING:
    from chorus.accounts.models import User

M = TypeVar("M", bound=models.Model)

# The model whose ``custom`` column holds each target's values, named by label so that
# core imports no app above it.
TARGETS = {
    "person": "directory.Person",
    "organisation": "directory.Organisation",
    "activity": "engagement.Activity",
    "case": "cases.Case",
    "consultation": "consultations.Consultation",
}
# Form fields (and filters) are named with this prefix and the field's key.
PREFIX = "custom_"
CHOICE_VALUE = re.compile(r"^[a-z0-9_-]{1,50}$")
# More choices than this are a drop-down rather than radios.
MOST_RADIOS = 6
LONGEST_TEXT = 500
YES_NO = {
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "true": True,
    "false": False,
    "ie": True,
    "na": False,
}


def definitions(applies_to: str, user: User | None = None) -> list[CustomField]:
    """The fields in use on ``applies_to`` records, in order; only those ``user``'s role
    sees where a user is given."""
    found = list(CustomField.objects.filter(applies_to=applies_to, active=True))
    return [d for d in found if user is None or may_see(user, d)]


def may_see(user: User, definition: CustomField) -> bool:
    return not definition.roles or user.role in definition.roles


def label(definition: CustomField) -> str:
    welsh = current_welsh_or_english() == "cy"
    return definition.label_cy if welsh and definition.label_cy else definition.label_en


def help_text(definition: CustomField) -> str:
    welsh = current_welsh_or_english() == "cy"
    return definition.help_cy if welsh and definition.help_cy else definition.help_en


def _choices(definition: CustomField, *, english: bool = False) -> list[tuple[str, str]]:
    welsh = not english and current_welsh_or_english() == "cy"
    return [
        (str(c["value"]), str((c.get("label_cy") if welsh else "") or c.get("label_en") or c["value"]))
        for c in definition.choices or []
    ]


def choices_problem(kind: str, choices: Any) -> str:
    """What is wrong with ``choices`` for a field of ``kind``, or "" if nothing is."""
    if kind not in (CustomFieldKind.CHOICE, CustomFieldKind.CHOICES):
        return _("Only fields of one or more choices have choices. Remove them.") if choices else ""
    if not isinstance(choices, list) or not choices:
        return _("Give at least one choice.")
    seen: set[str] = set()
    for choice in choices:
        value = choice.get("value") if isinstance(choice, dict) else None
        if not isinstance(value, str) or not CHOICE_VALUE.match(value):
            return _(
                "Each choice needs a value of lower-case letters, digits, hyphens or underscores, "
                "like in_person."
            )
        if not str(choice.get("label_en") or "").strip():
            return _("Give the choice “%(value)s” a label in English.") % {"value": value}
        if value in seen:
            return _("The choice “%(value)s” is there twice. Give each choice its own value.") % {
                "value": value
            }
        seen.add(value)
    return ""


def has_values(applies_to: str, key: str) -> bool:
    """Whether any record of ``applies_to`` keeps a value under ``key``."""
    model = apps.get_model(TARGETS[applies_to])
    return bool(model.objects.filter(custom__has_key=key).exists())


def kind_change_problem(definition: CustomField, *, was_kind: str, was_applies_to: str, was_key: str) -> str:
    """Why ``definition`` may not be saved with a new kind, key or record type: values kept
    under the old ones would no longer read as the field says."""
    if not definition.pk:
        return ""
    if (was_kind, was_applies_to, was_key) == (definition.kind, definition.applies_to, definition.key):
        return ""
    if has_values(was_applies_to, was_key):
        return _(
            "Records already have values for this field, so its kind, key and what it is added to "
            "cannot change. Add a new field instead, and stop using this one."
        )
    return ""


# Defining fields


def _choices_as_text(choices: Any) -> str:
    return "\n".join(
        " | ".join(str(c.get(part) or "") for part in ("value", "label_en", "label_cy")).rstrip(" |")
        for c in choices or []
        if isinstance(c, dict)
    )


class CustomFieldForm(forms.ModelForm[CustomField]):
    """A field's definition, on the staff page and in the admin site: choices typed one a
    line, roles ticked; a field with values keeps its kind, key and record type."""

    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles that see it (optional)"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none for every role."),
    )
    choices_text = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "For one or more choices: one a line, as value | English label | Welsh label, "
            "like in_person | In person | Wyneb yn wyneb"
        ),
    )

    class Meta:
        model = CustomField
        fields = [
            "applies_to",
            "key",
            "label_en",
            "label_cy",
            "help_en",
            "help_cy",
            "kind",
            "required",
            "roles",
            "order",
            "active",
        ]
        labels = {
            "applies_to": gettext_lazy("Added to"),
            "key": gettext_lazy("Key"),
            "label_en": gettext_lazy("Label in English"),
            "label_cy": gettext_lazy("Label in Welsh"),
            "help_en": gettext_lazy("Help text in English (optional)"),
            "help_cy": gettext_lazy("Help text in Welsh (optional)"),
            "kind": gettext_lazy("Kind"),
            "required": gettext_lazy("Every record must have a value"),
            "order": gettext_lazy("Order"),
            "active": gettext_lazy("In use"),
        }
        help_texts = {
            "order": gettext_lazy("Fields with lower numbers come first"),
            "active": gettext_lazy("A field no longer in use is hidden everywhere, and its values are kept"),
        }
        widgets = {"applies_to": forms.RadioSelect, "kind": forms.RadioSelect}
        error_messages = {
            "key": {
                "required": gettext_lazy("Enter a key, like funding_stream"),
                "invalid": gettext_lazy(
                    "Enter a key of lower-case letters, digits and single underscores, "
                    "starting with a letter, like funding_stream"
                ),
            },
            "label_en": {"required": gettext_lazy("Enter a label in English")},
            "label_cy": {"required": gettext_lazy("Enter a label in Welsh")},
            "applies_to": {"required": gettext_lazy("Select what the field is added to")},
            "kind": {"required": gettext_lazy("Select the kind of field")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("choices_text", _choices_as_text(self.instance.choices))
        for name in ("applies_to", "kind"):
            # Radios, so no empty choice.
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]

    def clean_key(self) -> str:
        key = str(self.cleaned_data["key"]).strip().lower()
        return key

    def clean_choices_text(self) -> list[dict[str, str]]:
        choices = []
        for line in self.cleaned_data["choices_text"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")] + ["", ""]
            choices.append({"value": parts[0], "label_en": parts[1], "label_cy": parts[2]})
        return choices

    def _update_errors(self, errors: ValidationError) -> None:
        # The model checks its choices; this form shows them as text. The key's uniqueness
        # reads as the other fields' messages do.
        if hasattr(errors, "error_dict"):
            if "choices" in errors.error_dict:
                errors.error_dict["choices_text"] = errors.error_dict.pop("choices")
            if "__all__" in errors.error_dict and any(
                getattr(e, "code", "") in ("unique", "unique_together") for e in errors.error_dict["__all__"]
            ):
                errors.error_dict["key"] = [
                    ValidationError(_("There is already a field with this key. Choose another key."))
                ]
                errors.error_dict.pop("__all__")
        super()._update_errors(errors)  # type: ignore[misc]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.instance.choices = cleaned.get("choices_text") or []
        saved = CustomField.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if saved is not None and all(name in cleaned for name in ("kind", "applies_to", "key")):
            probe = CustomField(
                pk=saved.pk, kind=cleaned["kind"], applies_to=cleaned["applies_to"], key=cleaned["key"]
            )
            if problem := kind_change_problem(
                probe, was_kind=saved.kind, was_applies_to=saved.applies_to, was_key=saved.key
            ):
                raise forms.ValidationError(problem)
        return cleaned


# Forms


def form_name(definition: CustomField) -> str:
    return f"{PREFIX}{definition.key}"


def form_field(definition: CustomField) -> forms.Field:
    """The Django form field that takes ``definition``'s value, labelled in the page's language,
    with error messages that say how to put it right."""
    name = label(definition)
    shown = name if definition.required else _("%(label)s (optional)") % {"label": name}
    common: dict[str, Any] = {
        "label": shown,
        "required": definition.required,
        "help_text": help_text(definition),
    }
    kind = definition.kind
    if kind == CustomFieldKind.NUMBER:
        return forms.DecimalField(
            **common,
            max_digits=20,
            decimal_places=6,
            error_messages={
                "required": _("Enter %(label)s") % {"label": name},
                "invalid": _("%(label)s must be a number, like 12 or 3.5") % {"label": name},
                "max_digits": _("%(label)s must be a smaller number") % {"label": name},
                "max_decimal_places": _("%(label)s must have at most 6 decimal places") % {"label": name},
                "max_whole_digits": _("%(label)s must be a smaller number") % {"label": name},
            },
        )
    if kind == CustomFieldKind.DATE:
        return GovukDateField(
            **common, subject=name, error_messages={"required": _("Enter %(label)s") % {"label": name}}
        )
    if kind == CustomFieldKind.YES_NO:
        return forms.ChoiceField(
            **common,
            choices=[("yes", _("Yes")), ("no", _("No"))],
            widget=forms.RadioSelect,
            error_messages={"required": _("Select yes or no for %(label)s") % {"label": name}},
        )
    if kind == CustomFieldKind.CHOICE:
        options = _choices(definition)
        many = len(options) > MOST_RADIOS
        return forms.ChoiceField(
            **common,
            choices=[("", _("Choose one")), *options] if many else options,
            widget=forms.Select if many else forms.RadioSelect,
            error_messages={
                "required": _("Select %(label)s") % {"label": name},
                "invalid_choice": _("Select one of the choices for %(label)s") % {"label": name},
            },
        )
    if kind == CustomFieldKind.CHOICES:
        return forms.MultipleChoiceField(
            **common,
            choices=_choices(definition),
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Select at least one for %(label)s") % {"label": name},
                "invalid_choice": _("Select only the choices offered for %(label)s") % {"label": name},
            },
        )
    return forms.CharField(
        **common,
        max_length=LONGEST_TEXT,
        error_messages={
            "required": _("Enter %(label)s") % {"label": name},
            "max_length": _("%(label)s must be %(most)s characters or fewer")
            % {"label": name, "most": LONGEST_TEXT},
        },
    )


def as_form_value(definition: CustomField, value: Any) -> Any:
    """A stored value as the field's form takes it (also what the API's JSON becomes)."""
    if value is None:
        return None
    if definition.kind == CustomFieldKind.YES_NO:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)
    if definition.kind == CustomFieldKind.CHOICES:
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if definition.kind == CustomFieldKind.DATE:
        return _typed_date(str(value)) or str(value)
    return value


def stored_value(definition: CustomField, cleaned: Any) -> Any:
    """A cleaned form value as the ``custom`` column keeps it; None for no value."""
    if cleaned in (None, "", [], ()):
        return None
    if definition.kind == CustomFieldKind.NUMBER:
        number = Decimal(cleaned)
        return int(number) if number == number.to_integral_value() else float(number)
    if definition.kind == CustomFieldKind.DATE:
        return cleaned.isoformat()
    if definition.kind == CustomFieldKind.YES_NO:
        return cleaned == "yes"
    if definition.kind == CustomFieldKind.CHOICES:
        return [str(v) for v in cleaned]
    return str(cleaned).strip() or None


class CustomFieldsForm(forms.Form):
    """A form with the custom fields of one kind of record that its user may see.

    Call ``custom_fields_add`` from ``__init__``; once valid, ``cleaned_data["custom"]`` is
    the record's whole ``custom`` value: what the user changed laid over what they may not
    see (or that is no longer in use), which is kept as it was.
    """

    custom_definitions: list[CustomField]
    custom_existing: dict[str, Any]

    def custom_fields_add(self, applies_to: str, user: User | None, existing: dict[str, Any] | None) -> None:
        self.custom_definitions = definitions(applies_to, user)
        self.custom_existing = dict(existing or {})
        for definition in self.custom_definitions:
            name = form_name(definition)
            self.fields[name] = form_field(definition)
            initial = as_form_value(definition, self.custom_existing.get(definition.key))
            if initial is not None:
                self.initial.setdefault(name, initial)

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[form_name(d)] for d in getattr(self, "custom_definitions", [])]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if hasattr(self, "custom_definitions"):
            custom = dict(self.custom_existing)
            for definition in self.custom_definitions:
                name = form_name(definition)
                if name not in cleaned:
                    continue  # not valid: the form shows why
                value = stored_value(definition, cleaned.pop(name))
                if value is None:
                    custom.pop(definition.key, None)
                else:
                    custom[definition.key] = value
            cleaned["custom"] = custom
        return cleaned


def form_data(defs: Iterable[CustomField], values: dict[str, Any]) -> dict[str, Any]:
    """JSON values by key (from the API) as form data for ``CustomFieldsForm``; keys not
    among ``defs`` are left out (the caller refuses them)."""
    data: dict[str, Any] = {}
    for definition in defs:
        if definition.key not in values:
            continue
        value = as_form_value(definition, values[definition.key])
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[form_name(definition)] = (
            value if isinstance(value, list) else ("" if value is None else str(value))
        )
    return data


# Showing values


def shown(definition: CustomField, value: Any) -> str:
    """A value as a reader of the page would write it, in the page's language: "5 December
    2026", "Yes", a choice's label; "" for no value."""
    if value in (None, "", []):
        return ""
    kind = definition.kind
    if kind == CustomFieldKind.YES_NO:
        return _("Yes") if value else _("No")
    if kind == CustomFieldKind.DATE:
        day = _typed_date(str(value))
        return long_date(day) if isinstance(day, datetime.date) else str(value)
    if kind in (CustomFieldKind.CHOICE, CustomFieldKind.CHOICES):
        names = dict(_choices(definition))
        items = value if isinstance(value, list) else [value]
        return ", ".join(names.get(str(v), str(v)) for v in items)
    if kind == CustomFieldKind.NUMBER:
        return f"{value:,}" if isinstance(value, int) else f"{Decimal(str(value)).normalize():,f}"
    return str(value)


def rows(applies_to: str, user: User, custom: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value in words) for each field ``user`` sees on the record, for its page."""
    custom = custom or {}
    return [(label(d), shown(d, custom.get(d.key))) for d in definitions(applies_to, user)]


def exported(definition: CustomField, value: Any) -> str | int | float:
    """A value for a CSV or Excel cell: numbers as numbers, dates as ISO text, yes or no,
    choices by their English labels."""
    if value in (None, "", []):
        return ""
    kind = definition.kind
    if kind == CustomFieldKind.YES_NO:
        return "yes" if value else "no"
    if kind in (CustomFieldKind.CHOICE, CustomFieldKind.CHOICES):
        names = dict(_choices(definition, english=True))
        items = value if isinstance(value, list) else [value]
        return "; ".join(names.get(str(v), str(v)) for v in items)
    if kind == CustomFieldKind.NUMBER and isinstance(value, int | float):
        return value
    return str(value)


def export_header(defs: Iterable[CustomField]) -> list[str]:
    """The columns an export adds for ``defs``: one a field, by its English label, as the
    rest of every export's header is."""
    return [d.label_en for d in defs]


def export_cells(defs: Iterable[CustomField], custom: dict[str, Any] | None) -> list[str | int | float]:
    """A record's cells under ``export_header(defs)``."""
    custom = custom or {}
    return [exported(d, custom.get(d.key)) for d in defs]


def visible_values(defs: Iterable[CustomField], custom: dict[str, Any] | None) -> dict[str, Any]:
    """The values of ``defs`` in ``custom``: what the API returns for a record."""
    custom = custom or {}
    return {d.key: custom[d.key] for d in defs if d.key in custom}


# Reading values from files


def _parsed_choices(definition: CustomField, typed: str) -> str | list[str]:
    by_text: dict[str, str] = {}
    for choice in definition.choices or []:
        for part in ("value", "label_en", "label_cy"):
            if choice.get(part):
                by_text[str(choice[part]).strip().lower()] = str(choice["value"])
    many = definition.kind == CustomFieldKind.CHOICES
    items = [t.strip() for t in typed.split(";") if t.strip()] if many else [typed]
    chosen = []
    for item in items:
        if item.lower() not in by_text:
            raise ValidationError(
                _("“%(value)s” is not one of the choices for %(label)s")
                % {"value": item, "label": label(definition)}
            )
        chosen.append(by_text[item.lower()])
    return chosen if many else chosen[0]


def _parsed_number(definition: CustomField, typed: str) -> int | float:
    try:
        number = Decimal(typed.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError(_("%(label)s must be a number, like 12 or 3.5") % {"label": label(definition)})
    return int(number) if number == number.to_integral_value() else float(number)


def parsed(definition: CustomField, text: str) -> Any:
    """A value typed in an import file's cell, as stored; None for an empty cell. Raises
    ValidationError with a message like the form's. Several choices are separated by ";"."""
    typed = text.strip()
    if not typed:
        return None
    name = label(definition)
    kind = definition.kind
    if kind == CustomFieldKind.NUMBER:
        return _parsed_number(definition, typed)
    if kind == CustomFieldKind.DATE:
        day = _typed_date(typed)
        if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
            raise ValidationError(_("%(label)s must be a real date, like 27/3/2026") % {"label": name})
        return day.isoformat()
    if kind == CustomFieldKind.YES_NO:
        if typed.lower() not in YES_NO:
            raise ValidationError(_("%(label)s must be yes or no") % {"label": name})
        return YES_NO[typed.lower()]
    if kind in (CustomFieldKind.CHOICE, CustomFieldKind.CHOICES):
        return _parsed_choices(definition, typed)
    if len(typed) > LONGEST_TEXT:
        raise ValidationError(
            _("%(label)s must be %(most)s characters or fewer") % {"label": name, "most": LONGEST_TEXT}
        )
    return typed


def _must_map(definition: CustomField) -> str:
    name = label(definition)
    return _(
        "Match a column to %(label)s: every record needs one. If the file has no such column, "
        "add one, or ask an administrator to make %(label)s optional."
    ) % {"label": name}


class WithCustomFields(Mapping[str, Field]):
    """An import kind's fields followed by the added fields in use on its records, read
    afresh each time, so a field added today is a column to match today; with a user
    (``for_user``), only the added fields their role sees. A required added field must be
    matched to a column (``Field.must_map``)."""

    def __init__(self, base: Mapping[str, Field], applies_to: str, user: User | None = None) -> None:
        self.base = base
        self.applies_to = applies_to
        self.user = user

    def for_user(self, user: User | None) -> WithCustomFields:
        """These fields as ``user`` may import them: the added fields their role sees."""
        return WithCustomFields(self.base, self.applies_to, user)

    def _all(self) -> dict[str, Field]:
        added = {
            form_name(d): Field(
                label(d),
                tuple({fold(d.key), fold(d.label_en), fold(d.label_cy)}),
                must_map=_must_map(d) if d.required else "",
            )
            for d in definitions(self.applies_to, self.user)
        }
        return {**self.base, **added}

    def __getitem__(self, name: str) -> Field:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def row_problems(defs: Iterable[CustomField], values: dict[str, str]) -> list[str]:
    """What is wrong with an import row's cells for the added fields ``defs``."""
    problems = []
    for definition in defs:
        text = values.get(form_name(definition), "")
        try:
            value = parsed(definition, text)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        if value is None and definition.required and form_name(definition) in values:
            problems.append(_("%(label)s is missing. Every record needs one.") % {"label": label(definition)})
    return problems


def row_values(defs: Iterable[CustomField], values: dict[str, str]) -> dict[str, Any]:
    """The added fields' values in a checked import row, by key."""
    found = {}
    for definition in defs:
        value = parsed(definition, values.get(form_name(definition), ""))
        if value is not None:
            found[definition.key] = value
    return found


# Filters


def filter_field(definition: CustomField) -> forms.Field:
    """The field that filters a list by ``definition``: text that contains what is typed,
    a number or a date exactly, yes or no, or one of the choices."""
    name = label(definition)
    kind = definition.kind
    if kind == CustomFieldKind.NUMBER:
        return forms.DecimalField(
            label=name,
            required=False,
            error_messages={"invalid": _("%(label)s must be a number, like 12 or 3.5") % {"label": name}},
        )
    if kind == CustomFieldKind.DATE:
        # One box, as the list's other filters are and as its address carries it.
        return forms.DateField(
            label=name,
            required=False,
            input_formats=("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"),
            help_text=_("For example, 27/3/2026"),
            error_messages={"invalid": _("%(label)s must be a real date, like 27/3/2026") % {"label": name}},
        )
    if kind == CustomFieldKind.YES_NO:
        return forms.ChoiceField(
            label=name, required=False, choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
        )
    if kind in (CustomFieldKind.CHOICE, CustomFieldKind.CHOICES):
        return forms.ChoiceField(label=name, required=False, choices=[("", _("Any")), *_choices(definition)])
    return forms.CharField(label=name, required=False, max_length=200)


def filter_fields(applies_to: str, user: User | None) -> dict[str, forms.Field]:
    return {form_name(d): filter_field(d) for d in definitions(applies_to, user)}


def filtered(queryset: models.QuerySet[M], applies_to: str, cleaned: dict[str, Any]) -> models.QuerySet[M]:
    """``queryset`` narrowed by the custom filters in a filter form's ``cleaned`` data.

    The lookups are ones SQLite and PostgreSQL both answer: a key's exact JSON value, and
    text containment for text and for several choices (whose values are slugs, so
    ``"value"`` with its quotes matches that choice and no other)."""
    for definition in definitions(applies_to):
        value = cleaned.get(form_name(definition))
        if value in (None, ""):
            continue
        path = f"custom__{definition.key}"
        kind = definition.kind
        if kind == CustomFieldKind.TEXT:
            queryset = queryset.filter(**{f"{path}__icontains": str(value)})
        elif kind == CustomFieldKind.NUMBER:
            number = stored_value(definition, value)
            queryset = queryset.filter(**{path: number})
        elif kind == CustomFieldKind.DATE:
            queryset = queryset.filter(**{path: str(value)})  # a date: its ISO text
        elif kind == CustomFieldKind.YES_NO:
            queryset = queryset.filter(**{path: value == "yes"})
        elif kind == CustomFieldKind.CHOICE:
            queryset = queryset.filter(**{path: str(value)})
        else:
            queryset = queryset.filter(**{f"{path}__icontains": f'"{value}"'})
    return queryset
