"""Forms of cases: the staff list's filters, staff entry, assigning, notes, replies,
closing; and the public form for each kind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team, User
from chorus.cases.models import Case, Category, Channel, Kind, Outcome, ReplyTemplate, Status
from chorus.core.custom_fields import CustomFieldsForm, filter_fields
from chorus.core.forms import GovukDateField, NamedChoiceField

# What a person may attach and its checks (core, shared with email logged to people).
from chorus.core.uploads import attachment_problem, attachment_problem_text
from chorus.directory.models import Place, Region


class UserChoiceField(forms.ModelChoiceField[User]):
    """Staff by their names (a user's ``str`` is their email address)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


DUE_CHOICES = [("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due in 3 working days or fewer"))]
LANGUAGE_CHOICES = [("en", _("English")), ("cy", _("Welsh"))]


class CaseFilterForm(forms.Form):
    """The list's filters, read from the address so a filtered list can be shared."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any")), *Kind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Status.choices], required=False)
    # By their Welsh names on Welsh pages.
    category = NamedChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("Any")
    )
    region = NamedChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("Any")
    )
    assignee = UserChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    due = forms.ChoiceField(label=_("Due"), choices=DUE_CHOICES, required=False)

    def __init__(self, *args: Any, users: QuerySet[User], user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["assignee"]).queryset = users
        if user is not None:
            self.fields.update(filter_fields("case", user))

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("custom_")]


class StaffCaseForm(CustomFieldsForm):
    """A case that came by phone, letter, email, in person or social media."""

    kind = forms.ChoiceField(
        label=_("What kind of case is it?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what kind of case it is")},
    )
    channel = forms.ChoiceField(
        label=_("How did it come to us?"),
        choices=[c for c in Channel.choices if c[0] != Channel.WEB],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the case came to us")},
    )
    received_on = GovukDateField(
        label=_("When was it received? (optional)"),
        subject=_("The date it was received"),
        required=False,
        help_text=_("Leave empty for today. For example, 27 3 2026"),
    )
    name = forms.CharField(
        label=_("Their name (optional for compliments and suggestions)"), max_length=200, required=False
    )
    email = forms.EmailField(
        label=_("Their email address (optional)"),
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    phone = forms.CharField(label=_("Their phone number (optional)"), max_length=40, required=False)
    address = forms.CharField(
        label=_("Their postal address (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = forms.ChoiceField(
        label=_("Language to reply in"), choices=LANGUAGE_CHOICES, initial="en", widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What is it about?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={"required": _("Enter what the case is about")},
    )
    service = forms.CharField(label=_("Service (optional)"), max_length=200, required=False)
    category = NamedChoiceField(
        label=_("Category (optional)"), queryset=Category.objects.filter(is_active=True), required=False
    )
    place = forms.ModelChoiceField(
        label=_("Court, office or place (optional)"), queryset=Place.objects.all(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team (optional)"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, teams: QuerySet[Team], user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        if user is not None:
            self.custom_fields_add("case", user, None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        anonymous = not any(data.get(k) for k in ("name", "email", "phone", "address"))
        if data.get("kind") in (Kind.ENQUIRY, Kind.COMPLAINT) and anonymous:
            self.add_error("name", _("Enter their name: enquiries and complaints need someone to answer"))
        return data


class CaseFieldsForm(CustomFieldsForm):
    """The fields administrators added to cases, changed on their own page."""

    def __init__(self, *args: Any, user: User, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom_fields_add("case", user, case.custom)


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )
    assignee = UserChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("No one")
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        cast("forms.ModelChoiceField[Any]", self.fields["assignee"]).queryset = users


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add an internal note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=_("Only staff see notes."),
        error_messages={
            "required": _("Enter the note"),
            "max_length": _("The note must be 10,000 characters or fewer"),
        },
    )


class ReplyForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=200, error_messages={"required": _("Enter a subject")}
    )
    body = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20_000,
        error_messages={"required": _("Enter the reply")},
    )
    template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.filter(is_active=True), required=False, widget=forms.HiddenInput
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the case being reopened?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2_000,
        help_text=_(
            "For example, the person replied that the answer did not resolve it. "
            "This goes on the case's timeline."
        ),
        error_messages={
            "required": _("Enter why the case is being reopened"),
            "max_length": _("The reason must be 2,000 characters or fewer"),
        },
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was the complaint upheld?"),
        choices=[c for c in Outcome.choices if c[0]],
        widget=forms.RadioSelect,
        required=False,
    )
    lesson_learned = forms.CharField(
        label=_("Lesson learned (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5_000,
        required=False,
        help_text=_("What the service will do differently because of this case."),
    )

    def __init__(self, *args: Any, complaint: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not complaint:
            del self.fields["outcome"]

    def clean_outcome(self) -> str:
        outcome: str = self.cleaned_data.get("outcome", "")
        if not outcome:
            raise ValidationError(_("Select whether the complaint was upheld"))
        return outcome


class PublicCaseForm(forms.Form):
    """The public form for one kind: what it is about, and who to answer (not needed for a
    compliment or a suggestion)."""

    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        error_messages={"max_length": _("Your message must be 10,000 characters or fewer")},
    )
    service = forms.CharField(
        label=_("Which service is it about? (optional)"), max_length=200, required=False
    )
    place = forms.ModelChoiceField(
        label=_("Which court, office or place is it about? (optional)"),
        queryset=Place.objects.all(),
        required=False,
    )
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("A document or photo: PDF, Word, OpenDocument, text, JPEG or PNG, up to 10 MB."),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        help_text=_("We will send you a reference number and reply to this address."),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    phone = forms.CharField(label=_("Your phone number (optional)"), max_length=40, required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        labels = {
            Kind.ENQUIRY: (_("What is your enquiry?"), _("Enter your enquiry")),
            Kind.COMPLAINT: (
                _("What is your complaint about?"),
                _("Enter what your complaint is about"),
            ),
            Kind.COMPLIMENT: (_("What would you like to tell us?"), _("Enter your compliment")),
            Kind.SUGGESTION: (_("What is your suggestion?"), _("Enter your suggestion")),
        }
        label, required = labels[Kind(kind)]
        self.fields["description"].label = label
        self.fields["description"].error_messages["required"] = required
        if self.anonymous_allowed:
            self.fields["name"].label = _("Your name (optional)")
            self.fields["email"].label = _("Your email address (optional)")
            self.fields["email"].help_text = _(
                "Leave your name and email empty to stay anonymous. "
                "If you give an email address, we will send you a reference number."
            )

    @property
    def anonymous_allowed(self) -> bool:
        return self.kind in (Kind.COMPLIMENT, Kind.SUGGESTION)

    def clean_name(self) -> str:
        name: str = self.cleaned_data.get("name", "").strip()
        if not name and not self.anonymous_allowed:
            raise ValidationError(_("Enter your name"))
        return name

    def clean_email(self) -> str:
        email: str = self.cleaned_data.get("email", "").strip()
        if not email and not self.anonymous_allowed:
            raise ValidationError(_("Enter your email address so that we can reply"))
        return email

    def clean_attachment(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        if upload is None:
            return None
        problem = attachment_problem(upload)
        if problem:
            raise ValidationError(attachment_problem_text(problem, upload.name or ""))
        return upload


class DashboardPeriod(models.TextChoices):
    THIS_QUARTER = "this_quarter", _("This quarter so far")
    LAST_QUARTER = "last_quarter", _("Last quarter")
    CUSTOM = "custom", _("Dates you choose")


# The longest period the dashboard counts over, as every report's chooser allows.
DASHBOARD_LONGEST_PERIOD = timedelta(days=3 * 366)
# Fields that narrow what is counted: a value that no longer fits (a category since
# removed, a team the user left) is left out with a message, and the others still apply.
DASHBOARD_FILTERS = ("period", "kind", "service", "category", "region", "team")


class CaseDashboardForm(forms.Form):
    """The dashboard's period and filters, read from the address so a view can be shared."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=DashboardPeriod.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Each figure is shown beside the period of the same length just before it"),
    )
    start = GovukDateField(
        label=_("From"),
        subject=_("First day"),
        required=False,
        help_text=_("For dates you choose. For example, 1 7 2026"),
    )
    end = GovukDateField(
        label=_("To"),
        subject=_("Last day"),
        required=False,
        help_text=_("For example, 30 9 2026"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any")), *Kind.choices], required=False)
    service = forms.ChoiceField(label=_("Service"), choices=[("", _("Any"))], required=False)
    category = NamedChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("Any")
    )
    region = NamedChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("Any")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("Any")
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        cast("forms.ChoiceField", self.fields["service"]).choices = [
            ("", _("Any")),
            *((name, name) for name in services),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        period = data.get("period") or ""
        if not period:
            # Dates in the address with no period chosen are a period of dates.
            period = DashboardPeriod.CUSTOM if start or end else DashboardPeriod.THIS_QUARTER
            data["period"] = period
        if period != DashboardPeriod.CUSTOM:
            # Dates left in the boxes count only for a period of dates.
            for name in ("start", "end"):
                self.errors.pop(name, None)
            return data
        if "start" not in self.errors and start is None:
            self.add_error("start", _("Enter the first day"))
        if "end" not in self.errors and end is None:
            self.add_error("end", _("Enter the last day"))
        if end and end.year >= 9999:
            # The period's end is counted to the next midnight, past the calendar's last day.
            self.add_error("end", _("The last day must be before the year 9999"))
        elif start and end:
            if end < start:
                self.add_error("end", _("The last day must be on or after the first day"))
            elif end - start > DASHBOARD_LONGEST_PERIOD:
                self.add_error("end", _("Choose a period of three years or less"))
        return data
