"""Forms for taking part in idea challenges and for running them."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.core.forms import GovukDateTimeField
from chorus.directory.models import Place
from chorus.ideas.models import Challenge, Idea


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will email you a link. You do not need an account."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Give your idea a short title"),
        max_length=150,
        error_messages={
            "required": _("Enter a title for your idea"),
            "max_length": _("Keep the title to 150 characters or fewer"),
        },
    )
    body = forms.CharField(
        label=_("Describe your idea"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Say what you would change and why. "
            "Do not include personal details such as names or case numbers."
        ),
        error_messages={
            "required": _("Describe your idea"),
            "max_length": _("Keep your description to 5,000 characters or fewer"),
        },
    )
    place = forms.ModelChoiceField(
        queryset=Place.objects.order_by("name"),
        label=_("Is it about a particular place? (optional)"),
        required=False,
        empty_label=_("No particular place"),
        error_messages={"invalid_choice": _("Choose a place from the list")},
    )
    name = forms.CharField(
        label=_("Name to show with your idea (optional)"),
        max_length=80,
        required=False,
        help_text=_("Leave it empty to appear as Anonymous."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add a comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter your comment"),
            "max_length": _("Keep your comment to 2,000 characters or fewer"),
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ChallengeForm(forms.ModelForm[Challenge]):
    opens_at = GovukDateTimeField(
        label=_("Opens"),
        subject=_("Opening date"),
        help_text=_("For example, 1 12 2026 and 9am"),
        error_messages={"required": _("Enter when it opens")},
    )
    closes_at = GovukDateTimeField(
        label=_("Closes"),
        subject=_("Closing date"),
        help_text=_("For example, 31 1 2027 and 11:59pm"),
        error_messages={"required": _("Enter when it closes")},
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "title_cy",
            "description",
            "description_cy",
            "opens_at",
            "closes_at",
            "topics",
            "regions",
            "team",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "description_cy": forms.Textarea(attrs={"rows": 6}),
            "topics": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {
                "required": _(
                    "Enter the challenge's question, such as: How could we make our courts easier to use?"
                )
            },
            "description": {"required": _("Describe the challenge and what you will do with the ideas")},
        }

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields)["team"].queryset = teams

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time"))
        return data


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[("published", _("Publish")), ("hidden", _("Hide"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose to publish or hide it")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Recorded with your decision. For a hidden post, say which house rule it breaks."),
        error_messages={"required": _("Give a reason for your decision")},
    )


class RespondForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Idea.Status.choices if c[0] != Idea.Status.OPEN],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the idea's status")},
    )
    response = forms.CharField(
        label=_("Official response"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say what you decided and why. Everyone following the idea is emailed."),
        error_messages={"required": _("Write the official response, with your reasons")},
    )
    impact: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label=_("Linked “you said, we did” record (optional)"),
        required=False,
        empty_label=_("None"),
    )
    ideas = forms.CharField(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from chorus.engagement.models import ImpactRecord

        cast(Any, self.fields)["impact"].queryset = ImpactRecord.objects.order_by("-decided_on")


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Idea.objects.none(),
        label=_("Merge this idea into"),
        empty_label=_("Choose an idea"),
        error_messages={
            "required": _("Choose the idea to merge this one into"),
            "invalid_choice": _("Choose an idea from the list"),
        },
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields)["into"].queryset = (
            Idea.objects.filter(challenge=idea.challenge, merged_into__isnull=True)
            .exclude(pk=idea.pk)
            .exclude(moderation="hidden")
        )


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Published on the challenge's page: what you heard and what happens next."),
        error_messages={"required": _("Write the closing summary")},
    )
    summary_cy = forms.CharField(
        label=_("Closing summary in Welsh"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
