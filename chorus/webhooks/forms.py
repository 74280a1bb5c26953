"""The form administrators add or change a webhook endpoint with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.webhooks.models import TICKET_FORMATS, EventKind, Format
from chorus.webhooks.services import url_problem


def event_choices() -> list[tuple[str, str]]:
    return [(kind.value, str(kind.label)) for kind in EventKind if kind != EventKind.TEST]


class EndpointForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What the endpoint is, for example the digital team's Teams channel"),
        error_messages={"required": _("Enter a name for the endpoint")},
    )
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address Chorus sends events to. It must start with https://"),
        error_messages={
            "required": _("Enter the address Chorus sends events to"),
            "invalid": _("Enter a web address, like https://example.org/hooks/chorus"),
        },
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chorus sends the endpoint these events as they happen"),
        error_messages={"required": _("Choose at least one event to send")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Format.choices,
        widget=forms.RadioSelect,
        initial=Format.JSON,
        help_text=_("Jira, ServiceNow and Zendesk tickets are made only for emerging issues"),
        error_messages={"required": _("Choose the format of the messages")},
    )
    project_key = forms.CharField(
        label=_("Jira project key (Jira issues only)"),
        max_length=50,
        required=False,
        help_text=_("For example ENG"),
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        problem = url_problem(url)
        if problem == "credentials":
            raise forms.ValidationError(
                _("Take the user name and password out of the address: Chorus signs each message instead")
            )
        if problem == "internal":
            raise forms.ValidationError(
                _(
                    "Enter an address on the internet: "
                    "Chorus does not send events to addresses inside a network"
                )
            )
        if problem:
            raise forms.ValidationError(_("Enter an address that starts with https://"))
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("format")
        events = set(cleaned.get("events") or [])
        if chosen in TICKET_FORMATS and events - {EventKind.EMERGING_ISSUE_FLAGGED.value}:
            self.add_error(
                "events", _("A ticket is made only for emerging issues: choose Emerging issue flagged only")
            )
        if chosen == Format.JIRA and not (cleaned.get("project_key") or "").strip():
            self.add_error("project_key", _("Enter the key of the Jira project to make issues in"))
        return cleaned
