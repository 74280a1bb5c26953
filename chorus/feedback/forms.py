from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import User
from chorus.core.access import teams_assignable_by
from chorus.directory.models import Place, Region
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service, origin_of

TEXT_LIMIT = 2000  # characters of in-page feedback


def region_for_code(code: str) -> Region | None:
    """The region with ONS code ``code`` (any case, spaces ignored), or None."""
    code = (code or "").strip().upper()
    return Region.objects.filter(ons_code=code).first() if code else None


def place_for_code(code: str) -> Place | None:
    """The directory place whose code is ``code``, or None (also for what is not a code)."""
    try:
        return Place.objects.select_related("region").filter(code=UUID(str(code).strip())).first()
    except ValueError:
        return None


def where_from(region: Region | None, place: Place | None) -> tuple[Region | None, Place | None]:
    """The region and place to store: a place's own region when no region was given."""
    if place is not None and region is None:
        region = place.region
    return region, place


def where_disagrees(region: Region | None, place: Place | None) -> bool:
    """Whether a place is recorded in another region than the one given (a nation holds its
    English regions, so England agrees with a place in London)."""
    if region is None or place is None or place.region is None:
        return False
    return region.pk not in (place.region.pk, place.region.parent_id)


class ServiceForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields = ["name", "name_cy", "slug", "team", "allowed_origins", "equality_monitoring", "is_active"]
        labels = {
            "name": _("Name"),
            "name_cy": _("Name in Welsh (optional)"),
            "slug": _("Short name"),
            "team": _("Team (optional)"),
            "allowed_origins": _("Web addresses allowed to send feedback"),
            "equality_monitoring": _("Ask the equality monitoring questions after the exit survey"),
            "is_active": _("Accepting feedback"),
        }
        help_texts = {
            "slug": _(
                "Lower case letters, numbers and hyphens, like apply-for-probate. "
                "Used in the script and links"
            ),
            "allowed_origins": _(
                "One per line, like https://apply-for-probate.service.gov.uk. "
                "Pages elsewhere cannot send feedback"
            ),
        }
        error_messages = {
            "name": {"required": _("Enter the service's name")},
            "slug": {
                "required": _("Enter a short name"),
                "invalid": _("Use only lower case letters, numbers and hyphens in the short name"),
                "unique": _("Another service has this short name: choose another"),
            },
        }
        widgets = {"allowed_origins": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_assignable_by(user)  # type: ignore[attr-defined]

    def clean_allowed_origins(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]
        bad = [line for line in lines if not origin_of(line)]
        if bad:
            raise forms.ValidationError(
                _("“%(line)s” is not a web address: write each like https://example.gov.uk")
                % {"line": bad[0]}
            )
        return "\n".join(origin_of(line) for line in lines)


class ExitSurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how did you feel about the service you received today?"),
        choices=ExitSurveyResponse.Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how you felt about the service")},
    )
    effort = forms.TypedChoiceField(
        label=_("How easy or difficult was it to use this service?"),
        choices=ExitSurveyResponse.Effort.choices,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    needed_help = forms.TypedChoiceField(
        label=_("Did you need any help to use this service?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    help_from = forms.MultipleChoiceField(
        label=_("If you needed help, who helped you?"),
        help_text=_("Select all that apply"),
        choices=ExitSurveyResponse.Helper.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    improvement = forms.CharField(
        label=_("How could we improve this service?"),
        help_text=_("Do not include personal or financial information, like your National Insurance number"),
        max_length=1200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Your answer must be 1200 characters or fewer")},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("help_from") and data.get("needed_help") is False:
            self.add_error(
                "help_from", _("You said you did not need help: clear who helped you, or change your answer")
            )
        return data


class FeedbackForm(forms.Form):
    service = forms.SlugField(max_length=60, error_messages={"required": _("Give the service's short name")})
    kind = forms.ChoiceField(
        choices=PageFeedback.Kind.choices,
        error_messages={
            "required": _("Say what kind of feedback this is: useful, not_useful or problem"),
            "invalid_choice": _("Kind must be useful, not_useful or problem"),
        },
    )
    page = forms.URLField(
        max_length=2000,
        assume_scheme="https",
        error_messages={
            "required": _("Give the address of the page the feedback is about"),
            "invalid": _("Page must be a full web address, like https://example.gov.uk/apply"),
        },
    )
    text = forms.CharField(
        max_length=TEXT_LIMIT,
        required=False,
        error_messages={"max_length": _("Text must be 2000 characters or fewer")},
    )
    id = forms.UUIDField(
        required=False,
        error_messages={"invalid": _("Id must be a UUID, like 1b4e28ba-2fa1-41d2-883f-0016d3cca427")},
    )
    language = forms.ChoiceField(choices=[("en", "en"), ("cy", "cy")], required=False)
    region = forms.CharField(max_length=9, required=False)
    place = forms.CharField(max_length=36, required=False)

    def __init__(self, *args: Any, present: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Optional, but when sent they must be right: an empty id is not a UUID.
        for name in ("id", "language", "region", "place"):
            self.fields[name].required = name in present
        self.fields["id"].error_messages["required"] = _("Id must be a UUID, or left out")
        self.fields["language"].error_messages["required"] = _("Language must be en or cy, or left out")
        self.fields["region"].error_messages["required"] = _(
            "Region must be the ONS code of a nation or English region, like W92000004, or left out"
        )
        self.fields["place"].error_messages["required"] = _("Place must be a place's code, or left out")

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"]
        region = region_for_code(code)
        if code.strip() and region is None:
            raise forms.ValidationError(
                _(
                    "There is no region with the code “%(code)s”: use an ONS code of a nation or "
                    "English region, like E12000007 for London or W92000004 for Wales, or leave region out"
                ),
                params={"code": code.strip()[:9]},
            )
        return region

    def clean_place(self) -> Place | None:
        code = self.cleaned_data["place"]
        place = place_for_code(code)
        if code.strip() and place is None:
            raise forms.ValidationError(
                _("There is no place with that code: use a place's code from Chorus, or leave place out")
            )
        return place

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == PageFeedback.Kind.PROBLEM and not (data.get("text") or "").strip():
            self.add_error("text", _("Describe the problem: text is required when reporting a problem"))
        if where_disagrees(data.get("region"), data.get("place")):
            self.add_error(
                "place",
                _("This place is in another region: send the place's own region, or leave region out"),
            )
        return data
