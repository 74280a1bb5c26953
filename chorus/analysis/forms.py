"""Forms for starting analyses, reviewing themes and importing social media posts."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chorus.analysis.models import AnalysisRun, Item, Theme
from chorus.core.spreadsheets import CSV, Limits, SpreadsheetError, check, read_upload, too_big

MOST_FRAMEWORK_BYTES = 2 * 1024 * 1024


class RunForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("What to analyse"),
        help_text=_(
            "A question, a whole consultation, a service's feedback, social media posts or the "
            "comments people left in an event's evaluation."
        ),
        error_messages={
            "required": _("Choose what to analyse from the list."),
            "invalid_choice": _("Choose what to analyse from the list."),
        },
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=AnalysisRun.Mode.choices,
        initial=AnalysisRun.Mode.FAST,
        error_messages={"required": _("Choose a mode: fast suits most work.")},
        help_text=_(
            "Fast suits most work. Accurate is slower and finds themes a little better; once "
            "analysts have corrected 20 or more responses of each sentiment on earlier analyses "
            "of the same responses, it also learns sentiment from those corrections (a few "
            "minutes more)."
        ),
    )
    framework = forms.FileField(
        label=_("Coding framework (optional)"),
        required=False,
        help_text=_(
            "A CSV file with columns theme, description and example: one row per example response. "
            "A theme whose examples are answers such as 'N/A' or 'Nothing' collects every response "
            "that says nothing. Leave it out to have Chorus find the themes."
        ),
    )

    def __init__(self, *args: Any, subjects: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = dict(subjects)
        cast(Any, self.fields)["subject"].choices = [("", _("Choose what to analyse"))] + [
            (key, str(label)) for key, (label, _t) in subjects
        ]
        if not settings.CHORUS_EMBEDDINGS_URL:
            cast(Any, self.fields)["mode"].choices = [
                c for c in AnalysisRun.Mode.choices if c[0] != AnalysisRun.Mode.REMOTE
            ]

    def clean_subject(self) -> tuple[str, Any]:
        key = self.cleaned_data["subject"]
        if key not in self.targets:
            raise forms.ValidationError(_("Choose what to analyse from the list."))
        return key.split(":", 1)[0], self.targets[key][1]

    def clean_framework(self) -> list[dict[str, Any]]:
        upload = self.cleaned_data.get("framework")
        if not upload:
            return []
        if upload.size > MOST_FRAMEWORK_BYTES:
            raise forms.ValidationError(
                _("The framework file is over 2 MB: keep it to theme names, descriptions and examples.")
            )
        try:
            headers, lines = read_upload(
                upload, limits=Limits.from_settings(max_bytes=MOST_FRAMEWORK_BYTES), formats=(CSV,)
            )
        except SpreadsheetError as error:
            raise forms.ValidationError(error.message) from None
        headers = [h.strip().lower() for h in headers]
        if "theme" not in headers:
            raise forms.ValidationError(
                _("The framework file needs a column called theme (and optionally description and example).")
            )
        themes: dict[str, dict[str, Any]] = {}
        for _line, cells in lines:
            row = {k: v for k, v in zip(headers, cells, strict=False) if k}
            name = row.get("theme", "")
            if not name:
                continue
            theme = themes.setdefault(name.lower(), {"name": name, "description": "", "examples": []})
            if row.get("description") and not theme["description"]:
                theme["description"] = row["description"]
            if row.get("example"):
                theme["examples"].append(row["example"])
        found = list(themes.values())
        if len(found) < 2:
            raise forms.ValidationError(_("The framework file needs at least two themes."))
        empty = [t["name"] for t in found if not t["examples"] and not t["description"]]
        if empty:
            raise forms.ValidationError(
                _("Give these themes a description or an example: %(names)s") % {"names": ", ".join(empty)}
            )
        return found


class ThemeForm(forms.Form):
    label = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={
            "required": _("Enter a name for the theme."),
            "max_length": _("Keep the theme's name to 200 characters or fewer."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser would cut a longer name short without a word
        # (GOV.UK: say what is wrong instead); the form says so.
        self.fields["label"].widget.attrs.pop("maxlength", None)

    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NewThemeForm(ThemeForm):
    items = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    gather = forms.BooleanField(
        label=_("Also move responses that are closer to the new theme than to their own"),
        required=False,
        initial=True,
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label=_("Merge this theme into"),
        empty_label=_("Choose a theme"),
        error_messages={
            "required": _("Choose the theme to merge this one into."),
            "invalid_choice": _("Choose a theme from the list: the one you chose may have been deleted."),
        },
    )

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields)["into"].queryset = theme.run.themes.filter(level=theme.level).exclude(
            pk=theme.pk
        )


class MoveForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label=_("Move the chosen responses to"),
        empty_label=_("Choose a theme"),
        error_messages={
            "required": _("Choose the theme to move the responses to."),
            "invalid_choice": _("Choose a theme from the list: the one you chose may have been deleted."),
        },
    )

    def __init__(self, *args: Any, run: AnalysisRun, exclude: Theme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = run.themes.filter(level=Theme.Level.FINE)
        cast(Any, self.fields)["target"].queryset = themes.exclude(pk=exclude.pk) if exclude else themes


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search the responses"), required=False, max_length=200)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=[("", _("Any")), *Item.Sentiment.choices]
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    respondent_type = forms.ChoiceField(label=_("Responding"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    group = forms.ChoiceField(label=_("Stakeholder group"), required=False)
    organisation_kind = forms.ChoiceField(label=_("Organisation type"), required=False)

    def __init__(self, *args: Any, options: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, values in options.items():
            # Stored as English names (channels: "Exit survey"): shown in the page's language.
            cast(Any, self.fields)[name].choices = [("", _("Any"))] + [(v, _(v)) for v in values]


class SocialSourceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example: Mentions of the court service"),
        error_messages={"required": _("Enter a name for the source of posts.")},
    )
    description = forms.CharField(
        label=_("What it collects"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SocialImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"),
        error_messages={"required": _("Choose the file exported from your social media tool.")},
        help_text=_(
            "CSV or JSON exported from your social media tool, with author handle, date, text "
            "and (optionally) link."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError(_("The file must be a .csv or .json export."))
        limits = Limits.from_settings()
        try:
            if upload.name.lower().endswith(".json"):
                if upload.size > limits.max_bytes:
                    raise too_big(upload.size, limits)
            else:
                check(upload, upload.name, limits=limits, formats=(CSV,))
        except SpreadsheetError as error:
            raise forms.ValidationError(error.message) from None
        return upload
