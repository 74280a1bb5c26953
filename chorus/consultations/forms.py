from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team, User
from chorus.accounts.selectors import teams_assignable_by
from chorus.consultations.models import Consultation
from chorus.directory.models import Region, Topic
from chorus.engagement.models import Project
from chorus.engagement.selectors import projects_assignable_by

DATETIME_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Consultation.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")})
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("One or two sentences, shown in lists and the calendar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter a summary")},
    )
    summary_cy = forms.CharField(
        label=_("Summary in Welsh (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("What we are consulting on (optional)"),
        required=False,
        help_text=_("Blank lines separate paragraphs; “## ” starts a heading and “- ” a bullet"),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    body_cy = forms.CharField(
        label=_("What we are consulting on, in Welsh (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        help_text=_("For example, 2026-03-27 09:00"),
        input_formats=DATETIME_FORMATS,
        error_messages={
            "required": _("Enter when it opens"),
            "invalid": _("Enter the opening like 2026-03-27 09:00"),
        },
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        help_text=_("For example, 2026-06-19 23:59"),
        input_formats=DATETIME_FORMATS,
        error_messages={
            "required": _("Enter when it closes"),
            "invalid": _("Enter the closing like 2026-06-19 23:59"),
        },
    )
    project = forms.ModelChoiceField(
        label=_("Project (optional)"),
        queryset=Project.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Choose a project from the list: you can only link projects you can see")
        },
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"), queryset=Region.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    team = forms.ModelChoiceField(
        label=_("Restrict to a team (optional)"),
        help_text=_("A consultation restricted to a team is never shown to the public"),
        queryset=Team.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your own teams, or none")},
    )
    is_published = forms.BooleanField(
        label=_("Publish: show it on the public calendar from its opening (and as forthcoming before)"),
        required=False,
    )
    equality_monitoring = forms.BooleanField(
        label=_("Ask the equality monitoring questions (optional for respondents)"),
        help_text=_(
            "Answers are kept apart from responses; staff only ever see counts, with small numbers hidden"
        ),
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The same rule as every other form that offers projects and teams.
        self.fields["project"].queryset = projects_assignable_by(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams_assignable_by(user)  # type: ignore[attr-defined]

    def clean_project(self) -> Project | None:
        """Keep a link to a project this user cannot see: it is not offered, so an empty
        choice is not a choice to unlink it."""
        chosen: Project | None = self.cleaned_data.get("project")
        linked = self.initial.get("project")
        if chosen is None and isinstance(linked, Project):
            offered = self.fields["project"].queryset  # type: ignore[attr-defined]
            if not offered.filter(pk=linked.pk).exists():
                return linked
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing must be after the opening"))
        if cleaned.get("is_published") and cleaned.get("team"):
            self.add_error("is_published", _("A consultation restricted to a team cannot be published"))
        return cleaned
