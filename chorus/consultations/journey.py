"""The public response journey: which questions a respondent sees, their forms, and submitting.

Answers in progress live in a ``ResponseDraft`` (server-side). Submitting locks the
draft and turns it into one ``Response``: a double click, a resubmitted form or a retry
finds the draft already submitted and gets the same response back, never a second one.

Beside the answers, under ``PROGRESS``, the draft keeps how far the person has got: the
questions they have seen on a page they finished with "Continue", what they typed that
was not yet a valid answer when they chose to save and come back later, and whether
they have been past the equality page. That is what brings them back where they
stopped, and what "check your answers" says is still to do.
"""

from __future__ import annotations

import copy
import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.consultations.linking import person_for
from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseDraft, Section
from chorus.core.forms import DayField
from chorus.core.hooks import event_happened, texts_received
from chorus.core.i18n import in_language
from chorus.equality.services import equality_answered, equality_submitted

DRAFT_DAYS = 30
# The key in ``ResponseDraft.answers`` for the progress record; no question code looks like it.
PROGRESS = "_progress"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
SCALE = [
    ("strongly_agree", gettext_lazy("Strongly agree")),
    ("agree", gettext_lazy("Agree")),
    ("neither", gettext_lazy("Neither agree nor disagree")),
    ("disagree", gettext_lazy("Disagree")),
    ("strongly_disagree", gettext_lazy("Strongly disagree")),
    ("dont_know", gettext_lazy("Don't know")),
]
RATING = [(str(n), str(n)) for n in range(1, 6)]
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def choices_for(question: Question, language: str) -> list[tuple[str, Any]]:
    if question.kind == Question.Kind.SCALE:
        return SCALE
    if question.kind == Question.Kind.RATING:
        ends = {"1": question.low_label_for(language), "5": question.high_label_for(language)}
        return [
            (value, f"{label} \N{EN DASH} {ends[value]}" if ends.get(value) else label)
            for value, label in RATING
        ]
    if question.kind == Question.Kind.YES_NO:
        return YES_NO
    return [
        (o["value"], o.get("label_cy") or o["label"] if language == "cy" else o["label"])
        for o in question.options
    ]


def marked_choices(question: Question, language: str) -> list[tuple[str, Any]]:
    """``choices_for`` as a form shows them: an option with no Welsh, shown in English on a
    Welsh page, is marked ``<span lang="en">`` (chorus.core.i18n)."""
    if question.kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) or language != "cy":
        return choices_for(question, language)
    return [
        (
            o["value"],
            o["label_cy"] if o.get("label_cy") else format_html('<span lang="en">{}</span>', o["label"]),
        )
        for o in question.options
    ]


def is_visible(question: Question, answers: dict[str, Any]) -> bool:
    """A follow-up is asked only when its question got one of the answers it is shown for."""
    if question.follows is None:
        return True
    return is_chosen(answers.get(str(question.follows.code)), question.shown_for)


def revealed_on_page(question: Question, asked: set[int]) -> bool:
    """Whether a question is a follow-up revealed on the page of its question (which is
    among ``asked``, the primary keys of the questions a page asks)."""
    return question.on_page_of_trigger() and question.follows_id in asked


def page_questions(section: Section, shown: list[Question]) -> list[Question]:
    """The questions a page asks: those shown, and the follow-ups revealed on it when the
    answer that leads to them is chosen (whether or not it was chosen before)."""
    asked = {q.pk for q in shown}
    return [
        q
        for q in section.questions.select_related("follows", "section")
        if q.pk in asked or revealed_on_page(q, asked)
    ]


def visible_sections(
    consultation: Consultation, answers: dict[str, Any]
) -> list[tuple[Section, list[Question]]]:
    pages = []
    questions = Question.objects.filter(section__consultation=consultation).select_related(
        "follows", "section"
    )
    by_section: dict[int, list[Question]] = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
    for section in consultation.sections.all():
        shown = [q for q in by_section.get(section.pk, []) if is_visible(q, answers)]
        if shown:
            pages.append((section, shown))
    return pages


def _field(question: Question, language: str) -> forms.Field:
    label = question.text_for(language)
    common: dict[str, Any] = {
        # English shown on a Welsh page is marked lang="en" (chorus.core.i18n).
        "label": in_language(question, "text", language),
        "required": question.required,
        "help_text": question.help_for(language),
    }
    kind = question.kind
    if kind == Question.Kind.TEXT:
        limit = question.max_length
        return forms.CharField(
            **common,
            max_length=limit,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={
                "required": _("Enter your answer to “%(q)s”") % {"q": label},
                "max_length": _("Your answer must be %(limit)s characters or fewer") % {"limit": limit},
            },
        )
    if kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            **common,
            choices=marked_choices(question, language),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Select at least one answer to “%(q)s”") % {"q": label}},
        )
    if kind == Question.Kind.NUMBER:
        return forms.DecimalField(
            **common,
            max_digits=15,
            decimal_places=4,
            min_value=question.min_value,
            max_value=question.max_value,
            error_messages={
                "required": _("Enter a number for “%(q)s”") % {"q": label},
                "invalid": _("Enter a number, like 12 or 3.5"),
                **_range_messages(question, label),
            },
        )
    if kind == Question.Kind.DATE:
        return DayField(
            **common,
            error_messages={
                "required": _("Enter a date for “%(q)s”") % {"q": label},
                "invalid": _("Enter the date like 2026-03-27 or 27/03/2026"),
            },
        )
    return forms.ChoiceField(
        **common,
        choices=marked_choices(question, language),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select an answer to “%(q)s”") % {"q": label}},
    )


def plain_number(value: Decimal) -> str:
    """12, 3.5 or -1: a stored number as people write it (never 1E+1 or 12.0000)."""
    return format(value.normalize(), "f")


def _range_messages(question: Question, label: str) -> dict[str, str]:
    least, most = question.min_value, question.max_value
    if least is not None and most is not None:
        both = _("Enter a number between %(least)s and %(most)s for “%(q)s”") % {
            "least": plain_number(least),
            "most": plain_number(most),
            "q": label,
        }
        return {"min_value": both, "max_value": both}
    if least is not None:
        return {
            "min_value": _("Enter a number of %(least)s or more for “%(q)s”")
            % {"least": plain_number(least), "q": label}
        }
    if most is not None:
        return {
            "max_value": _("Enter a number of %(most)s or less for “%(q)s”")
            % {"most": plain_number(most), "q": label}
        }
    return {}


def field_name(question: Question) -> str:
    return f"q_{question.code.hex}"


class PageForm(forms.Form):
    """A page of questions. A follow-up revealed on the page of its question is checked only
    when the answer that reveals it is chosen; otherwise what it holds is dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The follow-up's field name: the field that reveals it, the answers that do, and
        # whether it is required once revealed.
        self.revealed: dict[str, tuple[str, list[str], bool]] = {}

    def reveals(self) -> dict[str, dict[str, list[str]]]:
        """For each field that reveals follow-ups: the follow-ups' field names by answer."""
        found: dict[str, dict[str, list[str]]] = {}
        for name, (trigger, shown_for, _required) in self.revealed.items():
            for value in shown_for:
                found.setdefault(trigger, {}).setdefault(value, []).append(name)
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, (trigger, shown_for, required) in self.revealed.items():
            if is_chosen(data.get(trigger), shown_for):
                if required and data.get(name) in (None, "", []) and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
            else:
                self.errors.pop(name, None)
                data[name] = None
        return data


def is_chosen(given: Any, shown_for: list[str]) -> bool:
    chosen = given if isinstance(given, list) else [given]
    return any(value in shown_for for value in chosen if value is not None)


def section_form(
    questions: list[Question],
    language: str,
    data: Any = None,
    answers: dict[str, Any] | None = None,
    *,
    required: bool = True,
) -> PageForm:
    """A page of questions; with ``required`` off (staff typing in what they were sent),
    no answer is required."""
    given = page_initial(questions, answers or {})
    form = PageForm(data=data, initial={field_name(q): given[str(q.code)] for q in questions})
    asked = {q.pk for q in questions}
    for question in questions:
        field = _field(question, language)
        field.required = field.required and required
        if revealed_on_page(question, asked) and question.follows is not None:
            form.revealed[field_name(question)] = (
                field_name(question.follows),
                list(question.shown_for),
                field.required,
            )
            field.required = False  # required only once revealed: PageForm.clean checks
        form.fields[field_name(question)] = field
    return form


def stored(value: Any) -> Any:
    """A cleaned form value as JSON: text, a list of option values, a number or a date as text."""
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, date):
        return value.isoformat()
    if value in (None, "", []):
        return None
    return value


def answers_from(form: forms.Form, questions: list[Question]) -> dict[str, Any]:
    return {str(q.code): stored(form.cleaned_data.get(field_name(q))) for q in questions}


def shown_answer(question: Question, value: Any, language: str) -> str:
    """An answer as the check-your-answers page and exports show it."""
    if value in (None, "", []):
        return ""
    labels = dict(choices_for(question, language))
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    if question.kind in (Question.Kind.SINGLE, Question.Kind.SCALE, Question.Kind.YES_NO):
        return str(labels.get(value, value))
    return str(value)


def missing_required(pages: list[tuple[Section, list[Question]]], answers: dict[str, Any]) -> list[Question]:
    """Required questions among those ``visible_sections`` shows that have no answer."""
    return [q for _section, questions in pages for q in questions if _unanswered(q, answers)]


def _unanswered(question: Question, answers: dict[str, Any]) -> bool:
    return question.required and answers.get(str(question.code)) in (None, "", [])


def _progress(answers: dict[str, Any]) -> dict[str, Any]:
    found = answers.get(PROGRESS)
    return dict(found) if isinstance(found, dict) else {}


def typed_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """What was typed and saved for later without being a valid answer, by question code."""
    return dict(_progress(answers).get("typed") or {})


def page_initial(questions: list[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """A page's answers so far as the form shows them, what was typed but not valid included."""
    typed = typed_answers(answers)
    return {str(q.code): typed.get(str(q.code), answers.get(str(q.code))) for q in questions}


def page_done(questions: list[Question], answers: dict[str, Any]) -> bool:
    """Whether the person finished this page: saw every question now on it, left nothing
    typed that is not valid, and answered every required one."""
    progress = _progress(answers)
    seen = set(progress.get("seen") or ())
    typed = progress.get("typed") or {}
    return all(
        str(q.code) in seen and str(q.code) not in typed and not _unanswered(q, answers) for q in questions
    )


def about_done(draft: ResponseDraft) -> bool:
    return bool(draft.about.get("respondent_type"))


def equality_passed(draft: ResponseDraft) -> bool:
    return bool(_progress(draft.answers).get("equality"))


def _with_progress(answers: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**answers, PROGRESS: {**_progress(answers), **changes}}


def section_finish(*, draft: ResponseDraft, form: forms.Form, questions: list[Question]) -> None:
    """Store a page's valid answers ("Continue") and count its questions as seen."""
    codes = {str(q.code) for q in questions}
    progress = _progress(draft.answers)
    seen = sorted(set(progress.get("seen") or ()) | codes)
    typed = {code: raw for code, raw in typed_answers(draft.answers).items() if code not in codes}
    draft.answers = _with_progress({**draft.answers, **answers_from(form, questions)}, seen=seen, typed=typed)
    draft.save(update_fields=["answers", "updated_at"])


def section_keep(*, draft: ResponseDraft, form: forms.Form, questions: list[Question]) -> None:
    """Store what was typed on a page without checking it ("save and come back later").

    Each answer that is valid on its own is kept as an answer, even when the page as a
    whole would not pass; what is not valid (a word where a number goes) is kept as typed,
    so that the page shows it again, and "check your answers" asks for it to be corrected.
    """
    typed = typed_answers(draft.answers)
    answers = dict(draft.answers)
    for question in questions:
        name = field_name(question)
        field = copy.copy(form.fields[name])
        field.required = False  # saving for later never asks for what is missing
        raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        code = str(question.code)
        try:
            answers[code] = stored(field.clean(raw))
            typed.pop(code, None)
        except ValidationError:
            answers[code] = None
            typed[code] = raw
    asked = {q.pk for q in questions}
    for question in questions:
        # A follow-up revealed on this page whose answer is not chosen is not kept.
        trigger = question.follows
        if (
            revealed_on_page(question, asked)
            and trigger
            and not is_chosen(answers.get(str(trigger.code)), question.shown_for)
        ):
            answers[str(question.code)] = None
            typed.pop(str(question.code), None)
    draft.answers = _with_progress(answers, typed=typed)
    draft.save(update_fields=["answers", "updated_at"])


def equality_pass(*, draft: ResponseDraft) -> None:
    """Note that the person has been past the equality page (answered or not)."""
    if not equality_passed(draft):
        draft.answers = _with_progress(draft.answers, equality=True)
        draft.save(update_fields=["answers", "updated_at"])


def first_unfinished(pages: list[tuple[Section, list[Question]]], draft: ResponseDraft) -> int | None:
    """The first step not finished: 0 for "about you", n for the nth page of questions,
    None when all are finished."""
    if not about_done(draft):
        return 0
    for number, (_section, questions) in enumerate(pages, start=1):
        if not page_done(questions, draft.answers):
            return number
    return None


def still_to_do(
    pages: list[tuple[Section, list[Question]]], draft: ResponseDraft, language: str
) -> list[tuple[str, int]]:
    """What must be done before the response can be sent, each with the step that does it
    (0 for "about you", n for the nth page of questions): "about you", every required
    answer, and every answer saved for later that is not valid yet. A page of optional
    questions not reached yet does not stop the response (the check page says "Not
    answered yet" there), though coming back from the email link leads to it."""
    todo: list[tuple[str, int]] = []
    if not about_done(draft):
        todo.append((_("Tell us about yourself"), 0))
    typed = typed_answers(draft.answers)
    for number, (_section, questions) in enumerate(pages, start=1):
        for question in questions:
            label = question.text_for(language)
            if str(question.code) in typed:
                todo.append((_("Correct your answer to “%(q)s”") % {"q": label}, number))
            elif _unanswered(question, draft.answers):
                todo.append((_("Answer “%(q)s”: it is required") % {"q": label}, number))
    return todo


def draft_start(consultation: Consultation) -> ResponseDraft:
    return ResponseDraft.objects.create(
        consultation=consultation, expires_at=timezone.now() + timedelta(days=DRAFT_DAYS)
    )


def unique_reference() -> str:
    """A new response reference: 8 characters that are hard to misread, not used before."""
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))
        if not Response.objects.filter(reference=reference).exists():
            return reference


class ConsultationClosed(Exception):
    """The consultation closed before the response was submitted."""


def response_submit(*, draft: ResponseDraft, language: str) -> tuple[Response, bool]:
    """Store the draft's answers as a response, once. Returns the response and whether it is new."""
    with transaction.atomic():
        draft = ResponseDraft.objects.select_for_update().select_related("consultation").get(pk=draft.pk)
        existing = Response.objects.filter(draft=draft).first()
        if existing is not None:
            return existing, False
        consultation = draft.consultation
        if consultation.status() != Consultation.Status.OPEN:
            raise ConsultationClosed
        visible = {
            q.code: q for _s, questions in visible_sections(consultation, draft.answers) for q in questions
        }
        about = draft.about
        response = Response.objects.create(
            consultation=consultation,
            reference=unique_reference(),
            draft=draft,
            channel=Response.Channel.ONLINE,
            respondent_type=about.get("respondent_type", Response.RespondentType.INDIVIDUAL),
            name=about.get("name", ""),
            email=about.get("email", ""),
            person_id=person_for(about.get("email", "")),
            may_contact=bool(about.get("may_contact") and about.get("email")),
            organisation=about.get("organisation", ""),
            publish=about.get("publish", Response.Publish.NO),
            language=language,
            equality_key=draft.equality_key
            if draft.equality_key and equality_answered(draft.equality_key)
            else None,
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=question, value=draft.answers[str(code)])
            for code, question in visible.items()
            if draft.answers.get(str(code)) not in (None, "", [])
        )
        texts_received(
            source="response", ids=[response.pk], subject="consultation", target_id=consultation.pk
        )
        event_happened("response_submitted", response)
    if response.equality_key:
        # After the commit: the answers may be in another database.
        equality_submitted(response.equality_key)
    return response, True
