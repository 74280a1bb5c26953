"""The form administrators issue an API token with."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team
from chorus.api.models import WRITABLE, Area, Level, scope_name
from chorus.core.forms import GovukDateField

LONGEST = timedelta(days=730)


def scope_choices() -> list[tuple[str, str]]:
    choices = []
    for area in Area:
        choices.append((scope_name(area, Level.READ), _("%(area)s: read") % {"area": area.label}))
        if area in WRITABLE:
            choices.append(
                (scope_name(area, Level.WRITE), _("%(area)s: read and change") % {"area": area.label})
            )
    return choices


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Integration name"),
        max_length=120,
        help_text=_("The system that will use the token, for example the data platform"),
        error_messages={"required": _("Enter the name of the system that will use the token")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=scope_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Give only what the integration needs. Reasonable adjustments need the people scope too."
        ),
        error_messages={"required": _("Choose at least one thing the token may do")},
    )
    expires_on = GovukDateField(
        label=_("Expires on"),
        subject=_("Expiry date"),
        help_text=_("At most two years from today, for example 31 3 2027"),
        error_messages={"required": _("Enter the date the token expires")},
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Restrict to teams (optional)"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The token sees only records of these teams and records of no team. "
            "Choose none to let it see every record, as an administrator does."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"expires_on": timezone.localdate() + timedelta(days=90)})
        super().__init__(*args, **kwargs)

    def clean_expires_on(self) -> date:
        expires: date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires <= today:
            raise forms.ValidationError(_("The expiry date must be in the future"))
        if expires > today + LONGEST:
            raise forms.ValidationError(_("The expiry date must be at most two years from today"))
        return expires

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scopes = set(cleaned.get("scopes") or [])
        wants_adjustments = any(s.startswith(f"{Area.ADJUSTMENTS}:") for s in scopes)
        has_people = any(s.startswith(f"{Area.PEOPLE}:") for s in scopes)
        if wants_adjustments and not has_people:
            self.add_error(
                "scopes", _("Reasonable adjustments can be read only with People as well: choose People too")
            )
        return cleaned
