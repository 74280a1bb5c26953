"""Forms for the directory's staff pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team, User
from chorus.core.access import teams_assignable_by, visible_or_kept
from chorus.core.custom_fields import CustomFieldsForm, filter_fields
from chorus.core.forms import GovukDateField
from chorus.core.imports.forms import file_field, limits_hint
from chorus.directory.models import (
    ImportJob,
    Language,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Person,
    Region,
    StakeholderGroup,
    Topic,
)
from chorus.directory.normalise import is_postcode, normalise_phone, normalise_postcode

# The longest email address the directory stores (``ContactPoint.value``), as RFC 5321 allows.
CONTACT_MOST = 254


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, email or organisation"), required=False, max_length=200)
    group = forms.ModelChoiceField(
        label=_("Stakeholder group"), queryset=StakeholderGroup.objects.all(), required=False
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False)
    owner = forms.ModelChoiceField(
        label=_("Relationship owner"), queryset=User.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        """With ``user``, only the added fields their role sees filter; without, every one in
        use (what a saved search may keep)."""
        super().__init__(*args, **kwargs)
        for name in ("group", "region", "topic", "owner"):
            self.fields[name].empty_label = _("Any")  # type: ignore[attr-defined]
        self.fields.update(filter_fields("person", user))

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("custom_")]


class OrganisationFilterForm(forms.Form):
    """The organisations list's filters by the added fields the user's role sees (the name
    box is the list's own)."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(filter_fields("organisation", user))

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields]


class PersonForm(CustomFieldsForm):
    title = forms.CharField(label=_("Title (optional)"), max_length=30, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, error_messages={"required": _("Enter the person's last name")}
    )
    other_names = forms.CharField(
        label=_("Other names (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Previous or alternative names, one per line"),
    )
    job_title = forms.CharField(label=_("Job title (optional)"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation (optional)"), queryset=Organisation.objects.all(), required=False
    )
    organisation_role = forms.CharField(
        label=_("Role in the organisation (optional)"), max_length=150, required=False
    )
    emails = forms.CharField(
        label=_("Email addresses (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line. The first is the main one."),
    )
    phones = forms.CharField(
        label=_("Phone numbers (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line"),
    )
    region = forms.ModelChoiceField(
        label=_("Region (optional)"), queryset=Region.objects.all(), required=False
    )
    postcode = forms.CharField(label=_("Postcode (optional)"), max_length=10, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        initial=Language.ENGLISH,
    )
    communication_needs = forms.CharField(
        label=_("Communication needs (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example, large print, British Sign Language, easy read"),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics of interest"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Stakeholder groups"),
        queryset=StakeholderGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=_("Relationship owner (optional)"),
        queryset=User.objects.filter(is_active=True).order_by("full_name"),
        required=False,
        help_text=_("The member of staff who looks after the relationship"),
    )
    team = forms.ModelChoiceField(
        label=_("Restrict to a team (optional)"),
        queryset=Team.objects.all(),
        required=False,
        help_text=_("Only the team's members and administrators will see this person."),
    )

    def __init__(self, *args: Any, user: User, custom: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom_fields_add("person", user, custom)
        self.fields["team"].queryset = teams_assignable_by(user)  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = visible_or_kept(  # type: ignore[attr-defined]
            user, Organisation.objects.all(), self.initial.get("organisation")
        )
        self.fields["organisation"].empty_label = _("None")  # type: ignore[attr-defined]
        self.fields["owner"].empty_label = _("No one yet")  # type: ignore[attr-defined]
        self.fields["region"].empty_label = _("Not known")  # type: ignore[attr-defined]
        self.fields["team"].empty_label = _("No: all staff may see them")  # type: ignore[attr-defined]

    def clean_emails(self) -> list[str]:
        emails = _lines(self.cleaned_data["emails"])
        for email in emails:
            if len(email) > CONTACT_MOST:
                raise forms.ValidationError(
                    _(
                        "%(value)s… is too long for an email address. "
                        "Enter one of at most %(most)s characters"
                    ),
                    params={"value": email[:40], "most": CONTACT_MOST},
                )
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _(
                        "%(value)s is not an email address. "
                        "Enter addresses like name@example.org, one per line"
                    ),
                    params={"value": email},
                ) from None
        return emails

    def clean_phones(self) -> list[str]:
        phones = _lines(self.cleaned_data["phones"])
        for phone in phones:
            if len(phone) > 40:
                raise forms.ValidationError(
                    _(
                        "%(value)s… is too long for a phone number. "
                        "Enter numbers like 029 2000 1234, one per line"
                    ),
                    params={"value": phone[:40]},
                )
            digits = normalise_phone(phone).lstrip("+")
            if not digits.isdigit() or not 7 <= len(digits) <= 15:
                raise forms.ValidationError(
                    _("%(value)s is not a phone number. Enter numbers like 029 2000 1234, one per line"),
                    params={"value": phone},
                )
        return phones

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not is_postcode(postcode):
            raise forms.ValidationError(_("Enter a real postcode, like CF10 1AA"))
        return normalise_postcode(postcode) if postcode else ""


class OrganisationForm(CustomFieldsForm):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Enter the organisation's name")}
    )
    other_names = forms.CharField(
        label=_("Other names (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Abbreviations and former names, one per line"),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=OrganisationKind.choices)
    sector = forms.CharField(label=_("Sector (optional)"), max_length=100, required=False)
    website = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://www.example.org")},
    )
    parent = forms.ModelChoiceField(
        label=_("Part of (optional)"), queryset=Organisation.objects.all(), required=False
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"), queryset=Region.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Stakeholder groups"),
        queryset=StakeholderGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User, instance: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom_fields_add("organisation", user, instance.custom if instance else None)
        parents = visible_or_kept(user, Organisation.objects.all(), instance.parent if instance else None)
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].empty_label = _("None")  # type: ignore[attr-defined]


class AssessmentForm(forms.Form):
    SCORES = [(str(i), str(i)) for i in range(1, 6)]
    influence = forms.TypedChoiceField(
        label=_("Influence"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is little influence on the work, 5 is a great deal"),
        error_messages={"required": _("Choose how much influence they have, from 1 to 5")},
    )
    interest = forms.TypedChoiceField(
        label=_("Interest"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is little interest in the work, 5 is a great deal"),
        error_messages={"required": _("Choose how interested they are, from 1 to 5")},
    )
    health = forms.ChoiceField(
        label=_("Relationship health (optional)"),
        choices=[("", _("Not assessed")), ("good", _("Good")), ("fair", _("Fair")), ("poor", _("Poor"))],
        required=False,
        widget=forms.RadioSelect,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add a note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the note")},
    )


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(
        label=_("Which record should be kept?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the record to keep")},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = choices  # type: ignore[attr-defined]


class MergeFieldsForm(forms.Form):
    """For each field where the two records differ: which value the kept record takes."""

    LABELS = {
        "title": _("Title"),
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "job_title": _("Job title"),
        "postcode": _("Postcode"),
        "region_id": _("Region"),
        "email": _("Main email address"),
        "phone": _("Main phone number"),
    }

    def __init__(self, *args: Any, kept: dict[str, str], other: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = _("(blank)")
        for name, label in self.LABELS.items():
            if kept.get(name, "") == other.get(name, ""):
                continue
            self.fields[name] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect,
                choices=[("kept", kept.get(name) or blank), ("other", other.get(name) or blank)],
                initial="kept",
                required=False,  # left unanswered, the kept record keeps its own value
            )

    def taken(self) -> set[str]:
        """The fields whose value comes from the record being merged away."""
        return {name for name, value in self.cleaned_data.items() if value == "other"}


class ConsentForm(forms.Form):
    purpose = forms.CharField(
        label=_("What for"),
        max_length=200,
        initial=_("Engagement and bulletins"),
        error_messages={"required": _("Say what the consent or lawful basis covers")},
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"),
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the lawful basis")},
    )
    given_on = GovukDateField(
        label=_("Date"),
        subject=_("Date consent was given"),
        error_messages={"required": _("Enter the date")},
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("For example, the event sign-up form"),
        error_messages={"required": _("Say where the consent came from")},
    )

    def clean_given_on(self) -> date:
        given: date = self.cleaned_data["given_on"]
        if given > timezone.localdate():
            raise forms.ValidationError(_("The date must be today or in the past"))
        return given


class GroupMembershipForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group or panel"),
        queryset=StakeholderGroup.objects.order_by("name"),
        error_messages={"required": _("Choose a group or panel")},
    )
    start = GovukDateField(
        label=_("From (optional)"),
        subject=_("Start date"),
        required=False,
        help_text=_("For a panel, when their place starts, for example 1 4 2026"),
    )
    end = GovukDateField(
        label=_("Until (optional)"),
        subject=_("End date"),
        required=False,
        help_text=_("For a panel, when their place ends"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must be on or after the start"))
        return cleaned


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type the person's full name to confirm"),
        error_messages={"required": _("Type the person's full name to confirm the erasure")},
    )

    def __init__(self, *args: object, person: Person, **kwargs: object) -> None:
        self.person = person
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_confirm(self) -> str:
        typed = " ".join(str(self.cleaned_data["confirm"]).split())
        if typed.casefold() != self.person.full_name.casefold():
            raise forms.ValidationError(_("The name does not match. Type it exactly as shown above."))
        return typed


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What does the file list?"),
        choices=ImportJob.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Kind.PEOPLE,
        required=False,
    )
    file = file_field(
        label=_("Upload a file"),
        empty=_("The file is empty. It needs a header row naming the columns, then one row per person."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = limits_hint()

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or ImportJob.Kind.PEOPLE)


class ImportConfirmForm(forms.Form):
    on_match = forms.ChoiceField(
        label=_("When a row probably matches someone already in the directory"),
        choices=ImportJob.Matches.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Matches.LINK,
        required=False,
    )
    source = forms.CharField(
        label=_("Where the list came from"),
        max_length=200,
        help_text=_("For example, the sign-up list for the March user forum"),
        error_messages={"required": _("Say where the list came from, so consent can be traced")},
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for holding these people's details"),
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the lawful basis for holding these details")},
    )

    def clean_on_match(self) -> str:
        # Only asked when some row matches someone; otherwise it does not matter.
        return str(self.cleaned_data.get("on_match") or ImportJob.Matches.LINK)


class SavedSearchForm(forms.Form):
    """A saved search's name, and who may use it: everyone, or one of the user's teams."""

    EVERYONE = "everyone"

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("So you and colleagues can find it, for example “Advice agencies in Wales”"),
        error_messages={
            "required": _("Enter a name for the search"),
            "max_length": _("The name must be 150 characters or fewer"),
        },
    )
    sharing = forms.ChoiceField(
        label=_("Who can use it"),
        widget=forms.RadioSelect,
        help_text=_("Whoever uses it sees only the people they may see in the directory."),
        error_messages={"required": _("Choose who can use the search")},
    )

    def __init__(self, *args: Any, user: User, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {str(t.pk): t for t in teams_assignable_by(user)}
        if team is not None:
            self.teams.setdefault(str(team.pk), team)  # an edit never drops the team silently
        choices = [(pk, _("Only people in %(team)s") % {"team": t.name}) for pk, t in self.teams.items()]
        self.fields["sharing"].choices = [*choices, (self.EVERYONE, _("Everyone in Chorus"))]  # type: ignore[attr-defined]
        # A new search is for the user's own team unless they choose everyone.
        self.initial.setdefault("sharing", next(iter(self.teams), self.EVERYONE))

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean_sharing(self) -> Team | None:
        chosen = self.cleaned_data["sharing"]
        return None if chosen == self.EVERYONE else self.teams[chosen]
