"""Forms of event registration: the staff settings, and the public journey's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.forms import GovukDateTimeField
from chorus.directory.models import AdjustmentCategory
from chorus.engagement.models import Activity, ActivityType
from chorus.events.models import CustomQuestion, RegistrationSettings, StandardQuestion

# Who a registrant may let see their needs (keys of the directory's adjustments ``SHARING``).
SHARE_CHOICES = [
    ("event_team", _("The team running the event")),
    ("venue", _("The venue")),
]
CUSTOM_QUESTIONS = 3  # rows for custom questions on the settings page
MOST_REMINDER_DAYS = 60


class RegistrationSettingsForm(forms.Form):
    is_open = forms.TypedChoiceField(
        label=_("Take registrations?"),
        choices=[("yes", _("Yes")), ("no", _("No, registration is closed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to take registrations")},
    )
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": _("Enter the number of places"),
            "invalid": _("Enter the number of places as a whole number, like 50"),
            "min_value": _("The number of places must be 1 or more"),
            "max_value": _("The number of places must be 100,000 or fewer"),
        },
    )
    opens_at = GovukDateTimeField(
        label=_("Registration opens (optional)"),
        subject=_("Opening date"),
        required=False,
        help_text=_("Leave empty to open registration now. For example, 27 3 2026 and 9am"),
    )
    closes_at = GovukDateTimeField(
        label=_("Registration closes (optional)"),
        subject=_("Closing date"),
        required=False,
        help_text=_("Leave empty to close registration when the event starts."),
    )
    mode = forms.ChoiceField(
        label=_("Is the event online or in person?"),
        choices=RegistrationSettings.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the event is online or in person")},
    )
    joining_link = forms.URLField(
        label=_("Joining link (online events)"),
        assume_scheme="https",
        required=False,
        max_length=200,
        help_text=_("Only people with a place see it: in their confirmation, reminders and personal page."),
        error_messages={
            "invalid": _("Enter the joining link as a web address, like https://example.com/join")
        },
    )
    needs_approval = forms.TypedChoiceField(
        label=_("Do staff approve each registration?"),
        choices=[("no", _("No, confirm places straight away")), ("yes", _("Yes, staff approve each one"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether staff approve each registration")},
    )
    questions = forms.MultipleChoiceField(
        label=_("Questions to ask (optional)"),
        choices=StandardQuestion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    booked_support = forms.MultipleChoiceField(
        label=_("Support booked for the event (optional)"),
        choices=AdjustmentCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For example, a British Sign Language interpreter or a hearing loop you have hired. "
            "Needs that booked support meets are not shown as still to arrange."
        ),
    )
    offer_hours = forms.IntegerField(
        label=_("Hours to accept a place offered from the waiting list"),
        min_value=1,
        max_value=24 * 14,
        initial=48,
        error_messages={
            "required": _("Enter the number of hours to accept an offered place"),
            "invalid": _("Enter the number of hours as a whole number, like 48"),
            "min_value": _("Give people at least 1 hour to accept an offered place"),
            "max_value": _("Give people at most 336 hours (14 days) to accept an offered place"),
        },
    )
    reminder_days = forms.CharField(
        label=_("Send reminders this many days before (optional)"),
        required=False,
        max_length=50,
        initial="7, 1",
        help_text=_("Separate the numbers with commas, like 7, 1. Leave empty for no reminders."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, CUSTOM_QUESTIONS + 1):
            self.fields[f"custom_{n}_label"] = forms.CharField(
                label=_("Your question %(n)s (optional)") % {"n": n}, required=False, max_length=300
            )
            self.fields[f"custom_{n}_label_cy"] = forms.CharField(
                label=_("Your question %(n)s in Welsh (optional)") % {"n": n}, required=False, max_length=300
            )
            self.fields[f"custom_{n}_required"] = forms.BooleanField(
                label=_("People must answer question %(n)s") % {"n": n}, required=False
            )

    def custom_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"custom_{n}_label"], self[f"custom_{n}_label_cy"], self[f"custom_{n}_required"]]
            for n in range(1, CUSTOM_QUESTIONS + 1)
        ]

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data["reminder_days"].replace(" ", "")
        days: set[int] = set()
        for part in filter(None, text.split(",")):
            if not part.isdigit() or not 1 <= int(part) <= MOST_REMINDER_DAYS:
                raise ValidationError(
                    _("Enter whole numbers of days from 1 to %(most)s, separated by commas, like 7, 1"),
                    params={"most": MOST_REMINDER_DAYS},
                )
            days.add(int(part))
        return sorted(days, reverse=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == RegistrationSettings.Mode.ONLINE and not data.get("joining_link"):
            self.add_error("joining_link", _("Enter the link people use to join the event online"))
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("Registration must close after it opens"))
        closes = data.get("closes_at")
        # A closing time already past, newly entered, would close registration the moment it
        # is saved: almost always a mistyped year or month. One saved earlier may stay.
        if (
            data.get("is_open")
            and closes
            and closes <= timezone.now()
            and closes != self.initial.get("closes_at")
        ):
            self.add_error(
                "closes_at",
                _(
                    "The closing date is in the past. Enter a later date and time, or leave it "
                    "empty to close registration when the event starts"
                ),
            )
        for n in range(1, CUSTOM_QUESTIONS + 1):
            if (data.get(f"custom_{n}_label_cy") or data.get(f"custom_{n}_required")) and not data.get(
                f"custom_{n}_label"
            ):
                self.add_error(f"custom_{n}_label", _("Enter question %(n)s in English") % {"n": n})
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("is_open", "capacity", "opens_at", "closes_at", "mode", "joining_link", "needs_approval")
        return {
            **{name: data[name] for name in names},
            "questions": data["questions"],
            "offer_hours": data["offer_hours"],
            "reminder_days": data["reminder_days"],
        }

    def custom(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "label": data[f"custom_{n}_label"],
                "label_cy": data[f"custom_{n}_label_cy"],
                "required": data[f"custom_{n}_required"],
            }
            for n in range(1, CUSTOM_QUESTIONS + 1)
        ]

    @staticmethod
    def initial_from(
        settings_: RegistrationSettings | None,
        booked: list[str] | None = None,
        activity: Activity | None = None,
    ) -> dict[str, Any]:
        if settings_ is None:
            first: dict[str, Any] = {
                "is_open": "yes",
                "needs_approval": "no",
                "offer_hours": 48,
                "reminder_days": "7, 1",
                "booked_support": booked or [],
                # What people need to take part is what registration carries to the day.
                "questions": [StandardQuestion.ADJUSTMENTS],
            }
            return first | (_from_activity(activity) if activity is not None else {})
        initial: dict[str, Any] = {
            "booked_support": booked or [],
            "is_open": "yes" if settings_.is_open else "no",
            "capacity": settings_.capacity,
            "opens_at": settings_.opens_at,
            "closes_at": settings_.closes_at,
            "mode": settings_.mode,
            "joining_link": settings_.joining_link,
            "needs_approval": "yes" if settings_.needs_approval else "no",
            "questions": settings_.questions,
            "offer_hours": settings_.offer_hours,
            "reminder_days": ", ".join(str(d) for d in settings_.reminder_days),
        }
        for n, question in enumerate(settings_.custom_questions.all(), start=1):
            initial[f"custom_{n}_label"] = question.label
            initial[f"custom_{n}_label_cy"] = question.label_cy
            initial[f"custom_{n}_required"] = question.required
        return initial


def _from_activity(activity: Activity) -> dict[str, Any]:
    """What opening registration can take from the activity: online or in person (a place,
    or a joining link, or a webinar), and its joining link."""
    Mode = RegistrationSettings.Mode
    initial: dict[str, Any] = {}
    if activity.place_id and not activity.online_link:
        initial["mode"] = Mode.IN_PERSON
    elif not activity.place_id and (activity.online_link or activity.kind == ActivityType.WEBINAR):
        initial["mode"] = Mode.ONLINE
    if activity.online_link:
        initial["joining_link"] = activity.online_link
    return initial


class DetailsForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Your name must be 200 characters or fewer"),
        },
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will send your confirmation and reminders to this address."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    agree = forms.BooleanField(
        label=_("I agree that the team may keep my details to run this event and contact me about it"),
        error_messages={"required": _("Tick the box to agree, so that we can register you")},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Enter your full name"))
        return name


class AnswersForm(forms.Form):
    """The questions staff chose, in the page's language."""

    def __init__(
        self,
        *args: Any,
        settings_: RegistrationSettings,
        language: str,
        with_name: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        chosen = set(settings_.questions)
        if with_name:
            self.fields["name"] = DetailsForm.base_fields["name"]
        if StandardQuestion.ORGANISATION in chosen:
            self.fields["organisation"] = forms.CharField(
                label=_("Organisation (optional)"), required=False, max_length=200
            )
        if StandardQuestion.ROLE in chosen:
            self.fields["role"] = forms.CharField(
                label=_("Job title or role (optional)"), required=False, max_length=150
            )
        if StandardQuestion.DIETARY in chosen:
            self.fields["dietary"] = forms.CharField(
                label=_("Dietary needs (optional)"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("For example, vegetarian, or a food allergy."),
            )
        if StandardQuestion.ADJUSTMENTS in chosen:
            self.fields["adjustment_categories"] = forms.MultipleChoiceField(
                label=_("Do you need anything to take part? (optional)"),
                choices=AdjustmentCategory.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose all that apply."),
            )
            self.fields["adjustments"] = forms.CharField(
                label=_("Tell us more about what you need (optional)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            online = settings_.mode == RegistrationSettings.Mode.ONLINE
            self.fields["adjustments_share"] = forms.MultipleChoiceField(
                label=_("Who may we share what you need with? (optional)"),
                # An online event has no venue to tell.
                choices=[c for c in SHARE_CHOICES if not (online and c[0] == "venue")],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "We keep what you need on your record so that you need not tell us again. "
                    "We only share it with the people you choose, to get things ready for you."
                ),
            )
        if StandardQuestion.HEARD in chosen:
            self.fields["heard"] = forms.CharField(
                label=_("How did you hear about this event? (optional)"), required=False, max_length=300
            )
        self.custom: list[CustomQuestion] = list(settings_.custom_questions.all())
        for question in self.custom:
            label = question.label_for(language)
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=label if question.required else _("%(question)s (optional)") % {"question": label},
                required=question.required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": _("Answer “%(question)s”") % {"question": label}},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            AdjustmentCategory.OTHER in data.get("adjustment_categories", [])
            and not data.get("adjustments", "").strip()
        ):
            self.add_error("adjustments", _("Tell us what else you need"))
        return data

    def answers(self) -> dict[str, str]:
        """The answers to keep, by question (standard name, or the custom question's id)."""
        keep = {"organisation", "role", "dietary", "heard"}
        data = self.cleaned_data
        answers = {name: data[name].strip() for name in keep if name in data and data[name].strip()}
        for question in self.custom:
            value = data.get(f"q{question.pk}", "").strip()
            if value:
                answers[str(question.pk)] = value
        return answers


class CancelForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Are you sure you want to cancel your registration?"),
        choices=[("yes", _("Yes, cancel it")), ("no", _("No, keep it"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to cancel your registration")},
    )
