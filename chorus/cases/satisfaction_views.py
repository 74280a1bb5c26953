"""The public page where the person answers the short survey about how their case was
handled, by the signed link emailed when it was closed. No account: the link is the key,
and it takes one answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chorus.cases.models import Kind, SatisfactionSurvey
from chorus.cases.satisfaction import (
    IMPROVE_MAX,
    OPEN_FOR,
    survey_answer,
    survey_from_token,
    survey_is_open,
)

# The session's note of the survey just answered, so the page after it says thank you
# rather than "we already have your answers".
JUST_ANSWERED = "satisfaction_answered"


class SatisfactionForm(forms.Form):
    satisfaction = forms.ChoiceField(
        choices=SatisfactionSurvey.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    resolved = forms.ChoiceField(choices=SatisfactionSurvey.Resolved.choices, widget=forms.RadioSelect)
    timely = forms.ChoiceField(
        label=_("Did we deal with it in a reasonable time?"),
        choices=SatisfactionSurvey.Timely.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if we dealt with it in a reasonable time")},
    )
    improve = forms.CharField(
        label=_("Is there anything we could do better? (optional)"),
        required=False,
        max_length=IMPROVE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not include personal details, such as your address or the names of other people."),
        error_messages={"max_length": _("What we could do better must be 1,200 characters or fewer")},
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whole sentences for each kind, so that each reads right in Welsh too.
        satisfaction, resolved = self.fields["satisfaction"], self.fields["resolved"]
        if kind == Kind.COMPLAINT:
            satisfaction.label = _("How satisfied are you with how we handled your complaint?")
            satisfaction.error_messages["required"] = _(
                "Select how satisfied you are with how we handled your complaint"
            )
            resolved.label = _("Was your complaint resolved?")
            resolved.error_messages["required"] = _("Select whether your complaint was resolved")
        else:
            satisfaction.label = _("How satisfied are you with how we handled your enquiry?")
            satisfaction.error_messages["required"] = _(
                "Select how satisfied you are with how we handled your enquiry"
            )
            resolved.label = _("Was your enquiry resolved?")
            resolved.error_messages["required"] = _("Select whether your enquiry was resolved")


@require_http_methods(["GET", "POST"])
def satisfaction(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_from_token(token)
    if survey is None:
        # A link cut short or mistyped: a page that says what to do, not a bare "not found".
        return render(request, "cases/satisfaction_link.html", {"expired": False})
    context: dict[str, Any] = {"survey": survey, "case": survey.case}
    if survey.answered_at is not None:
        just = request.session.pop(JUST_ANSWERED, None) == str(survey.code)
        return render(request, "cases/satisfaction_done.html", {**context, "just_answered": just})
    if not survey_is_open(survey):
        return render(
            request, "cases/satisfaction_link.html", {**context, "expired": True, "days": OPEN_FOR.days}
        )
    form = SatisfactionForm(request.POST if request.method == "POST" else None, kind=survey.case.kind)
    if request.method == "POST" and form.is_valid():
        if survey_answer(
            survey=survey,
            satisfaction=form.cleaned_data["satisfaction"],
            resolved=form.cleaned_data["resolved"],
            timely=form.cleaned_data["timely"],
            improve=form.cleaned_data["improve"],
            request=request,
        ):
            request.session[JUST_ANSWERED] = str(survey.code)
        return redirect("cases:satisfaction", token=token)
    return render(request, "cases/satisfaction.html", {**context, "form": form})
