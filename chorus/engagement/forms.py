from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Model
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chorus.accounts.models import Team, User
from chorus.core.access import can_change, teams_assignable_by, visible_or_kept, visible_to
from chorus.core.custom_fields import CustomFieldsForm, filter_fields
from chorus.core.forms import GovukDateField, GovukDateTimeField
from chorus.core.imports.forms import file_field
from chorus.directory.models import LawfulBasis, Place, Region, StakeholderGroup, Topic
from chorus.engagement.models import (
    Activity,
    ActivityType,
    Checkpoint,
    Commitment,
    CommitmentEvidence,
    ImpactRecord,
    Programme,
    Project,
    Stage,
    ToolkitItem,
)
from chorus.engagement.selectors import NEEDS_ACTION, projects_assignable_by, themes_offered

# A project or team that is not offered (another team's) fails validation with these.
PROJECT_NOT_OFFERED = _("Choose a project from the list: you can only link projects you can see")
TEAM_NOT_OFFERED = _("Choose one of your own teams, or none")
THEME_NOT_OFFERED = _(
    "Choose themes from the list: you can only link themes of analyses you can see, "
    "of this project's consultations"
)


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


def chosen_with_hidden(form: forms.Form, name: str) -> list[Model]:
    """The records chosen in ``name``, plus any the record already links to (its initial
    value) that this user is not offered: leaving them out is not a choice to unlink them."""
    chosen = list(form.cleaned_data.get(name) or [])
    offered = set(form.fields[name].queryset.values_list("pk", flat=True))  # type: ignore[attr-defined]
    return chosen + [r for r in form.initial.get(name) or [] if getattr(r, "pk", None) not in offered]


def unmet_checkpoints(project: Project) -> list[Checkpoint]:
    """The project's checkpoints for its stage and earlier ones that are neither met nor waived."""
    return [
        c
        for c in project.checkpoints.with_engagement()
        .filter(stage__order__lte=project.stage.order, waived_reason="")
        .select_related("group", "stage")
        if c.status() != "met"
    ]


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
    waiver = forms.CharField(
        label=_("Why the project moves on without them"),
        help_text=_("Each checkpoint not met is waived with this reason, which is recorded."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: User, project: Project | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, user)
        self.project = project
        self.unmet: list[Checkpoint] = []

    def clean(self) -> dict[str, Any]:
        """Moving a project past a stage whose checkpoints are not met needs a reason to waive them."""
        data = super().clean() or {}
        stage = data.get("stage")
        if self.project is None or stage is None or stage.order <= self.project.stage.order:
            return data
        self.unmet = unmet_checkpoints(self.project)
        if self.unmet and not (data.get("waiver") or "").strip():
            self.add_error(
                "waiver",
                ngettext(
                    "%(count)s checkpoint is not met. Give the reason the project moves on without it, "
                    "or keep the stage until its people have taken part.",
                    "%(count)s checkpoints are not met. Give the reason the project moves on without them, "
                    "or keep the stage until their people have taken part.",
                    len(self.unmet),
                )
                % {"count": len(self.unmet)},
            )
        return data


class ActivityForm(CustomFieldsForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=ActivityType.choices,
        error_messages={"required": _("Choose the type of activity")},
    )
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")})
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    starts_at = GovukDateTimeField(
        label=_("Starts"),
        subject=_("Start date"),
        help_text=_("For example, 27 3 2026 and 2pm"),
        error_messages={"required": _("Enter when it starts")},
    )
    ends_at = GovukDateTimeField(label=_("Ends (optional)"), subject=_("End date"), required=False)
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

    def __init__(self, *args: Any, user: User, custom: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, user)
        self.fields["place"].empty_label = _("None")  # type: ignore[attr-defined]
        self.custom_fields_add("activity", user, custom)

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


class ThemeChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Themes of analyses, each named with the analysis it comes from (its question, or its
    consultation), since two analyses can find themes of the same name."""

    def label_from_instance(self, obj: Model) -> str:
        return f"{obj.label} — {Truncator(obj.run.title).chars(90)}"  # type: ignore[attr-defined]


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
    decided_on = GovukDateField(
        label=_("Decided on"),
        subject=_("Decision date"),
        error_messages={"required": _("Enter when it was decided")},
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Where we heard it"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Consultations sit on a floor above engagement: the field takes the project's own,
    # through the relation, without engagement importing them.
    consultations: forms.ModelMultipleChoiceField[Model] = forms.ModelMultipleChoiceField(
        label=_("Consultations it came from"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Themes of analyses, a floor higher still, likewise: ``themes_offered`` sets them.
    themes = ThemeChoiceField(
        label=_("Themes it answers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Themes found by analysing the responses to this project's consultations"),
        error_messages={
            "invalid_choice": THEME_NOT_OFFERED,
            "invalid_pk_value": THEME_NOT_OFFERED,
        },
    )

    def __init__(
        self, *args: Any, project: Project, user: User, record: ImpactRecord | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["activities"].queryset = visible_to(user, project.activities.order_by("-starts_at"))
        fields["consultations"].queryset = visible_to(user, project.consultations.order_by("-opens_at"))
        fields["themes"].queryset = themes_offered(user, project, record)

    def clean_activities(self) -> list[Model]:
        return chosen_with_hidden(self, "activities")

    def clean_consultations(self) -> list[Model]:
        return chosen_with_hidden(self, "consultations")

    def clean_themes(self) -> list[Model]:
        return chosen_with_hidden(self, "themes")


class SharedBackForm(forms.Form):
    shared_back_on = GovukDateField(
        label=_("Shared back on"),
        subject=_("Date shared"),
        error_messages={"required": _("Enter the date it was shared")},
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
    due_on = GovukDateField(
        label=_("Due by"),
        subject=_("Due date"),
        error_messages={"required": _("Enter the date it is due by")},
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


def parse_checkpoint_lines(text: str) -> list[dict[str, Any]]:
    """Lines like "alpha | Judiciary | 30" to checkpoint rules. Raises ValidationError naming the line."""
    stages = {s.slug: s for s in Stage.objects.all()} | {s.name.lower(): s for s in Stage.objects.all()}
    groups = {g.name.lower(): g for g in StakeholderGroup.objects.all()}
    rules: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            raise forms.ValidationError(
                _("Line %(n)s: write the stage, the group and the days, like “alpha | Judiciary | 30”.")
                % {"n": number}
            )
        stage, group, days = parts
        if stage.lower() not in stages:
            raise forms.ValidationError(
                _("Line %(n)s: “%(stage)s” is not a stage. Use one of: %(stages)s.")
                % {"n": number, "stage": stage, "stages": ", ".join(s.slug for s in Stage.objects.all())}
            )
        if group.lower() not in groups:
            raise forms.ValidationError(
                _("Line %(n)s: there is no stakeholder group called “%(group)s”.")
                % {"n": number, "group": group}
            )
        if not days.isdigit() or int(days) > 3650:
            raise forms.ValidationError(
                _("Line %(n)s: “%(days)s” is not a number of days from 0 to 3650.")
                % {"n": number, "days": days}
            )
        rules.append(
            {"stage": stages[stage.lower()].slug, "group": groups[group.lower()].name, "days": int(days)}
        )
    return rules


class ToolkitItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=ToolkitItem.Kind.choices,
        error_messages={"required": _("Choose the type")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title")},
    )
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary (optional)"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Text"),
        help_text=_(
            "Blank lines separate paragraphs; start a line with “## ” for a heading or “- ” for a bullet; "
            "[words](https://address) makes a link. Invitation texts may use {title}, {date}, {time}, "
            "{place}, {link} and {summary}."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Enter the text")},
    )
    body_cy = forms.CharField(
        label=_("Text in Welsh (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    activity_kind = forms.ChoiceField(
        label=_("Type of activity (activity plans)"),
        choices=[("", _("Not an activity plan")), *ActivityType.choices],
        required=False,
    )
    checkpoints = forms.CharField(
        label=_("Checkpoints (checkpoint sets)"),
        help_text=_(
            "One per line: stage | stakeholder group | days from the start date, "
            "like “alpha | Judiciary | 30”"
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    is_published = forms.BooleanField(label=_("Show to staff"), required=False, initial=True)

    def clean_checkpoints(self) -> list[dict[str, Any]]:
        return parse_checkpoint_lines(self.cleaned_data.get("checkpoints", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ToolkitItem.Kind.ACTIVITY_PLAN and not data.get("activity_kind"):
            self.add_error("activity_kind", _("Choose the type of activity the plan is for"))
        if kind == ToolkitItem.Kind.CHECKPOINT_SET and "checkpoints" in data and not data["checkpoints"]:
            self.add_error("checkpoints", _("Add at least one checkpoint to the set"))
        return data


class ApplyCheckpointsForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        error_messages={"required": _("Choose the project")},
    )
    start = GovukDateField(
        label=_("Count the days from"),
        subject=_("Date to count from"),
        help_text=_("The day the stage starts, for example 1 9 2026"),
        error_messages={"required": _("Enter the date to count from")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in projects_assignable_by(user) if can_change(user, p)]
        )


class FillInvitationForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        error_messages={"required": _("Choose the activity")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The next 200 activities from a fortnight ago: the ones invitations are written for.
        upcoming = (
            visible_to(user, Activity.objects.all())
            .filter(starts_at__gte=timezone.now() - timedelta(days=14))
            .order_by("starts_at")
            .values_list("pk", flat=True)[:200]
        )
        self.fields["activity"].queryset = Activity.objects.filter(  # type: ignore[attr-defined]
            pk__in=list(upcoming)
        ).order_by("starts_at")


# The longest period one report covers (the engagement report, the board pack, equity of reach).
REPORT_LONGEST_PERIOD = timedelta(days=3 * 366)


class PeriodForm(forms.Form):
    """A period from one day to another, of three years at most: every report's chooser."""

    start = GovukDateField(
        label=_("From"),
        subject=_("First day"),
        help_text=_("For example, 1 7 2026"),
        error_messages={"required": _("Enter the first day")},
    )
    end = GovukDateField(
        label=_("To"),
        subject=_("Last day"),
        help_text=_("For example, 30 9 2026"),
        error_messages={"required": _("Enter the last day")},
    )
    # Whether the period must start by today (a pack of what happened, not a forecast).
    start_by_today = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if self.start_by_today and start and start > timezone.localdate():
            self.add_error("start", _("The first day must be today or in the past"))
        elif start and end:
            if end < start:
                self.add_error("end", _("The last day must be on or after the first day"))
            elif end - start > REPORT_LONGEST_PERIOD:
                self.add_error("end", _("Choose a period of three years or less"))
        return data


class ReportForm(PeriodForm):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False, empty_label=_("All projects")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_assignable_by(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams_assignable_by(user)  # type: ignore[attr-defined]


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or summary"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Any type")), *ActivityType.choices],
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        error_messages={"invalid_choice": PROJECT_NOT_OFFERED},
    )
    date_from = GovukDateField(label=_("From"), subject=_("Start date"), required=False)
    date_to = GovukDateField(label=_("To"), subject=_("End date"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_assignable_by(user)  # type: ignore[attr-defined]
        self.fields.update(filter_fields("activity", user))

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("custom_")]


class AttendanceUploadForm(forms.Form):
    file = file_field(
        label=_("Upload the sign-up list"),
        help_text=_(
            "A CSV or Excel (.xlsx) file with a header row: a name column (or first and last name), "
            "and where you have them email, organisation and whether each person came"
        ),
        empty=_("The file is empty. It needs a header row, then one row per person."),
    )


class AttendanceReviewForm(forms.Form):
    everyone_came = forms.TypedChoiceField(
        label=_("For rows that do not say whether the person came"),
        choices=[
            ("yes", _("They came (this is the list of who attended)")),
            ("no", _("They signed up; record who came later")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the people on the list came")},
    )
    source = forms.CharField(
        label=_("Where the list came from"),
        max_length=200,
        error_messages={"required": _("Say where the list came from, so consent can be traced")},
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for holding the details of people added to the directory"),
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, asks_who_came: bool, **kwargs: Any) -> None:
        """``asks_who_came``: some row does not say whether the person came, so ask what
        such rows mean; when every row says, the question would only confuse."""
        super().__init__(*args, **kwargs)
        if not asks_who_came:
            del self.fields["everyone_came"]


# Commitments


def _owner_choices() -> Any:
    return User.objects.filter(is_active=True).order_by("full_name")


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of commitment is it?"),
        choices=Commitment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of commitment it is")},
    )
    title = forms.CharField(
        label=_("What was committed to"),
        max_length=300,
        help_text=_("One sentence, for example “Publish the court fees review in plain English”"),
        error_messages={
            "required": _("Enter what was committed to"),
            "max_length": _("Keep it to 300 characters or fewer; put the detail in the description"),
        },
    )
    title_cy = forms.CharField(
        label=_("What was committed to, in Welsh (optional)"),
        max_length=300,
        required=False,
        error_messages={"max_length": _("Keep the Welsh to 300 characters or fewer")},
    )
    description = forms.CharField(
        label=_("Description (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_cy = forms.CharField(
        label=_("Description in Welsh (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source_body = forms.CharField(
        label=_("Who made it, or who it was made to (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, Justice Select Committee"),
    )
    source = forms.CharField(
        label=_("Source document (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example, the report or plan it comes from, and its recommendation number"),
    )
    source_date = GovukDateField(
        label=_("Date of the source (optional)"), subject=_("Source date"), required=False
    )
    reference = forms.CharField(
        label=_("Reference in the source (optional)"),
        max_length=50,
        required=False,
        help_text=_("For example, R3 or 4.2"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (optional)"), queryset=User.objects.none(), required=False, empty_label=_("Nobody yet")
    )
    team = team_field(
        _("Owning team (optional)"), help_text=_("Only this team and administrators will see it")
    )
    due_on = GovukDateField(
        label=_("Due by (optional)"),
        subject=_("Due date"),
        required=False,
        help_text=_("For example, 31 3 2027"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Commitment.Status.choices, initial=Commitment.Status.NOT_STARTED
    )
    status_reason = forms.CharField(
        label=_("Why it will not be done (if not doing)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    project = forms.ModelChoiceField(
        label=_("Project (optional)"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": PROJECT_NOT_OFFERED},
    )
    impact_record = forms.ModelChoiceField(
        label=_("“You said, we did” record it comes from (optional)"),
        queryset=ImpactRecord.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Evidence: activities (optional)"),
        help_text=_(
            "The latest activities. Once the commitment is saved with a project, "
            "the activities of that project are offered instead."
        ),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Consultations sit on a floor above engagement: the model is looked up by name, never imported.
    consultations: forms.ModelMultipleChoiceField[Model] = forms.ModelMultipleChoiceField(
        label=_("Evidence: consultations (optional)"),
        help_text=_("The project's consultations, or the latest ones when it has no project"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_title = forms.CharField(
        label=_("Title of a piece of evidence (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, the published response (PDF)"),
    )
    evidence_url = forms.URLField(
        label=_("Link to the evidence (optional)"),
        assume_scheme="https",
        required=False,
        error_messages={"invalid": _("Enter a web address, like https://www.example.org/response.pdf")},
    )

    def __init__(self, *args: Any, user: User, commitment: Commitment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, user)
        fields: Any = self.fields
        fields["owner"].queryset = _owner_choices()
        # What the commitment already links to stays offered, so an edit never drops it silently.
        fields["project"].queryset = visible_or_kept(
            user, Project.objects.order_by("name"), commitment.project_id if commitment else None
        )
        fields["impact_record"].queryset = visible_or_kept(
            user,
            ImpactRecord.objects.select_related("project").order_by("-decided_on"),
            commitment.impact_record_id if commitment else None,
        )
        # The project's activities where it has one, otherwise the latest; never thousands of boxes.
        activities = visible_to(user, Activity.objects.order_by("-starts_at"))
        project = commitment.project if commitment is not None else self.initial.get("project")
        if project is not None:
            activities = activities.filter(projects=project)
        fields["activities"].queryset = Activity.objects.filter(
            pk__in=list(activities.values_list("pk", flat=True)[:30])
        ).order_by("-starts_at")
        consultation = apps.get_model("consultations", "Consultation")
        consultations = visible_to(user, consultation.objects.order_by("-opens_at"))
        if project is not None:
            consultations = consultations.filter(project=project)
        fields["consultations"].queryset = consultation.objects.filter(
            pk__in=list(consultations.values_list("pk", flat=True)[:30])
        ).order_by("-opens_at")

    def clean_activities(self) -> list[Model]:
        return chosen_with_hidden(self, "activities")

    def clean_consultations(self) -> list[Model]:
        return chosen_with_hidden(self, "consultations")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["evidence_title"] = (data.get("evidence_title") or "").strip()
        if data["evidence_title"] and not data.get("evidence_url") and "evidence_url" not in self.errors:
            self.add_error("evidence_url", _("Enter the link to the evidence"))
        elif data.get("evidence_url") and not data["evidence_title"]:
            self.add_error("evidence_title", _("Enter a title for the evidence"))
        data["status_reason"] = (data.get("status_reason") or "").strip()
        if data.get("status") == Commitment.Status.NOT_DOING and not data["status_reason"]:
            self.add_error("status_reason", _("Say why it will not be done"))
        elif data.get("status") != Commitment.Status.NOT_DOING:
            data["status_reason"] = ""
        return data


class UpdateDateForm(forms.Form):
    """The date of a progress update: today when left blank, never in the future."""

    field_order = ["status", "note", "on"]  # the date last, as before, errors included

    on = GovukDateField(
        label=_("Date of the update"),
        subject=_("Update date"),
        help_text=_("Leave it blank for today"),
        required=False,
    )

    def clean_on(self) -> Any:
        on = self.cleaned_data.get("on") or timezone.localdate()
        if on > timezone.localdate():
            raise forms.ValidationError(_("Update date must be today or in the past"))
        return on


class CommitmentUpdateForm(UpdateDateForm):
    status = forms.ChoiceField(
        label=_("Status now"),
        choices=Commitment.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the status now")},
    )
    note = forms.CharField(
        label=_("What has happened"),
        help_text=_("If it will not be done, say why: the reason is recorded and published with it"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what has happened since the last update")},
    )


class ImpactUpdateForm(UpdateDateForm):
    status = forms.ChoiceField(
        label=_("Status now"),
        choices=ImpactRecord.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the status now")},
    )
    note = forms.CharField(
        label=_("What has happened (optional)"),
        help_text=_("If it will not be done, say why: the reason is required"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["note"] = (data.get("note") or "").strip()
        if data.get("status") == ImpactRecord.Status.NOT_DOING and not data["note"]:
            self.add_error("note", _("Say why it will not be done"))
        return data


class CommitmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Made by or to"), required=False, help_text=_("Part of the name is enough"))
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *Commitment.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            (NEEDS_ACTION, _("Needs action: overdue, late or at risk")),
            *Commitment.Status.choices,
        ],
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Owned by me or my teams"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["owner"].queryset = _owner_choices()
        fields["team"].queryset = teams_assignable_by(user)


class CommitmentImportForm(forms.Form):
    file = file_field(
        label=_("Upload the spreadsheet"),
        empty=_("The file is empty. It needs a header row, then one row per recommendation."),
    )


class EvidenceRemoveForm(forms.Form):
    """Which of a commitment's evidence links to remove: only its own can be chosen."""

    evidence = forms.ModelChoiceField(
        queryset=CommitmentEvidence.objects.none(),
        error_messages={
            "required": _("Choose a link to remove"),
            "invalid_choice": _("That link was already removed: look at the list again"),
        },
    )

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = commitment.evidence.all()  # type: ignore[attr-defined]
