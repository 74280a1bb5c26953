from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team, User
from chorus.accounts.selectors import teams_assignable_by
from chorus.consultations.models import Consultation
from chorus.directory.models import Place, Region, StakeholderGroup, Topic
from chorus.engagement.models import Activity, ActivityType, Programme, Project, Stage
from chorus.engagement.selectors import projects_assignable_by

# A project or team that is not offered (another team's) fails validation with these.
PROJECT_NOT_OFFERED = _("Choose a project from the list: you can only link projects you can see")
TEAM_NOT_OFFERED = _("Choose one of your own teams, or none")


def team_field(label: Any, **kwargs: Any) -> forms.ModelChoiceField[Team]:
    """A team to restrict a record to; its choices are set per user by ``limit_choices``."""
    return forms.ModelChoiceField(
        label=label,
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": TEAM_NOT_OFFERED},
        **kwargs,
    )


def limit_choices(form: forms.BaseForm, user: User) -> None:
    """Offer ``user`` only the projects and teams they may assign (one rule for every form)."""
    fields: Any = form.fields
    if "team" in fields:
        fields["team"].queryset = teams_assignable_by(user)
    if "project" in fields:
        fields["project"].queryset = projects_assignable_by(user)
    if "projects" in fields:
        fields["projects"].queryset = projects_assignable_by(user)


class ProjectForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Enter the project's name")}
    )
    programme = forms.ModelChoiceField(
        label=_("Programme (optional)"), queryset=Programme.objects.all(), required=False
    )
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.all(), empty_label=None)
    description = forms.CharField(
        label=_("Description (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team = team_field(_("Owning team (optional)"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, user)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=ActivityType.choices,
        error_messages={"required": _("Choose the type of activity")},
    )
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")})
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        help_text=_("For example, 2026-03-27 14:00"),
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"],
        error_messages={
            "required": _("Enter when it starts"),
            "invalid": _("Enter the start like 2026-03-27 14:00"),
        },
    )
    ends_at = forms.DateTimeField(
        label=_("Ends (optional)"),
        required=False,
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"],
        error_messages={"invalid": _("Enter the end like 2026-03-27 16:00")},
    )
    place = forms.ModelChoiceField(label=_("Place (optional)"), queryset=Place.objects.all(), required=False)
    online_link = forms.URLField(
        label=_("Link to join online (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://meet.example.org/abc")},
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": PROJECT_NOT_OFFERED, "invalid_pk_value": PROJECT_NOT_OFFERED},
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"), queryset=Region.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Stakeholder groups targeted"),
        queryset=StakeholderGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("Summary (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    summary_cy = forms.CharField(
        label=_("Summary in Welsh (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    feedback = forms.CharField(
        label=_("Feedback captured (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unlisted_attendees = forms.IntegerField(
        label=_("Attendees not in the directory"), min_value=0, initial=0, required=False
    )
    recipients = forms.IntegerField(
        label=_("Recipients (broadcasts)"), min_value=0, initial=0, required=False
    )
    impressions = forms.IntegerField(
        label=_("Impressions (social media)"), min_value=0, initial=0, required=False
    )
    is_public = forms.BooleanField(label=_("Show on the public calendar"), required=False)
    team = team_field(_("Restrict to a team (optional)"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, user)
        self.fields["place"].empty_label = _("None")  # type: ignore[attr-defined]

    def clean_projects(self) -> list[Project]:
        """The projects chosen, plus any the activity is already linked to that this user
        cannot see: those are not offered, so leaving them out is not a choice to unlink."""
        chosen = list(self.cleaned_data.get("projects") or [])
        offered = set(self.fields["projects"].queryset.values_list("pk", flat=True))  # type: ignore[attr-defined]
        hidden = [p for p in self.initial.get("projects") or [] if getattr(p, "pk", None) not in offered]
        return chosen + [p for p in hidden if isinstance(p, Project)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("unlisted_attendees", "recipients", "impressions"):
            cleaned[name] = cleaned.get(name) or 0
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end must be after the start"))
        if cleaned.get("is_public") and not (cleaned.get("place") or cleaned.get("online_link")):
            self.add_error(
                "place", _("A public event needs a place or a link to join, so people know how to come")
            )
        return cleaned


class AttendeeForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)
    invitation = forms.ChoiceField(
        choices=[
            ("invited", _("Invited")),
            ("accepted", _("Accepted")),
            ("declined", _("Declined")),
            ("not_invited", _("Not invited")),
        ]
    )
    attended = forms.BooleanField(required=False)


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            ("slides", _("Slides")),
            ("recording", _("Recording")),
            ("qa", _("Questions and answers")),
            ("other", _("Other")),
        ],
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Enter a title for the material")}
    )
    url = forms.URLField(
        label=_("Link"),
        assume_scheme="https",
        error_messages={
            "required": _("Enter the link"),
            "invalid": _("Enter a web address, like https://www.example.org/slides"),
        },
    )


class ImpactForm(forms.Form):
    you_said = forms.CharField(
        label=_("You said"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A fair summary of what people told us, in their terms"),
        error_messages={"required": _("Summarise what people said")},
    )
    you_said_cy = forms.CharField(
        label=_("You said, in Welsh (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    we_did = forms.CharField(
        label=_("We did"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was decided or changed because of it"),
        error_messages={"required": _("Say what was decided or changed")},
    )
    we_did_cy = forms.CharField(
        label=_("We did, in Welsh (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decided_by = forms.CharField(label=_("Decided by (optional)"), max_length=200, required=False)
    decided_on = forms.DateField(
        label=_("Decided on"),
        help_text=_("For example, 2026-03-27"),
        error_messages={
            "required": _("Enter when it was decided"),
            "invalid": _("Enter the date like 2026-03-27"),
        },
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Where we heard it"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consultations = forms.ModelMultipleChoiceField(
        label=_("Consultations it came from"),
        queryset=Consultation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = project.activities.order_by("-starts_at")  # type: ignore[attr-defined]
        self.fields["consultations"].queryset = project.consultations.order_by("-opens_at")  # type: ignore[attr-defined]


class SharedBackForm(forms.Form):
    shared_back_on = forms.DateField(
        label=_("Shared back on"),
        error_messages={
            "required": _("Enter the date it was shared"),
            "invalid": _("Enter the date like 2026-03-27"),
        },
    )
    shared_back_how = forms.CharField(
        label=_("How"),
        max_length=200,
        help_text=_("For example, an email to everyone who came to the forums"),
        error_messages={"required": _("Say how it was shared")},
    )


class CheckpointForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.all(), empty_label=None)
    group = forms.ModelChoiceField(
        label=_("Stakeholder group that must be engaged"),
        queryset=StakeholderGroup.objects.order_by("name"),
        error_messages={"required": _("Choose the stakeholder group")},
    )
    due_on = forms.DateField(
        label=_("Due by"),
        help_text=_("For example, 2026-09-30"),
        error_messages={
            "required": _("Enter the date it is due by"),
            "invalid": _("Enter the date like 2026-09-30"),
        },
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this group not need to be engaged?"),
        max_length=300,
        help_text=_("For example, the judiciary were engaged through the programme board instead"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give the reason for waiving the checkpoint"),
            "max_length": _("Keep the reason to 300 characters or fewer"),
        },
    )


class CheckpointFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("overdue", _("Overdue")),
            ("open", _("To do")),
            ("met", _("Engaged")),
            ("waived", _("Waived")),
            ("", _("Any status")),
        ],
    )
