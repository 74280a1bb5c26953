from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.equality.questions import QUESTIONS


class EqualityForm(forms.Form):
    """Every question optional, each with "Prefer not to say"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.name] = forms.ChoiceField(
                label=question.label,
                help_text=question.hint,
                choices=question.choices,
                widget=forms.RadioSelect,
                required=False,
                error_messages={
                    "invalid_choice": _("Select one of the options, or leave the question blank")
                },
            )
