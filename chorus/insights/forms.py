"""Forms for insights: data access requests and their review, and perception surveys."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team, User
from chorus.consultations.labels import consultation_label
from chorus.consultations.models import Consultation
from chorus.core.access import teams_assignable_by, visible_to
from chorus.insights.models import DataAccessRequest, PanelReview


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class DataAccessRequestForm(forms.ModelForm[DataAccessRequest]):
    class Meta:
        model = DataAccessRequest
        fields = ["name", "email", "organisation", "purpose", "data_wanted", "legal_basis", "safeguards"]
        widgets = {
            f: forms.Textarea(attrs={"rows": 4})
            for f in ("purpose", "data_wanted", "legal_basis", "safeguards")
        }
        help_texts = {
            "purpose": _("The research question, and how the results will be used and published."),
            "data_wanted": _("Which records, which fields, which period. Ask for no more than you need."),
            "legal_basis": _(
                "For example: UK GDPR article 6(1)(e) with the Digital Economy Act 2017 research power."
            ),
            "safeguards": _(
                "Where the data will be held, who can see it, how long you keep it, "
                "and how you will stop anyone being identified."
            ),
        }
        error_messages = {
            "name": _required(_("Enter your name")),
            "email": {
                "required": _("Enter your email address"),
                "invalid": _("Enter an email address in the correct format, like name@example.com"),
            },
            "organisation": _required(_("Enter your organisation")),
            "purpose": _required(_("Say what the data is for")),
            "data_wanted": _required(_("Describe the data you want")),
            "legal_basis": _required(_("Give the legal basis for using the data")),
            "safeguards": _required(_("Say how you will keep the data safe")),
        }


class PanelReviewForm(forms.ModelForm[PanelReview]):
    class Meta:
        model = PanelReview
        fields = ["recommendation", "comments"]
        widgets = {"recommendation": forms.RadioSelect, "comments": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "recommendation": _required(_("Choose your recommendation")),
            "comments": _required(_("Give the reasons for your recommendation")),
        }


class RequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve")), ("refused", _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose to approve or refuse the request")),
    )
    reasons = forms.CharField(
        label=_("Reasons, published in the register"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_required(_("Give the reasons for the decision: they are published")),
    )


# A perception survey compares at most this many waves.
MOST_WAVES = 20


class PerceptionSeriesForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter a name for the perception survey")},
    )
    description = forms.CharField(
        label=_("Description (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    waves = forms.ModelMultipleChoiceField(
        label=_("Waves"),
        help_text=_(
            "Choose the surveys that asked the same questions. "
            "Make a new wave with Copy on the baseline survey."
        ),
        queryset=Consultation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least two surveys as waves")},
    )
    baseline = forms.ModelChoiceField(
        label=_("Baseline wave"),
        help_text=_("Every other wave is compared with this one"),
        queryset=Consultation.objects.none(),
        error_messages={"required": _("Choose the baseline wave")},
    )
    team = forms.ModelChoiceField(
        label=_("Restrict to a team (optional)"), queryset=Team.objects.all(), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        surveys = visible_to(
            user, Consultation.objects.filter(kind=Consultation.Kind.SURVEY).order_by("-opens_at")
        )
        self.fields["waves"].queryset = surveys  # type: ignore[attr-defined]
        self.fields["baseline"].queryset = surveys  # type: ignore[attr-defined]
        self.fields["waves"].label_from_instance = consultation_label  # type: ignore[attr-defined]
        self.fields["baseline"].label_from_instance = consultation_label  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams_assignable_by(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        waves, baseline = cleaned.get("waves"), cleaned.get("baseline")
        if waves is not None:
            if len(waves) < 2:
                self.add_error("waves", _("Choose at least two surveys as waves"))
            elif len(waves) > MOST_WAVES:
                self.add_error("waves", _("Choose at most %(most)s waves") % {"most": MOST_WAVES})
            elif baseline is not None and baseline not in waves:
                self.add_error("baseline", _("The baseline must be one of the waves you chose"))
        return cleaned
