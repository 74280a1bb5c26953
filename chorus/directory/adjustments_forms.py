"""The reasonable adjustments form, for staff and for the person themselves (and its needs
part, which other forms that ask about needs reuse)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.forms import GovukDateField
from chorus.directory.adjustments import SHARING
from chorus.directory.models import AdjustmentCategory, AdjustmentsRecord

Category = AdjustmentCategory

SHARE_CHOICES = [
    ("event_team", _("The team running events I come to")),
    ("venue", _("The venue where an event is held")),
    ("other_services", _("Other services of the organisation")),
]
STAFF_SHARE_CHOICES = [
    ("event_team", _("The event team")),
    ("venue", _("The venue")),
    ("other_services", _("Other services of the organisation")),
]


def details_name(category: str) -> str:
    return f"details_{category}"


class AdjustmentNeedsForm(forms.Form):
    """The needs, each ticked with details revealed under it; "something else" needs them."""

    needs = forms.MultipleChoiceField(
        label=_("What do you need?"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in Category.values:
            self.fields[details_name(category)] = forms.CharField(
                label=_("What else do you need?")
                if category == Category.OTHER
                else _("Tell us more (optional)"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    # Set by a form staff fill in for the person (``AdjustmentsForm(staff=True)``).
    staff = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if Category.OTHER in data.get("needs", []) and not data.get(details_name(Category.OTHER), "").strip():
            self.add_error(
                details_name(Category.OTHER),
                _("Enter what else they need") if self.staff else _("Enter what else you need"),
            )
        return data

    def needs_with_details(self) -> dict[str, str]:
        """{category: details} of the needs ticked."""
        return {c: self.cleaned_data.get(details_name(c), "").strip() for c in self.cleaned_data["needs"]}

    def need_rows(self) -> list[dict[str, Any]]:
        """What the template shows for each need: its box and the details revealed under it."""
        value = self["needs"].value() or []
        return [
            {
                "value": category,
                "label": label,
                "id": "id_needs" if index == 0 else f"id_needs-{index}",
                "checked": category in value,
                "details": self[details_name(category)],
            }
            for index, (category, label) in enumerate(Category.choices)
        ]


def record_initial(record: AdjustmentsRecord | None) -> dict[str, Any]:
    if record is None:
        return {}
    initial: dict[str, Any] = {
        "needs": [n.category for n in record.needs.all()],
        "share_with": [key for key, name in SHARING.items() if getattr(record, name)],
        "review_on": record.review_on,
    }
    for need in record.needs.all():
        initial[details_name(need.category)] = need.details
    return initial


class AdjustmentsForm(AdjustmentNeedsForm):
    """The whole record: needs, sharing and (for staff) a review date."""

    share_with = forms.MultipleChoiceField(
        label=_("Who may we share these needs with?"),
        choices=SHARE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("We share only what you need, never your contact details. Select all that apply."),
    )
    review_on = GovukDateField(
        label=_("Review date (optional)"),
        subject=_("Review date"),
        required=False,
        help_text=_("When to check these are still right, for example 27 3 2027"),
    )

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            # Staff record the person's needs: the words speak of them, not to them.
            self.fields["needs"].label = _("What they need")
            for category in Category.values:
                self.fields[details_name(category)].label = (
                    _("What else do they need?")
                    if category == Category.OTHER
                    else _("More about what they need (optional)")
                )
            self.staff = True
            self.fields["share_with"].label = _("Who they agreed may see these needs")
            self.fields["share_with"].help_text = _("Only what they chose. Select all that apply.")
            self.fields["share_with"].choices = STAFF_SHARE_CHOICES  # type: ignore[attr-defined]
        else:
            del self.fields["review_on"]

    def clean_review_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("review_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The review date must be today or in the future"))
        return value


class AdjustmentsLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    website = forms.CharField(required=False)  # never shown; only bots fill it in
