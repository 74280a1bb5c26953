"""The public page where someone who came answers the short survey, by their signed link."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chorus.events.evaluation import evaluation_answer, evaluation_from_token
from chorus.events.models import Evaluation


def _scale(low: str, high: str) -> list[tuple[str, str]]:
    return [("1", f"1 ({low})"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", f"5 ({high})")]


class EvaluationForm(forms.Form):
    useful = forms.TypedChoiceField(
        label=_("How useful was it to you?"),
        choices=_scale(str(_("not at all useful")), str(_("very useful"))),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how useful it was, from 1 to 5")},
    )
    listened = forms.TypedChoiceField(
        label=_("Did you feel listened to?"),
        choices=_scale(str(_("not at all")), str(_("completely"))),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how far you felt listened to, from 1 to 5")},
    )
    accessible = forms.ChoiceField(
        label=_("Could you take part fully, with what you needed?"),
        choices=Evaluation.Accessible.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you could take part fully")},
    )
    improve = forms.CharField(
        label=_("What could we do better? (optional)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not include personal details, such as names or case numbers."),
        error_messages={"max_length": _("Your answer must be 3,000 characters or fewer")},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Labels built per request, so the scale's words are in the page's language.
        self.fields["useful"].choices = _scale(str(_("not at all useful")), str(_("very useful")))  # type: ignore[attr-defined]
        self.fields["listened"].choices = _scale(str(_("not at all")), str(_("completely")))  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, token: str) -> HttpResponse:
    found = evaluation_from_token(token)
    if found is None:
        return render(request, "events/evaluation_link.html", status=404)
    context = {"evaluation": found, "event": found.activity, "token": token}
    if found.answered_at is not None:
        return render(request, "events/evaluation_done.html", context)
    form = EvaluationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        evaluation_answer(
            evaluation=found,
            useful=form.cleaned_data["useful"],
            listened=form.cleaned_data["listened"],
            accessible=form.cleaned_data["accessible"],
            improve=form.cleaned_data["improve"],
        )
        return redirect("events:evaluation", token=token)
    return render(request, "events/evaluation.html", {**context, "form": form})
