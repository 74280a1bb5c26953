"""Staff build a consultation's questions: sections, questions of each type, follow-ups,
a preview exactly as the public will see it, and duplicating a consultation as a template."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.consultations.journey import choices_for, section_form
from chorus.consultations.models import Consultation, Question, Section
from chorus.consultations.views import EDITORS
from chorus.core.access import get_for_change, get_for_view, role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction

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
        label=gettext_lazy("Section title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter the section's title")},
    )
    title_cy = forms.CharField(
        label=gettext_lazy("Section title in Welsh (optional)"), max_length=200, required=False
    )


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(
        label=gettext_lazy("Section"),
        queryset=Section.objects.none(),
        error_messages={"required": gettext_lazy("Choose the section")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type of question"),
        choices=Question.Kind.choices,
        error_messages={"required": gettext_lazy("Choose the type of question")},
    )
    text = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=500,
        error_messages={"required": gettext_lazy("Enter the question")},
    )
    text_cy = forms.CharField(
        label=gettext_lazy("Question in Welsh (optional)"), max_length=500, required=False
    )
    help_text = forms.CharField(label=gettext_lazy("Hint (optional)"), max_length=500, required=False)
    help_text_cy = forms.CharField(
        label=gettext_lazy("Hint in Welsh (optional)"), max_length=500, required=False
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    max_length = forms.IntegerField(
        label=gettext_lazy("Character limit (free text, optional)"),
        min_value=1,
        max_value=100000,
        required=False,
        error_messages={"min_value": gettext_lazy("Enter a limit of 1 character or more")},
    )
    options = forms.CharField(
        label=gettext_lazy("Options (single and multiple choice)"),
        help_text=gettext_lazy("One a line; add the Welsh after a bar, like “Yes, often | Ydw, yn aml”"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    follows = forms.ModelChoiceField(
        label=gettext_lazy("Ask only after this question (optional)"),
        queryset=Question.objects.none(),
        required=False,
    )
    shown_for = forms.CharField(
        label=gettext_lazy("…when the answer is one of (option labels, one a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(
        self, *args: Any, consultation: Consultation, editing: Question | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = consultation.sections.all()  # type: ignore[attr-defined]
        earlier = Question.objects.filter(section__consultation=consultation)
        if editing is not None:
            earlier = earlier.exclude(pk=editing.pk)
        self.fields["follows"].queryset = earlier  # type: ignore[attr-defined]

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
            if follows.kind in (Question.Kind.TEXT, Question.Kind.NUMBER, Question.Kind.DATE):
                self.add_error(
                    "follows", _("A follow-up can only follow a question with answers to choose from")
                )
            elif (follows.section.order, follows.section_id) >= (section.order, section.pk):
                self.add_error(
                    "follows", _("Put a follow-up in a later section than the question it follows")
                )
            else:
                labels = {str(label).lower(): value for value, label in choices_for(follows, "en")}
                wanted = [line.strip().lower() for line in shown_for_text.splitlines() if line.strip()]
                unknown = [w for w in wanted if w not in labels]
                if not wanted:
                    self.add_error(
                        "shown_for", _("Say which answers to the earlier question lead to this one")
                    )
                elif unknown:
                    self.add_error(
                        "shown_for",
                        _("“%(answer)s” is not an answer to “%(question)s”. Use: %(answers)s.")
                        % {
                            "answer": unknown[0],
                            "question": follows.text,
                            "answers": ", ".join(str(label) for _v, label in choices_for(follows, "en")),
                        },
                    )
                else:
                    data["shown_for"] = [labels[w] for w in wanted]
        if "max_length" in data and kind != Question.Kind.TEXT:
            data["max_length"] = None
        return data


def _consultation(request: HttpRequest, code: UUID) -> Consultation:
    return get_for_change(request, Consultation.objects.all(), code=code)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, code: UUID) -> HttpResponse:
    """The builder: sections and their questions, with forms to add more."""
    consultation = _consultation(request, code)
    section_form_ = SectionForm(data=request.POST if request.POST.get("add") == "section" else None)
    question_form = QuestionForm(
        data=request.POST if request.POST.get("add") == "question" else None, consultation=consultation
    )
    user = staff_user(request)
    if request.method == "POST" and section_form_.is_bound and section_form_.is_valid():
        with transaction.atomic():
            order = (
                consultation.sections.order_by("-order").values_list("order", flat=True).first() or 0
            ) + 1
            Section.objects.create(consultation=consultation, order=order, **section_form_.cleaned_data)
            audit_record(
                actor=user,
                action=AuditAction.CHANGE,
                obj=consultation,
                request=request,
                detail={"section added": section_form_.cleaned_data["title"]},
            )
        messages.success(request, _("Section added."))
        return redirect("consultations:questions", code=consultation.code)
    if request.method == "POST" and question_form.is_bound and question_form.is_valid():
        data = question_form.cleaned_data
        with transaction.atomic():
            order = (
                Question.objects.filter(section=data["section"])
                .order_by("-order")
                .values_list("order", flat=True)
                .first()
                or 0
            ) + 1
            Question.objects.create(order=order, **data)
            audit_record(
                actor=user,
                action=AuditAction.CHANGE,
                obj=consultation,
                request=request,
                detail={"question added": data["text"]},
            )
        messages.success(request, _("Question added."))
        return redirect("consultations:questions", code=consultation.code)
    sections = consultation.sections.prefetch_related("questions__follows")
    return render(
        request,
        "consultations/questions.html",
        {
            "consultation": consultation,
            "sections": sections,
            "section_form": section_form_,
            "question_form": question_form,
            "has_responses": consultation.responses.exists(),
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def question_delete(request: HttpRequest, code: UUID, question: UUID) -> HttpResponse:
    consultation = _consultation(request, code)
    found = Question.objects.filter(code=question, section__consultation=consultation).first()
    if found is None:
        raise Http404
    if found.answers.exists():
        messages.error(request, _("That question has answers, so it cannot be removed."))
    else:
        with transaction.atomic():
            audit_record(
                actor=staff_user(request),
                action=AuditAction.CHANGE,
                obj=consultation,
                request=request,
                detail={"question removed": found.text},
            )
            found.delete()
        messages.success(request, _("Question removed."))
    return redirect("consultations:questions", code=consultation.code)


@staff_required
def preview(request: HttpRequest, code: UUID, number: int = 1) -> HttpResponse:
    """Each page of questions exactly as the public see it, without sending anything."""
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    language = get_language() or "en"
    all_pages = [(s, list(s.questions.all())) for s in consultation.sections.prefetch_related("questions")]
    pages = [(s, q) for s, q in all_pages if q]
    if not pages:
        messages.info(request, _("Add a section and a question to preview them."))
        return redirect("consultations:questions", code=consultation.code)
    number = max(1, min(number, len(pages)))
    section, questions_ = pages[number - 1]
    return render(
        request,
        "consultations/preview.html",
        {
            "consultation": consultation,
            "title": consultation.title_for(language),
            "section_title": section.title_for(language),
            "form": section_form(questions_, language),
            "number": number,
            "total": len(pages),
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def duplicate(request: HttpRequest, code: UUID) -> HttpResponse:
    """Copy a consultation, its sections and questions (not responses) as an unpublished draft."""
    original = get_for_view(request, Consultation.objects.all(), code=code)
    user = staff_user(request)
    with transaction.atomic():
        copy = Consultation.objects.get(pk=original.pk)
        copy.pk = None
        copy.id = None
        copy.code = Consultation._meta.get_field("code").get_default()
        copy.title = _("Copy of %(title)s") % {"title": original.title}
        copy.is_published = False
        copy.owner = user
        copy.save()
        copy.topics.set(original.topics.all())
        copy.regions.set(original.regions.all())
        question_map: dict[int, Question] = {}
        for section in original.sections.prefetch_related("questions"):
            new_section = Section.objects.create(
                consultation=copy, title=section.title, title_cy=section.title_cy, order=section.order
            )
            for question in section.questions.order_by("order", "id"):
                old_pk = question.pk
                question.pk = None
                question.id = None
                question.code = Question._meta.get_field("code").get_default()
                question.section = new_section
                question.follows = question_map.get(question.follows_id) if question.follows_id else None
                question.save()
                question_map[old_pk] = question
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=copy,
            request=request,
            detail={"copied from": str(original.code)},
        )
    messages.success(request, _("Copied. Change the dates and texts, then publish it."))
    return redirect("consultations:consultation_edit", code=copy.code)
