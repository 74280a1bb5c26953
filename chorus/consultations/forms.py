from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team, User
from chorus.consultations.journey import choices_for
from chorus.consultations.labels import question_label, question_numbers
from chorus.consultations.models import Consultation, HelpRequest, Question, Response, Section
from chorus.core import uploads
from chorus.core.access import teams_assignable_by
from chorus.core.custom_fields import CustomFieldsForm, filter_fields
from chorus.core.forms import GovukDateField, GovukDateTimeField, NamedChoiceField
from chorus.core.imports.forms import file_field
from chorus.directory.models import AdjustmentCategory, Region, Topic
from chorus.directory.normalise import normalise_phone
from chorus.engagement.models import Project
from chorus.engagement.selectors import projects_assignable_by


class ConsultationForm(CustomFieldsForm):
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
    opens_at = GovukDateTimeField(
        label=_("Opens"),
        subject=_("Opening date"),
        help_text=_("For example, 27 3 2026 and 9am"),
        error_messages={"required": _("Enter when it opens")},
    )
    closes_at = GovukDateTimeField(
        label=_("Closes"),
        subject=_("Closing date"),
        help_text=_("For example, 19 6 2026 and 11:59pm"),
        error_messages={"required": _("Enter when it closes")},
    )
    shorter_reason = forms.CharField(
        label=_("Why it is open for less than the standard (if it is)"),
        help_text=_(
            "Say why a shorter time is enough, for example an urgent change the law requires. "
            "It goes in the consultation's record."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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
    privacy_url = forms.URLField(
        label=_("Link to the privacy notice"),
        help_text=_(
            "The page that says how you use respondents' personal information, like "
            "https://www.example.gov.uk/privacy. Needed before you can publish."
        ),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={
            "invalid": _("Enter the link like https://www.example.gov.uk/privacy"),
            "max_length": _("The link must be 200 characters or fewer"),
        },
    )
    contact_email = forms.EmailField(
        label=_("Contact email address"),
        help_text=_("For questions about the consultation. Give an email address, a phone number or both."),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    contact_phone = forms.CharField(label=_("Contact phone number"), max_length=40, required=False)
    equality_monitoring = forms.BooleanField(
        label=_("Ask the equality monitoring questions (optional for respondents)"),
        help_text=_(
            "Answers are kept apart from responses; staff only ever see counts, with small numbers hidden"
        ),
        required=False,
    )

    def __init__(self, *args: Any, user: User, custom: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The same rule as every other form that offers projects and teams.
        self.fields["project"].queryset = projects_assignable_by(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams_assignable_by(user)  # type: ignore[attr-defined]
        self.custom_fields_add("consultation", user, custom)

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
        if self.initial.get("is_published") and cleaned.get("team"):
            self.add_error(
                "team", _("It is published, so it cannot be restricted to a team: copy it as a new draft")
            )
        return cleaned


CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)


def parse_options(text: str) -> list[dict[str, str]]:
    """One option a line, "English label | Welsh label" (the Welsh is optional)."""
    options: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        english, _bar, welsh = (part.strip() for part in line.partition("|"))
        value = slugify(english)[:40] or f"option-{number}"
        if value in seen:
            raise forms.ValidationError(
                _("Line %(n)s: “%(label)s” is already an option. Each option needs a different label.")
                % {"n": number, "label": english}
            )
        seen.add(value)
        options.append({"value": value, "label": english, "label_cy": welsh})
    return options


class SectionForm(forms.Form):
    title = forms.CharField(
        label=_("Section title"),
        max_length=200,
        error_messages={"required": _("Enter the section's title")},
    )
    title_cy = forms.CharField(label=_("Section title in Welsh (optional)"), max_length=200, required=False)


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.none(),
        error_messages={"required": _("Choose the section")},
    )
    kind = forms.ChoiceField(
        label=_("Type of question"),
        choices=Question.Kind.choices,
        error_messages={"required": _("Choose the type of question")},
    )
    text = forms.CharField(
        label=_("Question"),
        max_length=500,
        error_messages={"required": _("Enter the question")},
    )
    text_cy = forms.CharField(label=_("Question in Welsh (optional)"), max_length=500, required=False)
    help_text = forms.CharField(label=_("Hint (optional)"), max_length=500, required=False)
    help_text_cy = forms.CharField(label=_("Hint in Welsh (optional)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    max_length = forms.IntegerField(
        label=_("Character limit (free text, optional)"),
        min_value=1,
        max_value=100000,
        required=False,
        error_messages={"min_value": _("Enter a limit of 1 character or more")},
    )
    min_value = forms.DecimalField(
        label=_("Least number accepted (number questions, optional)"),
        max_digits=15,
        decimal_places=4,
        required=False,
        error_messages={"invalid": _("Enter the least number as a number, like 0")},
    )
    max_value = forms.DecimalField(
        label=_("Greatest number accepted (number questions, optional)"),
        max_digits=15,
        decimal_places=4,
        required=False,
        error_messages={"invalid": _("Enter the greatest number as a number, like 100")},
    )
    low_label = forms.CharField(
        label=_("What 1 means (ratings, optional)"),
        help_text=_("For example, Very dissatisfied"),
        max_length=100,
        required=False,
    )
    low_label_cy = forms.CharField(
        label=_("What 1 means, in Welsh (optional)"), max_length=100, required=False
    )
    high_label = forms.CharField(
        label=_("What 5 means (ratings, optional)"),
        help_text=_("For example, Very satisfied"),
        max_length=100,
        required=False,
    )
    high_label_cy = forms.CharField(
        label=_("What 5 means, in Welsh (optional)"), max_length=100, required=False
    )
    options = forms.CharField(
        label=_("Options (single and multiple choice)"),
        help_text=_("One a line; add the Welsh after a bar, like “Yes, often | Ydw, yn aml”"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    follows = forms.ModelChoiceField(
        label=_("Ask only after this question (optional)"),
        queryset=Question.objects.none(),
        required=False,
    )
    shown_for = forms.CharField(
        label=_("…when the answer is one of (option labels, one a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(
        self, *args: Any, consultation: Consultation, editing: Question | None = None, **kwargs: Any
    ) -> None:
        if editing is not None and "initial" not in kwargs:
            kwargs["initial"] = question_initial(editing)
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["section"].queryset = consultation.sections.all()  # type: ignore[attr-defined]
        earlier = Question.objects.filter(section__consultation=consultation).select_related("section")
        if editing is not None:
            earlier = earlier.exclude(pk=editing.pk)
        self.fields["follows"].queryset = earlier  # type: ignore[attr-defined]
        numbers = question_numbers([consultation])
        self.fields["follows"].label_from_instance = lambda q: question_label(  # type: ignore[attr-defined]
            q, numbers.get(q.pk, 0)
        )

    def clean_options(self) -> list[dict[str, str]]:
        return parse_options(self.cleaned_data.get("options", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in CHOICE_KINDS and "options" in data and len(data["options"]) < 2:
            self.add_error("options", _("Add at least two options, one a line"))
        if kind not in CHOICE_KINDS:
            data["options"] = []
        follows: Question | None = data.get("follows")
        section: Section | None = data.get("section")
        shown_for_text = str(data.get("shown_for") or "")
        data["shown_for"] = []
        if follows is not None and section is not None:
            data["shown_for"] = self._shown_for(follows, section, shown_for_text)
        if "max_length" in data and kind != Question.Kind.TEXT:
            data["max_length"] = None
        if kind == Question.Kind.NUMBER:
            least, most = data.get("min_value"), data.get("max_value")
            if least is not None and most is not None and least > most:
                self.add_error(
                    "max_value", _("The greatest number must be the same as or more than the least number")
                )
        else:
            data["min_value"] = data["max_value"] = None
        if kind != Question.Kind.RATING:
            for name in ("low_label", "low_label_cy", "high_label", "high_label_cy"):
                data[name] = ""
        if self.editing is not None and section is not None:
            self._check_follow_ups(self.editing, data, section)
        return data

    def _shown_for(self, follows: Question, section: Section, text: str) -> list[str]:
        """The answers to ``follows`` that lead to this question, as option values."""
        if follows.kind in (Question.Kind.TEXT, Question.Kind.NUMBER, Question.Kind.DATE):
            self.add_error("follows", _("A follow-up can only follow a question with answers to choose from"))
            return []
        same_page = follows.section_id == section.pk
        if (follows.section.order, follows.section_id) > (section.order, section.pk) or (
            same_page and self.editing is not None and (follows.order, follows.pk) > _place(self.editing)
        ):
            self.add_error("follows", _("Put a follow-up after the question it follows"))
            return []
        if same_page and follows.follows is not None and follows.follows.section_id == section.pk:
            self.add_error(
                "follows",
                _(
                    "A follow-up revealed on the page of its question cannot lead to another there: "
                    "put it in a later section"
                ),
            )
            return []
        choices = choices_for(follows, "en")
        labels = {str(label).lower(): value for value, label in choices} | {v.lower(): v for v, _l in choices}
        wanted = [line.strip().lower() for line in text.splitlines() if line.strip()]
        unknown = [w for w in wanted if w not in labels]
        if not wanted:
            self.add_error("shown_for", _("Say which answers to the earlier question lead to this one"))
        elif unknown:
            self.add_error(
                "shown_for",
                _("“%(answer)s” is not an answer to “%(question)s”. Use: %(answers)s.")
                % {
                    "answer": unknown[0],
                    "question": follows.text,
                    "answers": ", ".join(str(label) for _v, label in choices),
                },
            )
        elif same_page and len(set(wanted)) > 1:
            self.add_error(
                "shown_for",
                _(
                    "A follow-up on the same page as its question is shown under one answer. "
                    "Choose one, or put the follow-up in a later section to ask it after several."
                ),
            )
        else:
            return list(dict.fromkeys(labels[w] for w in wanted))
        return []

    def _check_follow_ups(self, question: Question, data: dict[str, Any], section: Section) -> None:
        """A question being changed keeps the answers and the place its follow-ups need."""
        if "kind" not in data or "options" not in data:
            return  # the form says what is wrong with those first
        kind = str(data["kind"])
        values = {value for value, _label in choices_for(Question(kind=kind, options=data["options"]), "en")}
        for follow_up in question.follow_ups.select_related("section"):
            missing = [value for value in follow_up.shown_for if value not in values]
            if missing or kind in (Question.Kind.TEXT, Question.Kind.NUMBER, Question.Kind.DATE):
                self.add_error(
                    "kind" if kind not in CHOICE_KINDS else "options",
                    _(
                        "The follow-up “%(follow_up)s” is asked after an answer this change removes. "
                        "Change or remove the follow-up first."
                    )
                    % {"follow_up": follow_up.text},
                )
            elif (follow_up.section.order, follow_up.section_id) < (section.order, section.pk):
                self.add_error(
                    "section",
                    _("The follow-up “%(follow_up)s” would come before this question. Move it first.")
                    % {"follow_up": follow_up.text},
                )


def _place(question: Question) -> tuple[int, int]:
    return (question.order, question.pk)


def question_initial(question: Question) -> dict[str, Any]:
    """A question as its form shows it for changing."""
    return {
        **{
            name: getattr(question, name)
            for name in (
                "section",
                "kind",
                "text",
                "text_cy",
                "help_text",
                "help_text_cy",
                "required",
                "max_length",
                "min_value",
                "max_value",
                "low_label",
                "low_label_cy",
                "high_label",
                "high_label_cy",
                "follows",
            )
        },
        "options": "\n".join(
            f"{o['label']} | {o['label_cy']}" if o.get("label_cy") else o["label"] for o in question.options
        ),
        "shown_for": "\n".join(
            str(dict(choices_for(question.follows, "en")).get(value, value)) for value in question.shown_for
        )
        if question.follows is not None
        else "",
    }


# Supporting documents: the kinds of file staff may publish, and the largest (core keeps
# them: events' materials follow the same rules).
DOCUMENT_EXTENSIONS = uploads.DOCUMENT_EXTENSIONS
DOCUMENT_MOST_BYTES = uploads.DOCUMENT_MOST_BYTES


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title")},
    )
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, OpenDocument, Excel, PowerPoint, CSV or text, up to 25 MB"),
        error_messages={
            "required": _("Choose a file to upload"),
            "empty": _("The file is empty: choose another"),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in DOCUMENT_EXTENSIONS:
            raise forms.ValidationError(
                _("The file must be a PDF, Word, OpenDocument, Excel, PowerPoint, CSV or text file")
            )
        if upload.size > DOCUMENT_MOST_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 25 MB"))
        if not uploads.content_matches(upload, extension):
            raise forms.ValidationError(
                _(
                    "The file's contents are not what its name says (.%(kind)s): choose the file again, "
                    "or save it again in that format"
                )
                % {"kind": extension}
            )
        return upload


class DocumentFileDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this file being deleted?"),
        help_text=_("Kept with the version in place of its file, and in the audit log"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why the file is being deleted")},
    )


STAFF_CHANNELS = [c for c in Response.Channel.choices if c[0] != Response.Channel.ONLINE]


class EnteredResponseForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How the response came"),
        choices=STAFF_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the response came")},
    )
    received_on = GovukDateField(
        label=_("Date received"),
        subject=_("Date the response was received"),
        error_messages={"required": _("Enter the date the response was received")},
    )
    respondent_type = forms.ChoiceField(
        label=_("Responding"), choices=Response.RespondentType.choices, widget=forms.RadioSelect
    )
    organisation = forms.CharField(label=_("Organisation (optional)"), max_length=200, required=False)
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email address (optional)"), required=False, max_length=254)
    may_contact = forms.BooleanField(
        label=_("They asked to be emailed what changed because of this consultation"), required=False
    )
    publish = forms.ChoiceField(
        label=_("Publishing"), choices=Response.Publish.choices, widget=forms.RadioSelect
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("may_contact") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter their email address, or untick the box below"))
        return data

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future"))
        return value


class ResponseUploadForm(forms.Form):
    file = file_field(
        label=_("Upload a file of responses"),
        help_text=_(
            "CSV or Excel (.xlsx), one row a response: columns named as in the export "
            "(Q1, Q2… or the question), and optionally channel, received, responding, "
            "organisation, name, email and publishing"
        ),
        empty=_("The file is empty. It needs a header row, then one row a response."),
    )


class ModerationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("withhold", _("Do not publish"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to publish this response")},
    )
    reason = forms.CharField(
        label=_("Reason for not publishing"),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Keep the reason to 500 characters or fewer")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "withhold" and not data.get("reason", "").strip():
            self.add_error(
                "reason",
                _("Say why this response is not published, for example “It is about a named child”"),
            )
        return data


class RedactForm(forms.Form):
    question = forms.UUIDField()
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    passage = forms.CharField(strip=False)
    kind = forms.CharField(max_length=30)


class ModeratedTextsForm(forms.Form):
    """One text box per free-text answer, holding the text as it will be published."""

    def __init__(self, *args: Any, answers: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label, text in answers:
            self.fields[f"t_{code}"] = forms.CharField(
                label=label,
                initial=text,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )


class AboutForm(forms.Form):
    respondent_type = forms.ChoiceField(
        label=_("Are you responding as an individual or on behalf of an organisation?"),
        choices=Response.RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether you are responding as an individual or for an organisation")
        },
    )
    organisation = forms.CharField(
        label=_("Organisation name (if responding for one)"), max_length=200, required=False
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Email address (optional)"),
        help_text=_("We will send you a receipt with your reference number"),
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    may_contact = forms.BooleanField(
        label=_("Email me when you publish what changed because of this consultation"),
        help_text=_("We will use your email address only for this. Every email has a link to stop them."),
        required=False,
    )
    publish = forms.ChoiceField(
        label=_("May we publish your response?"),
        choices=Response.Publish.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether we may publish your response")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("respondent_type") == Response.RespondentType.ORGANISATION and not data.get(
            "organisation"
        ):
            self.add_error("organisation", _("Enter the name of the organisation you are responding for"))
        if data.get("may_contact") and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "email",
                _("Enter your email address so we can tell you what changed, or untick the box below"),
            )
        if data.get("publish") == Response.Publish.NAMED and not (
            data.get("name") or data.get("organisation")
        ):
            self.add_error("name", _("Enter your name, or choose to publish your response without it"))
        return data


class SaveDraftForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter the email address to send the link to"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class HelpRequestForm(forms.Form):
    way = forms.ChoiceField(
        label=_("How would you like us to help?"),
        choices=HelpRequest.Way.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how you would like us to help")},
    )
    in_welsh = forms.BooleanField(label=_("I would like help in Welsh"), required=False)
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Enter your name")},
    )
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    address = forms.CharField(
        label=_("Postal address (for a paper copy)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    when = forms.CharField(label=_("Good times to contact you (optional)"), max_length=200, required=False)
    adjustments = forms.MultipleChoiceField(
        label=_("Do you need any of these to take part? (optional)"),
        choices=AdjustmentCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply. Tell us more in the next box."),
    )
    needs = forms.CharField(
        label=_("Anything else we should know, such as access needs (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    website = forms.CharField(required=False)  # never shown; only bots fill it in

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone", "")).strip()
        digits = normalise_phone(phone).lstrip("+")
        if phone and (not digits.isdigit() or not 7 <= len(digits) <= 15):
            raise forms.ValidationError(_("Enter a phone number, like 01632 960 001 or 07700 900 982"))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        way = data.get("way")
        if (
            way in (HelpRequest.Way.PHONE, HelpRequest.Way.FACE_TO_FACE)
            and not data.get("phone")
            and not data.get("email")
        ):
            self.add_error("phone", _("Enter a phone number or an email address so we can arrange it"))
        if way == HelpRequest.Way.PAPER and not data.get("address"):
            self.add_error("address", _("Enter the address to post the paper copy to"))
        return data


class HelpQueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("New and in progress")),
            *HelpRequest.Status.choices,
            ("", _("Any status")),
        ],
    )


class ConsultationFilterForm(forms.Form):
    """The filters of the staff list of consultations, read from the address (GET): the
    added fields its user's role sees."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(filter_fields("consultation", user))

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("custom_")]


class PublicConsultationFilterForm(forms.Form):
    """The filters of the public list of consultations, read from the address (GET)."""

    q = forms.CharField(label=_("Search consultations"), required=False, max_length=200)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (Consultation.Status.OPEN, _("Open")),
            (Consultation.Status.FORTHCOMING, _("Forthcoming")),
            (Consultation.Status.CLOSED, _("Closed")),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose open, forthcoming or closed")},
    )
    topic = NamedChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=_("All topics"),
        error_messages={"invalid_choice": _("Choose a topic from the list")},
    )
    region = NamedChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
        error_messages={"invalid_choice": _("Choose a region from the list")},
    )


class ResponseTagForm(forms.Form):
    """A tag typed while reading a response: an existing one is reused, whatever its case."""

    name = forms.CharField(
        label=_("Add a tag"),
        max_length=60,
        help_text=_(
            "A word or short phrase, for example “fees”. "
            "Typing a tag this consultation already uses reuses it."
        ),
        widget=forms.TextInput(attrs={"list": "known-tags", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter a tag"),
            "max_length": _("Keep the tag to 60 characters or fewer"),
        },
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class ResponseNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add a note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter the note"),
            "max_length": _("Keep the note to 5,000 characters or fewer"),
        },
    )
